import { z } from 'zod';
import { moneyInputSchema } from '../shared/money.js';
import { dateSchema, labelSchema, nameSchema, reasonSchema, textSchema } from '../shared/schemas.js';
import { stageIdSchema } from '../pipeline/events.js';
import { STANDARD_PIPELINE_ID } from '../pipeline/decider.js';
import { activityKindSchema, forecastCategorySchema, leadFoundSchema, offerPartySchema } from './events.js';

export const dealCommandSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('FindLead'),
    data: leadFoundSchema.extend({
      estimatedAmount: moneyInputSchema,
      pipelineId: leadFoundSchema.shape.pipelineId.default(STANDARD_PIPELINE_ID),
      stageId: stageIdSchema.optional(),
    }),
  }),
  z.object({ type: z.literal('MoveDealToStage'), data: z.object({ stageId: stageIdSchema, reason: reasonSchema.nullable().default(null) }) }),
  z.object({
    type: z.literal('LogActivity'),
    data: z.object({ kind: activityKindSchema, summary: textSchema, contactPerson: nameSchema.nullable().default(null) }),
  }),
  z.object({ type: z.literal('SendQuote'), data: z.object({ quoteRef: labelSchema, amount: moneyInputSchema, validUntil: dateSchema.nullable().default(null) }) }),
  z.object({
    type: z.literal('MakeOffer'),
    data: z.object({ by: offerPartySchema, amount: moneyInputSchema, discountPercent: z.number().default(0), terms: textSchema.nullable().default(null) }),
  }),
  z.object({ type: z.literal('ChangeEstimatedAmount'), data: z.object({ amount: moneyInputSchema, reason: reasonSchema.nullable().default(null) }) }),
  z.object({
    type: z.literal('ChangeExpectedCloseDate'),
    data: z.object({ expectedCloseDate: dateSchema, reason: reasonSchema.nullable().default(null) }),
  }),
  z.object({ type: z.literal('SetForecastCategory'), data: z.object({ category: forecastCategorySchema }) }),
  z.object({ type: z.literal('ReassignDeal'), data: z.object({ toRepId: leadFoundSchema.shape.ownerRepId, reason: reasonSchema }) }),
  z.object({ type: z.literal('SignContract'), data: z.object({ amount: moneyInputSchema, contractRef: labelSchema }) }),
  z.object({ type: z.literal('CorrectContractAmount'), data: z.object({ amount: moneyInputSchema, reason: reasonSchema }) }),
  z.object({
    type: z.literal('MarkDealLost'),
    data: z.object({ reason: labelSchema, detail: textSchema.nullable().default(null), competitor: nameSchema.nullable().default(null) }),
  }),
  z.object({ type: z.literal('ReopenDeal'), data: z.object({ reason: reasonSchema, stageId: stageIdSchema.optional() }) }),
]);
export type DealCommand = z.infer<typeof dealCommandSchema>;

/** The loss reasons a deal may be marked lost with, unless configured otherwise. */
export const DEFAULT_LOSS_REASONS = ['price', 'competitor', 'noBudget', 'noDecision', 'timing', 'productFit', 'relationship', 'other'] as const;
