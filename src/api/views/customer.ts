import { z } from 'zod';
import { satisfactionSchema } from '../../domain/customer/events.js';
import type { CustomerRecord } from '../../projections/customerRecord.js';
import { customerLifecycleSchema } from '../../projections/lifecycle.js';
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
    industry: z.string(),
    // Plain strings, not the command's checks: version 1 stored contacts unchecked, and a read shows what was stored.
    contact: z.object({ person: z.string().nullable(), email: z.string().nullable(), phone: z.string().nullable() }),
    registeredAt: instant,
    visitsPlanned: z.number().int(),
    visitsCompleted: z.number().int(),
    visits: z
      .array(
        z.object({
          visitId: z.string().describe('the id to complete the visit with: POST /customers/{id}/visits/{visitId}/completion'),
          repId: z.string(),
          dueDate: z.string().describe('YYYY-MM-DD'),
          purpose: z.string(),
          plannedAt: instant,
          completedAt: instant.nullable().describe('null while the visit is open'),
          outcome: z.string().nullable(),
        }),
      )
      .describe('every follow-up visit, in the order planned'),
    satisfaction: z.array(z.object({ score: satisfactionSchema.shape.score.describe('1 to 5'), at: instant })).describe('every score, in the order recorded'),
  }),
);

/** The customer list shows each customer's lifecycle (stage, class, revenue) and the profile it is filtered by. */
export const customerLifecyclePageSchema = pageOf(customerLifecycleSchema);

export function customerView(record: CustomerRecord): z.infer<typeof customerViewSchema> {
  return {
    customerId: record.customerId,
    streamVersion: record.streamVersion,
    name: record.name,
    segment: record.segment,
    region: record.region,
    channel: record.channel,
    industry: record.industry,
    contact: record.contact,
    registeredAt: isoInstant(record.registeredAt),
    visitsPlanned: record.visits.length,
    visitsCompleted: record.visits.filter((v) => v.completedAt !== null).length,
    visits: record.visits.map((v) => ({ ...v, plannedAt: isoInstant(v.plannedAt), completedAt: v.completedAt === null ? null : isoInstant(v.completedAt) })),
    satisfaction: record.satisfaction.map((s) => ({ score: s.score, at: isoInstant(s.at) })),
  };
}
