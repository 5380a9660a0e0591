import { z } from 'zod';
import { emailSchema, idSchema, nameSchema, reasonSchema } from '../shared/schemas.js';
import { regionSchema, repRoleSchema } from './events.js';

export const repCommandSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('HireRep'),
    data: z.object({ repId: idSchema, name: nameSchema, role: repRoleSchema, email: emailSchema.nullable().default(null) }),
  }),
  z.object({ type: z.literal('JoinTeam'), data: z.object({ teamId: idSchema }) }),
  z.object({ type: z.literal('LeaveTeam'), data: z.object({}) }),
  z.object({ type: z.literal('DepartRep'), data: z.object({ reason: reasonSchema }) }),
]);
export type RepCommand = z.infer<typeof repCommandSchema>;

export const teamCommandSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('FormTeam'),
    data: z.object({ teamId: idSchema, name: nameSchema, region: regionSchema, managerRepId: idSchema }),
  }),
]);
export type TeamCommand = z.infer<typeof teamCommandSchema>;
