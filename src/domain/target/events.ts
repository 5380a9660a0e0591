import { z } from 'zod';
import { periodSchema } from '../shared/period.js';
import { idSchema, reasonSchema } from '../shared/schemas.js';

export const targetMetricSchema = z.enum(['revenue', 'wonDeals', 'newCustomers']);
export const scopeKindSchema = z.enum(['org', 'team', 'rep', 'region', 'productLine', 'channel', 'segment']);
export const targetScopeSchema = z.object({ kind: scopeKindSchema, id: z.string().trim().min(1).max(100).nullable() });

export const targetSetSchema = z.object({
  targetId: idSchema,
  period: periodSchema,
  metric: targetMetricSchema,
  scope: targetScopeSchema,
  /** Minor units of `currency` for revenue; a count for wonDeals and newCustomers. */
  amount: z.number(),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be three capital letters, an ISO 4217 code such as EUR').nullable(),
  parentTargetId: idSchema.nullable(),
});

export const targetEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('TargetSet'), data: targetSetSchema }),
  z.object({ type: z.literal('TargetAdjusted'), data: z.object({ amount: z.number(), previousAmount: z.number(), reason: reasonSchema }) }),
  z.object({ type: z.literal('TargetWithdrawn'), data: z.object({ reason: reasonSchema }) }),
]);
export type TargetEvent = z.infer<typeof targetEventSchema>;
