import { z } from 'zod';
import { currencySchema } from '../shared/money.js';
import { reasonSchema } from '../shared/schemas.js';
import { targetScopeSchema, targetSetSchema } from './events.js';

// Above 2^53 a number no longer holds every integer: sums and comparisons would silently round.
const amountSchema = z.number().max(Number.MAX_SAFE_INTEGER, `must be at most ${Number.MAX_SAFE_INTEGER}`);

export const targetCommandSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('SetTarget'),
    data: targetSetSchema.extend({
      amount: amountSchema,
      scope: targetScopeSchema.extend({ id: targetScopeSchema.shape.id.default(null) }),
      currency: currencySchema.nullable().default(null),
      parentTargetId: targetSetSchema.shape.parentTargetId.default(null),
    }),
  }),
  z.object({ type: z.literal('AdjustTarget'), data: z.object({ amount: amountSchema, reason: reasonSchema }) }),
  z.object({ type: z.literal('WithdrawTarget'), data: z.object({ reason: reasonSchema }) }),
]);
export type TargetCommand = z.infer<typeof targetCommandSchema>;
