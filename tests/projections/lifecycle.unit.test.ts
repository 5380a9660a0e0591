import { describe, expect, it } from 'vitest';
import { complaintStats, complaintsProjection } from '../../src/projections/complaints.js';
import { customersProjection } from '../../src/projections/customers.js';
import { customerLifecycles, lifecycleCounts } from '../../src/projections/lifecycle.js';
import { replay } from '../../src/projections/projection.js';
import { salesProjection } from '../../src/projections/sales.js';
import { History, day } from '../support/history.js';

const raise = (complaintId: string, customerId: string, severity: 'high' | 'medium' | 'low', category = 'delivery') => ({
  type: 'ComplaintRaised' as const,
  data: { complaintId, customerId, dealId: null, category, severity, description: 'x' },
});

/** One won deal per contract, signed on the day given. */
function contract(h: History, customer: string, on: string, amount: number): History {
  const dealId = `${customer}-${on}`;
  return h.lead(dealId, on, { customer }).sign(dealId, amount, `${on}T10:00:00.000Z`, 'lead');
}

/*
 * On 2026-07-01 (all customers registered 2023-12-01):
 *   P   never signed                                        → prospect
 *   N   first contract 2026-06-01                            → new (30 days)
 *   A1  contracts 2025-09-01, 2026-03-01                     → active
 *   R1  contract 2026-01-15, open high complaint since 06-20 → at risk
 *   R2  last contract 2025-09-20 (284 days ago)              → at risk
 *   S   contract 2026-02-01, satisfaction 2 on 2026-06-01    → at risk
 *   D   last contract 2025-05-01 (426 days ago)              → dormant
 *   RE  contracts 2024-01-10, 2026-05-15                     → reactivated
 */
const h = new History().standardPipeline('2023-01-01').rep('ann', 'north', '2023-01-01');
for (const id of ['P', 'N', 'A1', 'R1', 'R2', 'S', 'D', 'RE']) h.customer(id, '2023-12-01');
contract(h, 'RE', '2024-01-10', 50_000);
contract(h, 'D', '2025-05-01', 80_000);
contract(h, 'A1', '2025-09-01', 300_000);
contract(h, 'R2', '2025-09-20', 100_000);
contract(h, 'R1', '2026-01-15', 150_000);
contract(h, 'S', '2026-02-01', 50_000);
contract(h, 'A1', '2026-03-01', 300_000);
contract(h, 'RE', '2026-05-15', 50_000);
contract(h, 'N', '2026-06-01', 50_000);
h.add('S', { type: 'SatisfactionRecorded', data: { score: 2, source: 'survey', comment: null } }, '2026-06-01');
h.add('k-r1', raise('k-r1', 'R1', 'high'), '2026-06-20');

const now = day('2026-07-01');
const rows = customerLifecycles({
  sales: replay(salesProjection, h.events),
  customers: replay(customersProjection, h.events),
  complaints: replay(complaintsProjection, h.events),
  now,
});
const byId = Object.fromEntries(rows.map((r) => [r.customerId, r]));
const iso = (at: string) => at.slice(0, 10);

describe('customer lifecycle', () => {
  it('puts each customer in its stage', () => {
    expect(Object.fromEntries(rows.map((r) => [r.customerId, r.stage]))).toEqual({
      P: 'prospect',
      N: 'new',
      A1: 'active',
      R1: 'atRisk',
      R2: 'atRisk',
      S: 'atRisk',
      D: 'dormant',
      RE: 'reactivated',
    });
  });

  it('dates every transition: D went new, active (+90 d), at risk (+270 d), dormant (+365 d)', () => {
    expect(byId.D?.transitions.map((t) => [t.stage, iso(t.at)])).toEqual([
      ['prospect', '2023-12-01'],
      ['new', '2025-05-01'],
      ['active', '2025-07-30'],
      ['atRisk', '2026-01-26'],
      ['dormant', '2026-05-01'],
    ]);
  });

  it('reactivates a dormant customer with its next contract', () => {
    expect(byId.RE?.transitions.map((t) => [t.stage, iso(t.at)])).toEqual([
      ['prospect', '2023-12-01'],
      ['new', '2024-01-10'],
      ['active', '2024-04-09'],
      ['atRisk', '2024-10-06'],
      ['dormant', '2025-01-09'],
      ['reactivated', '2026-05-15'],
    ]);
  });

  it('classifies A/B/C by trailing-12-month revenue: A makes the first 80 %, B the next 15 %', () => {
    // T12M: A1 600 000, R1 150 000, R2 100 000, N 50 000, RE 50 000, S 50 000 (total 1 000 000); D's contract is older
    expect(Object.fromEntries(rows.map((r) => [r.customerId, r.class]))).toEqual({ A1: 'A', R1: 'A', R2: 'A', N: 'B', RE: 'B', S: 'C', D: 'C', P: 'C' });
  });

  it('gives revenue, contracts, open complaints and last satisfaction', () => {
    expect(byId.A1).toMatchObject({ contracts: 2, lifetimeRevenue: { EUR: 600_000 }, trailing12MonthRevenue: { EUR: 600_000 } });
    expect(byId.D).toMatchObject({ contracts: 1, lifetimeRevenue: { EUR: 80_000 }, trailing12MonthRevenue: {} });
    expect(byId.R1?.openComplaints).toBe(1);
    expect(byId.S?.lastSatisfaction).toBe(2);
  });

  it('counts customers per stage and class', () => {
    expect(lifecycleCounts(rows)).toEqual({
      byStage: { prospect: 1, new: 1, active: 1, atRisk: 3, dormant: 1, reactivated: 1 },
      byClass: { A: 3, B: 2, C: 3 },
    });
  });

  it('recovers from at risk once the high complaint is resolved', () => {
    const resolved = new History();
    resolved.events.push(...h.events);
    resolved.add('k-r1', { type: 'ComplaintResolved', data: { resolution: 'fixed' } }, '2026-06-25');
    const r1 = customerLifecycles({
      sales: replay(salesProjection, resolved.events),
      customers: replay(customersProjection, resolved.events),
      complaints: replay(complaintsProjection, resolved.events),
      now,
    }).find((r) => r.customerId === 'R1');
    expect(r1?.transitions.slice(-2).map((t) => [t.stage, iso(t.at)])).toEqual([
      ['atRisk', '2026-06-20'],
      ['active', '2026-06-25'],
    ]);
  });

  it('takes the score given when a complaint is closed as the last satisfaction, at risk when it is 2 or less', () => {
    // given A1 (active) closing a low complaint on 06-10 with a score of 1, then recording 4 on 06-25
    const closed = new History();
    closed.events.push(...h.events);
    closed.add('k-a1', raise('k-a1', 'A1', 'low'), '2026-06-05');
    closed.add('k-a1', { type: 'ComplaintResolved', data: { resolution: 'fixed' } }, '2026-06-08');
    closed.add('k-a1', { type: 'ComplaintClosed', data: { satisfactionScore: 1 } }, '2026-06-10');
    const at = (when: string) =>
      customerLifecycles({ sales: replay(salesProjection, closed.events), customers: replay(customersProjection, closed.events), complaints: replay(complaintsProjection, closed.events), now: day(when) }).find((r) => r.customerId === 'A1');
    // then A1 is at risk from the closing, with that score as its last satisfaction
    expect(at('2026-06-20')).toMatchObject({ stage: 'atRisk', since: new Date(day('2026-06-10')).toISOString(), lastSatisfaction: 1 });
    expect(at('2026-06-09')).toMatchObject({ stage: 'active', lastSatisfaction: null });
    // and a later recorded score of 4 takes over
    closed.add('A1', { type: 'SatisfactionRecorded', data: { score: 4, source: 'survey', comment: null } }, '2026-06-25');
    expect(at('2026-07-01')).toMatchObject({ stage: 'active', lastSatisfaction: 4 });
  });

  it('counts a completed follow-up visit as the last contact, the latest completed by now, and an open one not at all', () => {
    // given a customer with no deal, two visits completed in March and May, and one still open
    const v = new History().standardPipeline('2023-01-01').rep('ann', 'north', '2023-01-01').customer('V', '2024-01-01');
    for (const visitId of ['v1', 'v2', 'v3']) v.add('V', { type: 'FollowUpVisitPlanned', data: { visitId, dueDate: '2026-03-01', repId: 'ann', purpose: 'check-in' } }, '2026-02-01');
    v.add('V', { type: 'FollowUpVisitCompleted', data: { visitId: 'v2', outcome: 'fine' } }, '2026-05-10');
    v.add('V', { type: 'FollowUpVisitCompleted', data: { visitId: 'v1', outcome: 'fine' } }, '2026-03-05');
    const at = (when: string) =>
      customerLifecycles({ sales: replay(salesProjection, v.events), customers: replay(customersProjection, v.events), complaints: replay(complaintsProjection, v.events), now: day(when) })[0]?.lastContactAt;
    // then the last contact is the latest completion up to the point in time read
    expect(at('2026-07-01')).toBe(new Date(day('2026-05-10')).toISOString());
    expect(at('2026-04-01')).toBe(new Date(day('2026-03-05')).toISOString());
    expect(at('2026-03-01')).toBeNull();
  });
});

describe('complaint statistics', () => {
  /*
   * k1 high:   raised 06-01 09:00, acknowledged 12:00 (3 h), resolved 06-02 09:00 (24 h), closed 06-03
   * k2 high:   raised 06-05 09:00, acknowledged 15:00 (6 h: late), resolved 06-08 (72 h: late),
   *            reopened 06-10, resolved again 06-11 (144 h from raising)
   * k3 medium: raised 06-20 09:00, acknowledged 06-21 09:00 (24 h: in time), unresolved on 07-01 (264 h: late)
   * k4 low:    raised 06-29 09:00, untouched on 07-01 (48 h: within both SLAs)
   */
  const c = new History()
    .add('k1', raise('k1', 'A1', 'high'), '2026-06-01T09:00:00.000Z')
    .add('k1', { type: 'ComplaintAcknowledged', data: { note: null } }, '2026-06-01T12:00:00.000Z')
    .add('k1', { type: 'ComplaintResolved', data: { resolution: 'r' } }, '2026-06-02T09:00:00.000Z')
    .add('k1', { type: 'ComplaintClosed', data: { satisfactionScore: 4 } }, '2026-06-03T09:00:00.000Z')
    .add('k2', raise('k2', 'A1', 'high'), '2026-06-05T09:00:00.000Z')
    .add('k2', { type: 'ComplaintAcknowledged', data: { note: null } }, '2026-06-05T15:00:00.000Z')
    .add('k2', { type: 'ComplaintResolved', data: { resolution: 'r' } }, '2026-06-08T09:00:00.000Z')
    .add('k2', { type: 'ComplaintReopened', data: { reason: 'again' } }, '2026-06-10T09:00:00.000Z')
    .add('k2', { type: 'ComplaintResolved', data: { resolution: 'r2' } }, '2026-06-11T09:00:00.000Z')
    .add('k3', raise('k3', 'N', 'medium', 'billing'), '2026-06-20T09:00:00.000Z')
    .add('k3', { type: 'ComplaintAcknowledged', data: { note: null } }, '2026-06-21T09:00:00.000Z')
    .add('k4', raise('k4', 'N', 'low', 'billing'), '2026-06-29T09:00:00.000Z');
  const stats = complaintStats(replay(complaintsProjection, c.events), now);

  it('counts open, resolved and closed, by category and severity', () => {
    expect(stats).toMatchObject({ total: 4, open: 2, resolved: 1, closed: 1 });
    expect(stats.byCategory).toEqual({ delivery: { open: 0, resolved: 1, closed: 1 }, billing: { open: 2, resolved: 0, closed: 0 } });
    expect(stats.bySeverity).toEqual({ high: { open: 0, resolved: 1, closed: 1 }, medium: { open: 1, resolved: 0, closed: 0 }, low: { open: 1, resolved: 0, closed: 0 } });
  });

  it('measures time to acknowledge (3, 6, 24 h) and to resolve (24, 144 h)', () => {
    expect(stats).toMatchObject({ meanHoursToAcknowledge: 11, medianHoursToAcknowledge: 6, meanHoursToResolve: 84, medianHoursToResolve: 84 });
  });

  it('lists SLA breaches, the open ones measured against now', () => {
    expect(stats.acknowledgeBreaches).toEqual([{ complaintId: 'k2', severity: 'high', hours: 6 }]);
    expect(stats.resolveBreaches).toEqual([
      { complaintId: 'k2', severity: 'high', hours: 144 },
      { complaintId: 'k3', severity: 'medium', hours: 264 },
    ]);
  });

  it('gives the reopen rate over complaints ever resolved', () => {
    expect(stats.reopenRate).toBe(0.5);
  });

  it('stops the acknowledge clock at a resolution that came first: a complaint answered in an hour is no breach', () => {
    // given a high complaint (acknowledge within 4 h) resolved after 1 h and closed, never acknowledged,
    // and another escalated at once, then acknowledged 6 h after raising
    const h = new History()
      .add('k5', raise('k5', 'A1', 'high'), '2026-06-01T09:00:00.000Z')
      .add('k5', { type: 'ComplaintResolved', data: { resolution: 'r' } }, '2026-06-01T10:00:00.000Z')
      .add('k5', { type: 'ComplaintClosed', data: { satisfactionScore: 5 } }, '2026-06-01T11:00:00.000Z')
      .add('k6', raise('k6', 'A1', 'high'), '2026-06-02T09:00:00.000Z')
      .add('k6', { type: 'ComplaintEscalated', data: { to: 'Head of Ops', reason: 'urgent' } }, '2026-06-02T09:30:00.000Z')
      .add('k6', { type: 'ComplaintAcknowledged', data: { note: null } }, '2026-06-02T15:00:00.000Z');
    const later = complaintStats(replay(complaintsProjection, h.events), now);
    // then only the late acknowledgement is a breach, measured to when it came, not to now
    expect(later.acknowledgeBreaches).toEqual([{ complaintId: 'k6', severity: 'high', hours: 6 }]);
    // and the mean time to acknowledge is over the complaints acknowledged
    expect(later.meanHoursToAcknowledge).toBe(6);
  });

  it('with explain, names the complaints counted in the window and the position each was raised at', () => {
    // Raising events are the 1st, 5th, 10th and 12th of the history.
    expect(complaintStats(replay(complaintsProjection, c.events), now, { from: Date.parse('2026-06-05T00:00:00Z'), explain: true }).provenance).toEqual({
      total: [
        { complaintId: 'k2', position: '5' },
        { complaintId: 'k3', position: '10' },
        { complaintId: 'k4', position: '12' },
      ],
    });
    expect(stats).not.toHaveProperty('provenance');
  });
});
