import { z } from 'zod';
import { emailSchema, idSchema, nameSchema, reasonSchema } from '../shared/schemas.js';

export const repRoleSchema = z.enum(['rep', 'manager', 'analyst', 'strategist', 'crmSpecialist']);
export type RepRole = z.infer<typeof repRoleSchema>;
export const regionSchema = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');

export const repHiredSchema = z.object({ repId: idSchema, name: nameSchema, role: repRoleSchema, email: emailSchema.nullable() });
export const teamFormedSchema = z.object({ teamId: idSchema, name: nameSchema, region: regionSchema, managerRepId: idSchema });

export const repEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('RepHired'), data: repHiredSchema }),
  z.object({ type: z.literal('RepJoinedTeam'), data: z.object({ teamId: idSchema }) }),
  z.object({ type: z.literal('RepLeftTeam'), data: z.object({ teamId: idSchema }) }),
  z.object({ type: z.literal('RepDeparted'), data: z.object({ reason: reasonSchema }) }),
]);
export type RepEvent = z.infer<typeof repEventSchema>;

export const teamEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('TeamFormed'), data: teamFormedSchema }),
]);
export type TeamEvent = z.infer<typeof teamEventSchema>;
