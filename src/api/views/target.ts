import { z } from 'zod';
import { targetSetSchema } from '../../domain/target/events.js';
import type { TargetRecord } from '../../projections/targets.js';
import { isoInstant, isoOrNull } from '../isoInstant.js';
import { compiledView } from '../serializer.js';
import { instant, pageOf, position } from './fields.js';

export const targetStatusSchema = z.enum(['active', 'withdrawn']);

/** A target as set, with its current amount and the history of its adjustments. */
export const targetViewSchema = compiledView(
  targetSetSchema.extend({
    amount: targetSetSchema.shape.amount.describe('minor units of currency for revenue, a count for wonDeals and newCustomers; the last adjustment once adjusted'),
    status: targetStatusSchema,
    setAt: instant,
    setPosition: position,
    adjustments: z.array(z.object({ at: instant, amount: z.number(), previousAmount: z.number(), reason: z.string(), position })),
    withdrawnAt: instant.nullable(),
  }),
);
export const targetPageSchema = pageOf(targetViewSchema);

export function targetView(t: TargetRecord): z.infer<typeof targetViewSchema> {
  return {
    targetId: t.targetId,
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
