import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/eventstore/memory.js';
import { complaintsProjection } from '../../src/projections/complaints.js';
import { readDealTimeline } from '../../src/projections/dealTimeline.js';
import { channelPerformance, salesPerformance, stalledDeals } from '../../src/projections/performance.js';
import { replay } from '../../src/projections/projection.js';
import { salesProjection } from '../../src/projections/sales.js';
import { History, day, eur } from '../support/history.js';
import { loadHistory } from '../support/loadHistory.js';

const raise = (complaintId: string, customerId: string) => ({
  type: 'ComplaintRaised' as const,
  data: { complaintId, customerId, dealId: null, category: 'delivery', severity: 'low' as const, description: 'x' },
});

/*
 * July 2026; ann in north, bo in south.
 *   A ann, acme,    referral:   lead 07-01, won 07-11 for 100 000 (10 days)
 *   B ann, globex,  referral:   lead 07-02, lost 07-12 (10 days)
 *   C bo,  initech, direct:     lead 07-03, reassigned to ann 07-05, won 07-23 for 300 000 (20 days)
 *   D bo,  acme,    exhibition: lead 07-04, won 07-09 for 50 000 (5 days) — acme's first contract
 *   E bo,  acme,    direct:     lead 06-20, untouched since
 *   G ann, globex,  referral:   lead 07-01, in proposal since 07-05
 * Complaints in July: on acme (07-15) and on initech (07-20).
 */
const h = new History()
  .standardPipeline()
  .rep('ann', 'north')
  .rep('bo', 'south')
  .lead('E', '2026-06-20', { owner: 'bo', channel: 'direct' })
  .lead('A', '2026-07-01', { customer: 'acme', channel: 'referral' })
  .lead('G', '2026-07-01', { customer: 'globex', channel: 'referral' })
  .lead('B', '2026-07-02', { customer: 'globex', channel: 'referral' })
  .lead('C', '2026-07-03', { owner: 'bo', customer: 'initech', channel: 'direct' })
  .lead('D', '2026-07-04', { owner: 'bo', customer: 'acme', channel: 'exhibition' })
  .add('C', { type: 'DealReassigned', data: { fromRepId: 'bo', toRepId: 'ann', reason: 'coverage' } }, '2026-07-05')
  .move('G', 'lead', 'proposal', '2026-07-05')
  .sign('D', 50_000, '2026-07-09', 'lead')
  .sign('A', 100_000, '2026-07-11', 'lead')
  .lose('B', 'price', 'lead', '2026-07-12')
  .add('k1', raise('k1', 'acme'), '2026-07-15')
  .add('k2', raise('k2', 'initech'), '2026-07-20')
  .sign('C', 300_000, '2026-07-23', 'lead');

const sales = replay(salesProjection, h.events);
const complaints = replay(complaintsProjection, h.events);
const july = { from: day('2026-07-01T00:00:00Z'), to: day('2026-08-01T00:00:00Z') };

/** The position of the event of this type in this stream (the last, when there are several), as answers give it. */
const positionOf = (streamId: string, type: string): string => String(h.events.filter((e) => e.streamId === streamId && e.type === type).at(-1)?.position);
const deal = (id: string, type: string) => ({ dealId: id, position: positionOf(`deal-${id}`, type) });
const complaint = (id: string) => ({ complaintId: id, position: positionOf(`complaint-${id}`, 'ComplaintRaised') });

describe('sales performance', () => {
  it('per rep: leads for the finder, wins for the owner at signing, ranked by revenue', () => {
    expect(salesPerformance(sales, complaints, { by: 'rep', ...july })).toEqual([
      { id: 'ann', leadsFound: 3, won: 2, lost: 1, revenue: { EUR: 400_000 }, winRate: 0.6667, meanCycleDays: 13.3333, averageDealSize: { EUR: 200_000 }, complaintsOnCustomers: 2, rank: 1 },
      { id: 'bo', leadsFound: 2, won: 1, lost: 0, revenue: { EUR: 50_000 }, winRate: 1, meanCycleDays: 5, averageDealSize: { EUR: 50_000 }, complaintsOnCustomers: 2, rank: 2 },
    ]);
  });

  it('with explain, names the deals and complaints behind each count and the position of the event that counts', () => {
    const [ann, bo] = salesPerformance(sales, complaints, { by: 'rep', ...july, explain: true });
    expect(ann?.provenance).toEqual({
      leadsFound: [deal('A', 'LeadFound'), deal('G', 'LeadFound'), deal('B', 'LeadFound')],
      won: [deal('A', 'ContractSigned'), deal('C', 'ContractSigned')],
      lost: [deal('B', 'DealLost')],
      complaintsOnCustomers: [complaint('k1'), complaint('k2')],
    });
    // C was found by bo: the lead is his, the win ann's.
    expect(bo?.provenance).toMatchObject({ leadsFound: [deal('C', 'LeadFound'), deal('D', 'LeadFound')], won: [deal('D', 'ContractSigned')], lost: [] });
    expect(salesPerformance(sales, complaints, { by: 'rep', ...july })[0]).not.toHaveProperty('provenance');
  });

  it('per team: what members did while in it', () => {
    const rows = salesPerformance(sales, complaints, { by: 'team', ...july });
    expect(rows.map((r) => [r.id, r.leadsFound, r.won, r.revenue, r.rank])).toEqual([
      ['north', 3, 2, { EUR: 400_000 }, 1],
      ['south', 2, 1, { EUR: 50_000 }, 2],
    ]);
  });
});

describe('complaints per team', () => {
  it('count for the team an owner was in when the deal became theirs, not the one they were in when it was found', () => {
    // given cy, in north until 07-10 and in south from then, taking over bo's deal H (hooli) on 07-12
    const moved = new History()
      .standardPipeline()
      .rep('bo', 'south')
      .rep('cy', 'north')
      .lead('H', '2026-07-02', { owner: 'bo', customer: 'hooli' })
      .add('cy', { type: 'RepLeftTeam', data: { teamId: 'north' } }, '2026-07-10')
      .add('cy', { type: 'RepJoinedTeam', data: { teamId: 'south' } }, '2026-07-10')
      .add('H', { type: 'DealReassigned', data: { fromRepId: 'bo', toRepId: 'cy', reason: 'coverage' } }, '2026-07-12')
      .add('k3', raise('k3', 'hooli'), '2026-07-20');
    // when July's performance is read per team
    const rows = salesPerformance(replay(salesProjection, moved.events), replay(complaintsProjection, moved.events), { by: 'team', ...july });
    // then hooli's complaint is south's alone: cy took the deal while in south
    expect(rows.map((r) => [r.id, r.complaintsOnCustomers])).toEqual([['south', 1]]);
  });
});

describe('channels', () => {
  it('per channel: leads, outcomes, revenue, cycle and customers acquired by their first contract', () => {
    expect(channelPerformance(sales, july)).toEqual([
      { channel: 'direct', leads: 1, won: 1, lost: 0, winRate: 1, revenue: { EUR: 300_000 }, meanCycleDays: 20, customersAcquired: 1 },
      { channel: 'exhibition', leads: 1, won: 1, lost: 0, winRate: 1, revenue: { EUR: 50_000 }, meanCycleDays: 5, customersAcquired: 1 },
      { channel: 'referral', leads: 3, won: 1, lost: 1, winRate: 0.5, revenue: { EUR: 100_000 }, meanCycleDays: 10, customersAcquired: 0 },
    ]);
  });
});

describe('a close a reopen undid', () => {
  /*
   * 2026; ann in north, bo in south. R (ann, referral): lead 02-01, lost 02-20 (price), reassigned to bo 03-15,
   * reopened 04-01, won 06-01 by bo for 60 000.
   */
  const reopened = new History()
    .standardPipeline()
    .rep('ann', 'north')
    .rep('bo', 'south')
    .lead('R', '2026-02-01', { channel: 'referral' })
    .lose('R', 'price', 'lead', '2026-02-20')
    .add('R', { type: 'DealReassigned', data: { fromRepId: 'ann', toRepId: 'bo', reason: 'coverage' } }, '2026-03-15')
    .add('R', { type: 'DealReopened', data: { reason: 'budget back', stageId: 'lead' } }, '2026-04-01')
    .sign('R', 60_000, '2026-06-01', 'lead');
  const state = replay(salesProjection, reopened.events);
  const none = replay(complaintsProjection, []);
  const window = (from: string, to: string) => ({ from: day(`${from}T00:00:00Z`), to: day(`${to}T00:00:00Z`) });
  const lossOfR = { dealId: 'R', position: String(reopened.events.find((e) => e.type === 'DealLost')?.position) };

  it('still counts in the window it happened in, for the owner then, in performance and in channels', () => {
    const february = window('2026-02-01', '2026-03-01');
    const reps = salesPerformance(state, none, { by: 'rep', ...february, explain: true });
    expect(reps.find((r) => r.id === 'ann')).toMatchObject({ leadsFound: 1, won: 0, lost: 1, winRate: 0, meanCycleDays: 19, provenance: { lost: [lossOfR] } });
    expect(reps.find((r) => r.id === 'bo')).toMatchObject({ won: 0, lost: 0 });
    expect(salesPerformance(state, none, { by: 'team', ...february }).find((r) => r.id === 'north')).toMatchObject({ lost: 1 });
    expect(channelPerformance(state, { ...february, explain: true })).toMatchObject([{ channel: 'referral', leads: 1, won: 0, lost: 1, winRate: 0, provenance: { lost: [lossOfR] } }]);
  });

  it('counts the win that came after the reopen for its own owner, and both closings over the year', () => {
    const year = window('2026-01-01', '2027-01-01');
    expect(salesPerformance(state, none, { by: 'rep', ...year })).toEqual([
      expect.objectContaining({ id: 'bo', won: 1, lost: 0, revenue: { EUR: 60_000 }, meanCycleDays: 120 }),
      expect.objectContaining({ id: 'ann', leadsFound: 1, won: 0, lost: 1 }),
    ]);
    expect(channelPerformance(state, year)).toMatchObject([{ channel: 'referral', won: 1, lost: 1, winRate: 0.5, revenue: { EUR: 60_000 }, meanCycleDays: 69.5 }]);
  });
});

describe('channels, explained', () => {
  it('names the deals behind each count, and for customers acquired the first contract', () => {
    const rows = channelPerformance(sales, { ...july, explain: true });
    expect(rows.map((r) => [r.channel, r.provenance])).toEqual([
      ['direct', { leads: [deal('C', 'LeadFound')], won: [deal('C', 'ContractSigned')], lost: [], customersAcquired: [deal('C', 'ContractSigned')] }],
      ['exhibition', { leads: [deal('D', 'LeadFound')], won: [deal('D', 'ContractSigned')], lost: [], customersAcquired: [deal('D', 'ContractSigned')] }],
      ['referral', { leads: [deal('A', 'LeadFound'), deal('G', 'LeadFound'), deal('B', 'LeadFound')], won: [deal('A', 'ContractSigned')], lost: [deal('B', 'DealLost')], customersAcquired: [] }],
    ]);
  });
});

describe('stalled deals', () => {
  it('with explain, gives the position of the event that last touched each deal', () => {
    expect(stalledDeals(sales, day('2026-07-31'), undefined, { explain: true }).map((s) => [s.dealId, s.provenance])).toEqual([
      ['E', { lastTouch: positionOf('deal-E', 'LeadFound') }],
      ['G', { lastTouch: positionOf('deal-G', 'DealMovedToStage') }],
    ]);
  });

  it('lists open deals untouched for longer than their stage allows, the longest first', () => {
    expect(stalledDeals(sales, day('2026-07-31')).map((s) => [s.dealId, s.stageId, s.daysStalled, s.thresholdDays])).toEqual([
      ['E', 'lead', 41, 14],
      ['G', 'proposal', 26, 21],
    ]);
  });

  it('follows the configured thresholds', () => {
    expect(stalledDeals(sales, day('2026-07-31'), { lead: 60, proposal: 30 })).toEqual([]);
  });
});

describe('deal timeline (the audit view)', () => {
  const timeline = new History()
    .lead('A', '2026-07-01')
    .add('A', { type: 'QuoteSent', data: { quoteRef: 'Q-1', amount: eur(100_000), validUntil: null } }, '2026-07-03', '2026-07-06')
    .sign('A', 100_000, '2026-07-11', 'lead')
    .add('A', { type: 'ContractAmountCorrected', data: { amount: eur(110_000), previousAmount: eur(100_000), reason: 'typo in contract' } }, '2026-07-12');

  it('shows every event with both clocks, who did it, and the deal after it; late entries and corrections marked', async () => {
    let clock = new Date(0);
    const store = createMemoryStore({ now: () => clock });
    await loadHistory(store, (at) => (clock = at), timeline.events);
    const entries = await readDealTimeline(store, 'A');
    expect(entries.map((e) => [e.type, e.occurredAt.slice(0, 10), e.recordedAt.slice(0, 10), e.late, e.correction, e.after.status, e.after.amount?.amountMinor])).toEqual([
      ['LeadFound', '2026-07-01', '2026-07-01', false, false, 'open', 100_000],
      ['QuoteSent', '2026-07-03', '2026-07-06', true, false, 'open', 100_000],
      ['ContractSigned', '2026-07-11', '2026-07-11', false, false, 'won', 100_000],
      ['ContractAmountCorrected', '2026-07-12', '2026-07-12', false, true, 'won', 110_000],
    ]);
    expect(entries[0]).toMatchObject({ actor: 'test', streamVersion: 0, after: { stageId: 'lead', ownerRepId: 'ann', forecastCategory: 'pipeline' } });
  });

  it('shows what was known at a moment: on 07-05 the quote was not yet entered', async () => {
    let clock = new Date(0);
    const store = createMemoryStore({ now: () => clock });
    await loadHistory(store, (at) => (clock = at), timeline.events);
    const entries = await readDealTimeline(store, 'A', { knownAt: new Date('2026-07-05T00:00:00Z') });
    expect(entries.map((e) => e.type)).toEqual(['LeadFound']);
  });
});
