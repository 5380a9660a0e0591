import { z } from 'zod';
import { complaintStatusSchema } from '../../domain/complaint/decider.js';
import { severitySchema } from '../../domain/complaint/events.js';
import type { ComplaintRecord } from '../../projections/complaints.js';
import { isoInstant, isoOrNull } from '../isoInstant.js';
import { compiledView } from '../serializer.js';
import { instant, pageOf, position, streamVersion } from './fields.js';

/** A complaint: where it is in its handling, when each step happened, and when it was open. */
export const complaintViewSchema = compiledView(
  z.object({
    complaintId: z.string(),
    streamVersion,
    customerId: z.string(),
    dealId: z.string().nullable(),
    category: z.string(),
    severity: severitySchema,
    description: z.string().describe('as raised'),
    status: complaintStatusSchema,
    raisedAt: instant,
    raisedPosition: position,
    acknowledgedAt: instant.nullable().describe('the first acknowledgement'),
    resolvedAt: instant.nullable().describe('the last resolution'),
    closedAt: instant.nullable().describe('null again once reopened'),
    escalations: z.number().int(),
    reopened: z.number().int().describe('times reopened'),
    openSpans: z.array(z.object({ from: instant, to: instant.nullable() })).describe('when it was open: from raising or reopening until resolved (to is null while still open)'),
  }),
);
export const complaintPageSchema = pageOf(complaintViewSchema);

export function complaintView(c: ComplaintRecord): z.infer<typeof complaintViewSchema> {
  return {
    complaintId: c.complaintId,
    streamVersion: c.streamVersion,
    customerId: c.customerId,
    dealId: c.dealId,
    category: c.category,
    severity: c.severity,
    description: c.description,
    status: c.status,
    raisedAt: isoInstant(c.raisedAt),
    raisedPosition: String(c.raisedPosition),
    acknowledgedAt: isoOrNull(c.acknowledgedAt),
    resolvedAt: isoOrNull(c.resolvedAt),
    closedAt: isoOrNull(c.closedAt),
    escalations: c.escalations,
    reopened: c.reopened,
    openSpans: c.openSpans.map((s) => ({ from: isoInstant(s.from), to: isoOrNull(s.to) })),
  };
}
