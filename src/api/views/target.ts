import { z } from 'zod';
import { targetMetricSchema } from '../../domain/target/events.js';
import { adjustmentSchema } from '../../projections/targetProgress.js';
import { targetScopeViewSchema, targetStatusSchema } from '../../projections/targets.js';
import type { TargetRecord } from '../../projections/targets.js';
import { isoInstant, isoOrNull } from '../isoInstant.js';
import { compiledView } from '../serializer.js';
import { instant, pageOf, position, streamVersion } from './fields.js';

/** A target as set, with its current amount and the history of its adjustments. */
export const targetViewSchema = compiledView(
  z.object({
    targetId: z.string(),
    streamVersion,
    period: z.string().describe('a year (2026), a quarter (2026-Q3) or a month (2026-07)'),
    metric: targetMetricSchema,
    scope: targetScopeViewSchema,
    amount: z.number().describe('minor units of currency for revenue, a count for wonDeals and newCustomers; the last adjustment once adjusted'),
    currency: z.string().nullable().describe('ISO 4217 code for a revenue target; null for a count'),
    parentTargetId: z.string().nullable(),
    status: targetStatusSchema,
    setAt: instant,
    setPosition: position,
    adjustments: z.array(adjustmentSchema),
    withdrawnAt: instant.nullable(),
  }),
);
export const targetPageSchema = pageOf(targetViewSchema);

export function targetView(t: TargetRecord): z.infer<typeof targetViewSchema> {
  return {
    targetId: t.targetId,
    streamVersion: t.streamVersion,
    period: t.period,
    metric: t.metric,
    scope: { kind: t.scope.kind, id: t.scope.id },
    amount: t.amount,
    currency: t.currency,
    parentTargetId: t.parentTargetId,
    status: t.status,
    setAt: isoInstant(t.setAt),
    setPosition: String(t.setPosition),
    adjustments: t.adjustments.map((a) => ({ at: isoInstant(a.at), amount: a.amount, previousAmount: a.previousAmount, reason: a.reason, position: String(a.position) })),
    withdrawnAt: isoOrNull(t.withdrawnAt),
  };
}
