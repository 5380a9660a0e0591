import { z } from 'zod';
import { idSchema, labelSchema, nameSchema, reasonSchema, textSchema } from '../shared/schemas.js';

export const severitySchema = z.enum(['low', 'medium', 'high']);
export type Severity = z.infer<typeof severitySchema>;

export const complaintEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('ComplaintRaised'),
    data: z.object({
      complaintId: idSchema,
      customerId: idSchema,
      dealId: idSchema.nullable(),
      category: labelSchema,
      severity: severitySchema,
      description: textSchema,
    }),
  }),
  z.object({ type: z.literal('ComplaintAcknowledged'), data: z.object({ note: textSchema.nullable() }) }),
  z.object({ type: z.literal('ComplaintEscalated'), data: z.object({ to: nameSchema, reason: reasonSchema }) }),
  z.object({ type: z.literal('ComplaintResolved'), data: z.object({ resolution: textSchema }) }),
  z.object({ type: z.literal('ComplaintClosed'), data: z.object({ satisfactionScore: z.number().nullable() }) }),
  z.object({ type: z.literal('ComplaintReopened'), data: z.object({ reason: reasonSchema }) }),
]);
export type ComplaintEvent = z.infer<typeof complaintEventSchema>;
