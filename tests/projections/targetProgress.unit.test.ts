import { describe, expect, it } from 'vitest';
import { replay } from '../../src/projections/projection.js';
import { salesProjection } from '../../src/projections/sales.js';
import { reevaluateTargets, targetProgress } from '../../src/projections/targetProgress.js';
import { targetsProjection } from '../../src/projections/targets.js';
import { History, day } from '../support/history.js';
import { q3History } from '../support/q3History.js';

const sales = replay(salesProjection, q3History.events);
const targets = replay(targetsProjection, q3History.events);
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

  it('gives money in whole minor units, however the period and the probabilities divide it', () => {
    // K: 400 000 × 0.1234567 = 49 382.68; one second past mid-quarter, 1 000 000 × elapsed share = 500 000.13
    const now = midQuarter + 1000;
    const rows = byId(reevaluateTargets({ sales, targets, now }, { stageProbabilities: { proposal: 0.1234567 } }));
    expect(rows['t-org']?.alternative).toMatchObject({ forecast: 699_383, expectedToDate: 500_000 });
    expect(rows['t-org']?.actual).toMatchObject({ forecast: 850_000, expectedToDate: 500_000 });
  });

  it('credits a segment target with the segment the customer had at signing, however it is re-segmented later', () => {
    // given an enterprise target for Q3, and acme (G 200 000 on 07-10, I 100 000 on 08-15) moved to smb on 10-05
    const resegmented = new History();
    resegmented.events.push(...q3History.events);
    resegmented.add('t-ent', { type: 'TargetSet', data: { targetId: 't-ent', period: '2026-Q3', metric: 'revenue', scope: { kind: 'segment', id: 'enterprise' }, amount: 1_000_000, currency: 'EUR', parentTargetId: null } }, '2026-06-01');
    resegmented.add('acme', { type: 'CustomerProfileUpdated', data: { segment: 'smb' } }, '2026-10-05');
    const after = day('2026-10-10T00:00:00Z');
    const [ent] = targetProgress({ sales: replay(salesProjection, resegmented.events), targets: replay(targetsProjection, resegmented.events), now: after }, ['t-ent']);
    // then the quarter keeps its enterprise contracts: G, H, I and J, 650 000
    expect(ent).toMatchObject({ actual: 650_000 });
    expect(ent?.contributions.map((c) => c.dealId)).toEqual(['G', 'H', 'I', 'J']);
  });

  it('writes nothing: the states are unchanged', () => {
    const before = [salesProjection.codec?.encode(sales), structuredClone(targets)];
    reevaluateTargets({ sales, targets, now: midQuarter }, { attribution: 'ownerAtLead', creditOn: 'recordedAt' });
    expect([salesProjection.codec?.encode(sales), targets]).toEqual(before);
  });
});

