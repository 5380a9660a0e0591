import { z } from 'zod';
import { channelSchema, dateSchema, emailSchema, idSchema, labelSchema, nameSchema, textSchema } from '../shared/schemas.js';

export const segmentSchema = labelSchema;
export const contactSchema = z.object({
  person: nameSchema.nullable(),
  // Internationalised addresses (inköp@…) are real and were stored unchecked by version 1.
  email: emailSchema.nullable(),
  phone: z.string().trim().regex(/^\+?[0-9 ()./-]{5,30}$/, 'must be a phone number').nullable(),
});

export const customerProfileSchema = z.object({
  segment: segmentSchema,
  industry: labelSchema,
  region: labelSchema,
  acquisitionChannel: channelSchema,
  contact: contactSchema,
});

export const satisfactionSourceSchema = z.enum(['survey', 'visit', 'call', 'complaintClosure', 'other']);

export const visitPlannedSchema = z.object({ visitId: idSchema, dueDate: dateSchema, repId: idSchema, purpose: textSchema });
export const visitCompletedSchema = z.object({ visitId: idSchema, outcome: textSchema });
export const satisfactionSchema = z.object({ score: z.number(), source: satisfactionSourceSchema, comment: textSchema.nullable() });

export const customerEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('CustomerRegistered'),
    data: customerProfileSchema.extend({ customerId: idSchema, name: nameSchema }),
  }),
  z.object({ type: z.literal('CustomerProfileUpdated'), data: customerProfileSchema.partial() }),
  z.object({ type: z.literal('FollowUpVisitPlanned'), data: visitPlannedSchema }),
  z.object({ type: z.literal('FollowUpVisitCompleted'), data: visitCompletedSchema }),
  z.object({ type: z.literal('SatisfactionRecorded'), data: satisfactionSchema }),
]);
export type CustomerEvent = z.infer<typeof customerEventSchema>;
export type CustomerProfile = z.infer<typeof customerProfileSchema>;
