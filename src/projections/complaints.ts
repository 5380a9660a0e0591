import { z } from 'zod';
import type { ComplaintStatus } from '../domain/complaint/decider.js';
import { severitySchema } from '../domain/complaint/events.js';
import type { Severity } from '../domain/complaint/events.js';
import type { Position } from '../eventstore/port.js';
import { complaintProvenanceSchema } from './answer.js';
import { idOf } from './events.js';
import type { Projection } from './projection.js';
import { mean, median, ratio, round } from './stats.js';

export type ComplaintRecord = {
  complaintId: string;
  customerId: string;
  dealId: string | null;
  category: string;
  severity: Severity;
  description: string;
  status: ComplaintStatus;
  raisedAt: number;
  raisedPosition: Position;
  acknowledgedAt: number | null;
  resolvedAt: number | null;
  closedAt: number | null;
  escalations: number;
  reopened: number;
  /** The satisfaction scores given when it was closed (a follow-up confirming the resolution), each dated. */
  closingScores: { at: number; score: number }[];
  /** When it was open: [raised or reopened, resolved) spans, for "open at instant T". */
  openSpans: { from: number; to: number | null }[];
  /** The version of the complaint's stream this record reflects: the ETag of a complaint read now. */
  streamVersion: number;
};

export type ComplaintsState = { complaints: Map<string, ComplaintRecord> };

export const complaintsProjection: Projection<ComplaintsState> = {
  name: 'complaints',
  // 2: records keep their stream's version. 3: and the scores given at closing.
  version: 3,
  eventTypes: ['ComplaintRaised', 'ComplaintAcknowledged', 'ComplaintEscalated', 'ComplaintResolved', 'ComplaintClosed', 'ComplaintReopened'],
  init: () => ({ complaints: new Map() }),
  apply(state, event) {
    if (event.type === 'ComplaintRaised') {
      const d = event.data;
      state.complaints.set(d.complaintId, {
        ...d,
        status: 'raised',
        raisedAt: event.occurredAt,
        raisedPosition: event.position,
        acknowledgedAt: null,
        resolvedAt: null,
        closedAt: null,
        escalations: 0,
        reopened: 0,
        closingScores: [],
        openSpans: [{ from: event.occurredAt, to: null }],
        streamVersion: event.streamVersion,
      });
      return;
    }
    const complaint = state.complaints.get(idOf(event.streamId));
    if (!complaint) return;
    complaint.streamVersion = event.streamVersion;
    const openSpan = complaint.openSpans.at(-1);
    switch (event.type) {
      case 'ComplaintAcknowledged':
        complaint.status = 'acknowledged';
        complaint.acknowledgedAt ??= event.occurredAt;
        return;
      case 'ComplaintEscalated':
        complaint.status = 'escalated';
        complaint.escalations += 1;
        return;
      case 'ComplaintResolved':
        complaint.status = 'resolved';
        complaint.resolvedAt = event.occurredAt;
        if (openSpan && openSpan.to === null) openSpan.to = event.occurredAt;
        return;
      case 'ComplaintClosed':
        complaint.status = 'closed';
        complaint.closedAt = event.occurredAt;
        if (event.data.satisfactionScore !== null) complaint.closingScores.push({ at: event.occurredAt, score: event.data.satisfactionScore });
        return;
      case 'ComplaintReopened':
        complaint.status = 'reopened';
        complaint.reopened += 1;
        complaint.closedAt = null;
        complaint.openSpans.push({ from: event.occurredAt, to: null });
        return;
      default:
        return;
    }
  },
};

export const isOpenAt = (complaint: ComplaintRecord, at: number): boolean =>
  complaint.openSpans.some((span) => span.from <= at && (span.to === null || at < span.to));

/** With explain: the complaints behind a figure, each with the position it was raised at. */
export const complaintsBehind = (complaints: readonly ComplaintRecord[]) => complaints.map((c) => ({ complaintId: c.complaintId, position: String(c.raisedPosition) }));

/** Per severity: acknowledge within `acknowledgeHours`, resolve within `resolveDays` (DESIGN.md §4 defaults). */
export type ComplaintSla = Record<Severity, { acknowledgeHours: number; resolveDays: number }>;
export const DEFAULT_COMPLAINT_SLA: ComplaintSla = {
  high: { acknowledgeHours: 4, resolveDays: 2 },
  medium: { acknowledgeHours: 24, resolveDays: 5 },
  low: { acknowledgeHours: 72, resolveDays: 10 },
};

const HOUR = 3_600_000;

const bucketsSchema = z.record(z.string(), z.object({ open: z.number().int(), resolved: z.number().int(), closed: z.number().int() }));
const breachesSchema = z.array(z.object({ complaintId: z.string(), severity: severitySchema, hours: z.number().describe('hours taken, or elapsed so far') }));

export const complaintStatsSchema = z.object({
  total: z.number().int(),
  open: z.number().int(),
  resolved: z.number().int(),
  closed: z.number().int(),
  byCategory: bucketsSchema,
  bySeverity: bucketsSchema,
  meanHoursToAcknowledge: z.number().nullable(),
  medianHoursToAcknowledge: z.number().nullable(),
  meanHoursToResolve: z.number().nullable(),
  medianHoursToResolve: z.number().nullable(),
  acknowledgeBreaches: breachesSchema.describe('complaints acknowledged later than their SLA, or not yet and already past it'),
  resolveBreaches: breachesSchema.describe('complaints resolved later than their SLA, or not yet and already past it'),
  reopenRate: z.number().nullable().describe('reopened complaints over complaints ever resolved'),
  provenance: z.object({ total: complaintProvenanceSchema.describe('the complaints counted, each with its ComplaintRaised') }).optional().describe('with explain=true'),
});
export type ComplaintStats = z.infer<typeof complaintStatsSchema>;

/**
 * Complaint statistics over the complaints raised in [from, to) (all when no window). A complaint
 * not yet acknowledged or resolved is in breach once `now` is past its SLA; reopen rate is reopened
 * complaints over complaints ever resolved; time to resolve runs from raising to the last resolution.
 */
export function complaintStats(state: ComplaintsState, now: number, options: { from?: number; to?: number; sla?: ComplaintSla; explain?: boolean } = {}): ComplaintStats {
  const sla = options.sla ?? DEFAULT_COMPLAINT_SLA;
  const list = [...state.complaints.values()].filter((c) => (options.from === undefined || c.raisedAt >= options.from) && (options.to === undefined || c.raisedAt < options.to));
  const bucket = (c: ComplaintRecord): 'open' | 'resolved' | 'closed' => (c.status === 'closed' ? 'closed' : c.status === 'resolved' ? 'resolved' : 'open');
  const byCategory: ComplaintStats['byCategory'] = {};
  const bySeverity: ComplaintStats['bySeverity'] = {};
  const ack: number[] = [];
  const resolve: number[] = [];
  const acknowledgeBreaches: ComplaintStats['acknowledgeBreaches'] = [];
  const resolveBreaches: ComplaintStats['resolveBreaches'] = [];
  for (const c of list) {
    for (const [groups, key] of [[byCategory, c.category], [bySeverity, c.severity]] as const) {
      const group = (groups[key] ??= { open: 0, resolved: 0, closed: 0 });
      group[bucket(c)] += 1;
    }
    // The acknowledge clock stops at the first acknowledgement, or at the first resolution if none came before it: a
    // complaint resolved in an hour was answered, and its age since raising is no acknowledgement breach.
    const firstResolution = c.openSpans[0]?.to ?? null;
    const answeredAt = c.acknowledgedAt ?? (firstResolution !== null && firstResolution <= now ? firstResolution : null);
    const ackHours = ((answeredAt ?? now) - c.raisedAt) / HOUR;
    if (c.acknowledgedAt !== null) ack.push(ackHours);
    if (ackHours > sla[c.severity].acknowledgeHours) acknowledgeBreaches.push({ complaintId: c.complaintId, severity: c.severity, hours: round(ackHours, 2) ?? 0 });
    const resolved = c.status === 'resolved' || c.status === 'closed';
    const resolveHours = ((resolved ? (c.resolvedAt ?? now) : now) - c.raisedAt) / HOUR;
    if (resolved) resolve.push(resolveHours);
    if (resolveHours > sla[c.severity].resolveDays * 24) resolveBreaches.push({ complaintId: c.complaintId, severity: c.severity, hours: round(resolveHours, 2) ?? 0 });
  }
  const everResolved = list.filter((c) => c.resolvedAt !== null).length;
  return {
    total: list.length,
    open: list.filter((c) => bucket(c) === 'open').length,
    resolved: list.filter((c) => bucket(c) === 'resolved').length,
    closed: list.filter((c) => bucket(c) === 'closed').length,
    byCategory,
    bySeverity,
    meanHoursToAcknowledge: round(mean(ack), 2),
    medianHoursToAcknowledge: round(median(ack), 2),
    meanHoursToResolve: round(mean(resolve), 2),
    medianHoursToResolve: round(median(resolve), 2),
    acknowledgeBreaches,
    resolveBreaches,
    reopenRate: round(ratio(list.filter((c) => c.reopened > 0).length, everResolved)),
    ...(options.explain ? { provenance: { total: complaintsBehind(list) } } : {}),
  };
}
