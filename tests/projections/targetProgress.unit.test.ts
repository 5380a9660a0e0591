import { describe, expect, it } from 'vitest';
import { replay } from '../../src/projections/projection.js';
import { salesProjection } from '../../src/projections/sales.js';
import { reevaluateTargets, targetProgress } from '../../src/projections/targetProgress.js';
import { targetsProjection } from '../../src/projections/targets.js';
import { History, day } from '../support/history.js';

const target = (targetId: string, metric: 'revenue' | 'wonDeals' | 'newCustomers', kind: 'org' | 'team' | 'rep', id: string | null, amount: number, parent: string | null = null) => ({
  type: 'TargetSet' as const,
  data: { targetId, period: '2026-Q3', metric, scope: { kind, id }, amount, currency: metric === 'revenue' ? 'EUR' : null, parentTargetId: parent },
});

/*
 * Q3 2026 (92 days). ann is in team north until 07-15, then in south; bo is in south.
 *   G ann, acme:    lead 06-10, signed 07-10 for 200 000 (ann in north then)
 *   H ann, globex:  lead 07-01 (ann in north), signed 08-01 for 300 000 (ann in south by then)
 *   I bo,  acme:    lead 07-05, reassigned to ann 07-20, signed 08-15 for 100 000
 *   J bo,  initech: lead 07-02, signed 09-30 for 50 000, but recorded only on 10-02
 *   K bo,  initech: lead 07-03, in proposal, expected to close 09-15, estimate 400 000
 *   L ann, umbrella: lead 07-04, in negotiation, expected to close 10-10 (after Q3)
 * Targets: org revenue 1 000 000; its children north 600 000 (adjusted to 500 000 on 08-01) and
 * south 300 000; ann 3 won deals; org 2 new customers.
 */
const h = new History()
  .standardPipeline()
  .rep('ann', 'north')
  .rep('bo', 'south')
  .customer('acme')
  .customer('globex')
  .customer('initech')
  .customer('umbrella')
  .add('t-org', target('t-org', 'revenue', 'org', null, 1_000_000), '2026-06-01')
  .add('t-north', target('t-north', 'revenue', 'team', 'north', 600_000, 't-org'), '2026-06-01')
  .add('t-south', target('t-south', 'revenue', 'team', 'south', 300_000, 't-org'), '2026-06-01')
  .add('t-ann', target('t-ann', 'wonDeals', 'rep', 'ann', 3), '2026-06-01')
  .add('t-new', target('t-new', 'newCustomers', 'org', null, 2), '2026-06-01')
  .lead('G', '2026-06-10', { customer: 'acme' })
  .lead('H', '2026-07-01', { customer: 'globex' })
  .lead('J', '2026-07-02', { owner: 'bo', customer: 'initech' })
  .lead('K', '2026-07-03', { owner: 'bo', customer: 'initech', amount: 400_000, expectedClose: '2026-09-15' })
  .move('K', 'lead', 'proposal', '2026-07-03T12:00:00.000Z')
  .lead('L', '2026-07-04', { customer: 'umbrella', expectedClose: '2026-10-10' })
  .move('L', 'lead', 'negotiation', '2026-07-04T12:00:00.000Z')
  .lead('I', '2026-07-05', { owner: 'bo', customer: 'acme' })
  .sign('G', 200_000, '2026-07-10')
  .add('ann', { type: 'RepLeftTeam', data: { teamId: 'north' } }, '2026-07-15')
  .add('ann', { type: 'RepJoinedTeam', data: { teamId: 'south' } }, '2026-07-15')
  .add('I', { type: 'DealReassigned', data: { fromRepId: 'bo', toRepId: 'ann', reason: 'key account' } }, '2026-07-20')
  .sign('H', 300_000, '2026-08-01')
  .add('t-north', { type: 'TargetAdjusted', data: { amount: 500_000, previousAmount: 600_000, reason: 'reorganisation' } }, '2026-08-01')
  .sign('I', 100_000, '2026-08-15')
  .sign('J', 50_000, '2026-09-30', 'lead', '2026-10-02');

const sales = replay(salesProjection, h.events);
const targets = replay(targetsProjection, h.events);
const midQuarter = day('2026-08-16T00:00:00Z'); // 46 of 92 days: expected to date is half the amount
const progress = Object.fromEntries(targetProgress({ sales, targets, now: midQuarter }).map((p) => [p.targetId, p]));

describe('target progress (attribution at signing, credit on occurredAt)', () => {
  it('sums the contracts signed in the period for the whole org, the late-recorded one included', () => {
    expect(progress['t-org']).toMatchObject({ actual: 650_000, attainment: 0.65, gap: 350_000, expectedToDate: 500_000, pace: 'ahead' });
    expect(progress['t-org']?.contributions.map((c) => c.dealId)).toEqual(['G', 'H', 'I', 'J']);
  });

  it('credits the team the owner was in at signing, not at lead time', () => {
    // G signed while ann was in north; H was led there but signed after ann moved to south
    expect(progress['t-north']).toMatchObject({ actual: 200_000, amount: 500_000, attainment: 0.4, expectedToDate: 250_000, pace: 'behind' });
    expect(progress['t-south']).toMatchObject({ actual: 450_000, attainment: 1.5, pace: 'ahead' });
  });

  it('credits the owner at signing after a reassignment', () => {
    expect(progress['t-ann']).toMatchObject({ actual: 3, attainment: 1 });
  });

  it('counts a customer once, in the period of its first contract', () => {
    expect(progress['t-new']).toMatchObject({ actual: 3, attainment: 1.5 });
    expect(progress['t-new']?.contributions.map((c) => c.customerId)).toEqual(['acme', 'globex', 'initech']);
  });

  it('forecasts actual + the weighted open pipeline expected to close in the period', () => {
    // K: 400 000 × 50 % (proposal), closing in September; L closes in October
    expect(progress['t-org']?.forecast).toBe(850_000);
    expect(progress['t-south']?.forecast).toBe(650_000);
    expect(progress['t-north']?.forecast).toBe(200_000);
  });

  it('keeps the history of adjustments', () => {
    expect(progress['t-north']?.adjustments).toMatchObject([{ amount: 500_000, previousAmount: 600_000, reason: 'reorganisation' }]);
  });

  it('shows a parent the sum of its children and flags under-allocation', () => {
    expect(progress['t-org']?.children).toEqual({ count: 2, sum: 800_000, allocation: 'under' });
  });
});

describe('what-if re-evaluation', () => {
  const byId = (rows: ReturnType<typeof reevaluateTargets>) => Object.fromEntries(rows.map((r) => [r.targetId, r]));

  it('credits the owner at lead time instead of at signing', () => {
    const rows = byId(reevaluateTargets({ sales, targets, now: midQuarter }, { attribution: 'ownerAtLead' }));
    expect(rows['t-ann']).toMatchObject({ actual: { actual: 3 }, alternative: { actual: 2 } });
    // H is credited to north, where ann was when she found the lead
    expect(rows['t-north']?.alternative.actual).toBe(500_000);
    expect(rows['t-south']?.alternative.actual).toBe(150_000);
  });

  it('credits contracts by when they were recorded: J falls into Q4', () => {
    const rows = byId(reevaluateTargets({ sales, targets, now: midQuarter }, { creditOn: 'recordedAt' }));
    expect(rows['t-org']).toMatchObject({ actual: { actual: 650_000 }, alternative: { actual: 600_000 } });
    expect(rows['t-new']?.alternative.actual).toBe(2);
  });

  it('measures against another target amount', () => {
    const rows = byId(reevaluateTargets({ sales, targets, now: midQuarter }, { targetAmounts: { 't-org': 500_000 } }));
    expect(rows['t-org']?.alternative).toMatchObject({ amount: 500_000, attainment: 1.3, children: { sum: 800_000, allocation: 'over' } });
  });

  it('forecasts with other stage probabilities', () => {
    const rows = byId(reevaluateTargets({ sales, targets, now: midQuarter }, { stageProbabilities: { proposal: 0.25 } }));
    expect(rows['t-org']?.alternative.forecast).toBe(750_000);
  });

  it('writes nothing: the states are unchanged', () => {
    const before = structuredClone([sales, targets]);
    reevaluateTargets({ sales, targets, now: midQuarter }, { attribution: 'ownerAtLead', creditOn: 'recordedAt' });
    expect([sales, targets]).toEqual(before);
  });
});

