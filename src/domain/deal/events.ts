import { z } from 'zod';
import { moneySchema } from '../shared/money.js';
import { channelSchema, dateSchema, idSchema, labelSchema, nameSchema, reasonSchema, textSchema } from '../shared/schemas.js';
import { stageIdSchema } from '../pipeline/events.js';

export const activityKindSchema = z.enum(['call', 'meeting', 'email', 'visit', 'demo', 'note']);
export const forecastCategorySchema = z.enum(['pipeline', 'bestCase', 'commit', 'omitted']);
export const offerPartySchema = z.enum(['us', 'customer']);

export const leadFoundSchema = z.object({
  dealId: idSchema,
  customerId: idSchema,
  title: nameSchema,
  ownerRepId: idSchema,
  pipelineId: idSchema,
  /** The stage the deal starts in: the pipeline's first active stage unless the command chose one. */
  stageId: stageIdSchema,
  channel: channelSchema,
  productLine: labelSchema,
  product: labelSchema,
  region: labelSchema,
  estimatedAmount: moneySchema,
  expectedCloseDate: dateSchema,
});

export const dealEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('LeadFound'), data: leadFoundSchema }),
  z.object({
    type: z.literal('DealMovedToStage'),
    data: z.object({ fromStageId: stageIdSchema, toStageId: stageIdSchema, reason: reasonSchema.nullable() }),
  }),
  z.object({
    type: z.literal('ActivityLogged'),
    data: z.object({ kind: activityKindSchema, summary: textSchema, contactPerson: nameSchema.nullable() }),
  }),
  z.object({
    type: z.literal('QuoteSent'),
    data: z.object({ quoteRef: labelSchema, amount: moneySchema, validUntil: dateSchema.nullable() }),
  }),
  z.object({
    type: z.literal('OfferMade'),
    data: z.object({
      /** 1 for the first offer on the deal, then one more per offer by either side: the negotiation rounds. */
      round: z.number().int().positive(),
      by: offerPartySchema,
      amount: moneySchema,
      discountPercent: z.number(),
      terms: textSchema.nullable(),
    }),
  }),
  z.object({ type: z.literal('EstimatedAmountChanged'), data: z.object({ amount: moneySchema, reason: reasonSchema.nullable() }) }),
  z.object({ type: z.literal('ExpectedCloseDateChanged'), data: z.object({ expectedCloseDate: dateSchema, reason: reasonSchema.nullable() }) }),
  z.object({ type: z.literal('ForecastCategorySet'), data: z.object({ category: forecastCategorySchema }) }),
  z.object({ type: z.literal('DealReassigned'), data: z.object({ fromRepId: idSchema, toRepId: idSchema, reason: reasonSchema }) }),
  z.object({
    type: z.literal('ContractSigned'),
    data: z.object({ amount: moneySchema, contractRef: labelSchema, stageId: stageIdSchema }),
  }),
  z.object({
    type: z.literal('ContractAmountCorrected'),
    data: z.object({ amount: moneySchema, previousAmount: moneySchema, reason: reasonSchema }),
  }),
  z.object({
    type: z.literal('DealLost'),
    data: z.object({ reason: labelSchema, detail: textSchema.nullable(), competitor: nameSchema.nullable(), stageId: stageIdSchema }),
  }),
  z.object({ type: z.literal('DealReopened'), data: z.object({ reason: reasonSchema, stageId: stageIdSchema }) }),
]);
export type DealEvent = z.infer<typeof dealEventSchema>;
