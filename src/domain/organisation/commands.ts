import { z } from 'zod';
import { idSchema, reasonSchema } from '../shared/schemas.js';
import { repHiredSchema, teamFormedSchema } from './events.js';

export const repCommandSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('HireRep'),
    data: repHiredSchema.extend({ email: repHiredSchema.shape.email.default(null) }),
  }),
  z.object({ type: z.literal('JoinTeam'), data: z.object({ teamId: idSchema }) }),
  z.object({ type: z.literal('LeaveTeam'), data: z.object({}) }),
  z.object({ type: z.literal('DepartRep'), data: z.object({ reason: reasonSchema }) }),
]);
export type RepCommand = z.infer<typeof repCommandSchema>;

export const teamCommandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('FormTeam'), data: teamFormedSchema }),
]);
export type TeamCommand = z.infer<typeof teamCommandSchema>;
