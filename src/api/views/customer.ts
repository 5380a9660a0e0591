import { z } from 'zod';
import { satisfactionSchema } from '../../domain/customer/events.js';
import type { CustomerRecord } from '../../projections/customerRecord.js';
import { customerLifecycleSchema } from '../../projections/lifecycle.js';
import type { CustomerFacts } from '../../projections/sales.js';
import { isoInstant } from '../isoInstant.js';
import { compiledView } from '../serializer.js';
import { instant, pageOf, streamVersion } from './fields.js';

/** A customer: its profile, its follow-up visits and the satisfaction it reported. */
export const customerViewSchema = compiledView(
  z.object({
    customerId: z.string(),
    streamVersion,
    name: z.string(),
    segment: z.string(),
    region: z.string(),
    channel: z.string().describe('the channel the customer was acquired through'),
    registeredAt: instant,
    visitsPlanned: z.number().int(),
    visitsCompleted: z.number().int(),
    satisfaction: z.array(z.object({ score: satisfactionSchema.shape.score.describe('1 to 5'), at: instant })).describe('every score, in the order recorded'),
  }),
);

/** The customer list shows each customer's lifecycle (stage, class, revenue), not its profile. */
export const customerLifecyclePageSchema = pageOf(customerLifecycleSchema);

export function customerView(facts: CustomerFacts, record: CustomerRecord): z.infer<typeof customerViewSchema> {
  return {
    customerId: facts.customerId,
    streamVersion: record.streamVersion,
    name: facts.name,
    segment: facts.segment,
    region: facts.region,
    channel: facts.channel,
    registeredAt: isoInstant(facts.registeredAt),
    visitsPlanned: record.visitsPlanned,
    visitsCompleted: record.visitsCompleted,
    satisfaction: record.satisfaction.map((s) => ({ score: s.score, at: isoInstant(s.at) })),
  };
}
