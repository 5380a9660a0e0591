import { z } from 'zod';
import { idSchema, labelSchema, nameSchema, reasonSchema, textSchema } from '../shared/schemas.js';
import { severitySchema } from './events.js';

export const complaintCommandSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('RaiseComplaint'),
    data: z.object({
      complaintId: idSchema,
      customerId: idSchema,
      dealId: idSchema.nullable().default(null),
      category: labelSchema,
      severity: severitySchema,
      description: textSchema,
    }),
  }),
  z.object({ type: z.literal('AcknowledgeComplaint'), data: z.object({ note: textSchema.nullable().default(null) }) }),
  z.object({ type: z.literal('EscalateComplaint'), data: z.object({ to: nameSchema, reason: reasonSchema }) }),
  z.object({ type: z.literal('ResolveComplaint'), data: z.object({ resolution: textSchema }) }),
  z.object({ type: z.literal('CloseComplaint'), data: z.object({ satisfactionScore: z.number().nullable().default(null) }) }),
  z.object({ type: z.literal('ReopenComplaint'), data: z.object({ reason: reasonSchema }) }),
]);
export type ComplaintCommand = z.infer<typeof complaintCommandSchema>;
