import { z } from 'zod';
import { reasonSchema } from '../shared/schemas.js';
import { targetScopeSchema, targetSetSchema } from './events.js';

export const targetCommandSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('SetTarget'),
    data: targetSetSchema.extend({
      scope: targetScopeSchema.extend({ id: targetScopeSchema.shape.id.default(null) }),
      currency: targetSetSchema.shape.currency.default(null),
      parentTargetId: targetSetSchema.shape.parentTargetId.default(null),
    }),
  }),
  z.object({ type: z.literal('AdjustTarget'), data: z.object({ amount: z.number(), reason: reasonSchema }) }),
  z.object({ type: z.literal('WithdrawTarget'), data: z.object({ reason: reasonSchema }) }),
]);
export type TargetCommand = z.infer<typeof targetCommandSchema>;
