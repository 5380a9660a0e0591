import { z } from 'zod';
import { channelSchema, idSchema, labelSchema, nameSchema } from '../shared/schemas.js';

/**
 * CustomerRegistered v1 kept contact details as flat optional fields. v2 groups them as
 * `contact: { person, email, phone }` so that profile updates can replace them as one value.
 */
export const customerRegisteredV1Schema = z.object({
  customerId: idSchema,
  name: nameSchema,
  segment: labelSchema,
  industry: labelSchema,
  region: labelSchema,
  acquisitionChannel: channelSchema,
  contactEmail: z.string().optional(),
  contactPhone: z.string().optional(),
});

export function customerRegisteredV1ToV2(data: unknown): Record<string, unknown> {
  const { contactEmail, contactPhone, ...rest } = customerRegisteredV1Schema.parse(data);
  return { ...rest, contact: { person: null, email: contactEmail ?? null, phone: contactPhone ?? null } };
}
