import { z } from 'zod';
import { idSchema, nameSchema } from '../shared/schemas.js';
import { contactSchema, customerProfileSchema, satisfactionSchema, visitCompletedSchema, visitPlannedSchema } from './events.js';

const noContact = { person: null, email: null, phone: null };

/**
 * Contact details as a command gives them: a phone number also needs five digits ("(((((" passed
 * the stored events' pattern). Commands only: events stored before the rule still read.
 */
const contactInputSchema = contactSchema.extend({
  phone: contactSchema.shape.phone.refine((phone) => phone === null || (phone.match(/\d/g)?.length ?? 0) >= 5, 'must be a phone number: at least 5 digits'),
});
const profileInputSchema = customerProfileSchema.extend({ contact: contactInputSchema });

export const customerCommandSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('RegisterCustomer'),
    data: profileInputSchema.extend({ customerId: idSchema, name: nameSchema, contact: contactInputSchema.default(noContact) }),
  }),
  z.object({ type: z.literal('UpdateCustomerProfile'), data: profileInputSchema.partial() }),
  z.object({ type: z.literal('PlanFollowUpVisit'), data: visitPlannedSchema }),
  z.object({ type: z.literal('CompleteFollowUpVisit'), data: visitCompletedSchema }),
  z.object({ type: z.literal('RecordSatisfaction'), data: satisfactionSchema.extend({ comment: satisfactionSchema.shape.comment.default(null) }) }),
]);
export type CustomerCommand = z.infer<typeof customerCommandSchema>;

/**
 * Names compare without case, surrounding space or repeated inner space, in Unicode NFKC form and
 * without the characters that show nothing (a zero-width space, a soft hyphen: Unicode's default
 * ignorables), which would let "Acme AB" be registered twice looking the same.
 */
export function normalizeCustomerName(name: string): string {
  return name.normalize('NFKC').replace(/\p{Default_Ignorable_Code_Point}/gu, '').trim().replace(/\s+/g, ' ').toLocaleLowerCase('en-US');
}
