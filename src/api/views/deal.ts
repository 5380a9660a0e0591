import { z } from 'zod';
import { dealStatusSchema } from '../../projections/dealRecord.js';
import type { DealRecord, SalesState } from '../../projections/sales.js';
import { teamOf } from '../../projections/sales.js';
import { isoInstant, isoOrNull } from '../isoInstant.js';
import { compiledView } from '../serializer.js';
import { instant, money, pageOf, position, streamVersion } from './fields.js';

/** A deal as the API shows it: its current facts and its stage history, with the position of each entry. */
export const dealViewSchema = compiledView(
  z.object({
    dealId: z.string(),
    streamVersion,
    title: z.string(),
    customerId: z.string(),
    pipelineId: z.string(),
    stageId: z.string(),
    status: dealStatusSchema,
    ownerRepId: z.string(),
    team: z.string().nullable().describe("the owner's team at the read's point in time"),
    region: z.string(),
    productLine: z.string(),
    product: z.string(),
    channel: z.string(),
    estimatedAmount: money,
    contractAmount: money.nullable(),
    expectedCloseDate: z.string(),
    forecastCategory: z.string(),
    leadFoundAt: instant,
    closedAt: instant.nullable(),
    lostReason: z.string().nullable(),
    competitor: z.string().nullable(),
    offers: z.number().int(),
    reopened: z.number().int(),
    stageHistory: z.array(z.object({ stageId: z.string(), enteredAt: instant, position })),
  }),
);
export const dealPageSchema = pageOf(dealViewSchema);

export function dealView(deal: DealRecord, sales: SalesState, now: number): z.infer<typeof dealViewSchema> {
  const { contractMinor, currency } = deal;
  return {
    dealId: deal.dealId,
    streamVersion: deal.streamVersion,
    title: deal.title,
    customerId: deal.customerId,
    pipelineId: deal.pipelineId,
    stageId: deal.stageId,
    status: deal.status,
    ownerRepId: deal.owner,
    team: teamOf(sales.reps.get(deal.owner), now),
    region: deal.region,
    productLine: deal.productLine,
    product: deal.product,
    channel: deal.channel,
    estimatedAmount: { amountMinor: deal.estimatedMinor, currency },
    contractAmount: contractMinor === null ? null : { amountMinor: contractMinor, currency },
    expectedCloseDate: deal.expectedCloseDate,
    forecastCategory: deal.forecastCategory,
    leadFoundAt: isoInstant(deal.leadAt),
    closedAt: isoOrNull(deal.closedAt),
    lostReason: deal.lostReason,
    competitor: deal.competitor,
    offers: deal.offers,
    reopened: deal.reopened,
    stageHistory: deal.entries.map((e) => ({ stageId: e.stageId, enteredAt: isoInstant(e.at), position: String(e.position) })),
  };
}
