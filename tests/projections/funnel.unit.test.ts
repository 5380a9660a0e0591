import { describe, expect, it } from 'vitest';
import { funnel } from '../../src/projections/funnel.js';
import { replay } from '../../src/projections/projection.js';
import { salesProjection } from '../../src/projections/sales.js';
import { History, day } from '../support/history.js';

/*
 * July 2026, standard pipeline (lead 10 %, qualified 25 %, proposal 50 %, negotiation 75 %).
 *   A (ann) lead 07-01, qualified 07-03, proposal 07-08, negotiation 07-10, won 07-20 for 150 000
 *   B (ann) lead 07-02, proposal 07-06 (skips qualified), lost 07-16: price
 *   C (bo)  lead 07-05 (estimate 200 000), qualified 07-07, still open
 *   D (bo)  lead 07-10, qualified 07-12, proposal 07-14, back to qualified 07-15, lost 07-25: timing
 *   E (ann) lead 06-28 (before July), won 07-04 for 80 000
 *   F (ann) lead 07-15, still open in lead
 * ann is in team north, bo in team south.
 */
const history = new History()
  .standardPipeline()
  .rep('ann', 'north')
  .rep('bo', 'south')
  .customer('acme')
  .lead('E', '2026-06-28')
  .lead('A', '2026-07-01')
  .lead('B', '2026-07-02')
  .move('A', 'lead', 'qualified', '2026-07-03')
  .sign('E', 80_000, '2026-07-04', 'lead')
  .lead('C', '2026-07-05', { owner: 'bo', amount: 200_000 })
  .move('B', 'lead', 'proposal', '2026-07-06')
  .move('C', 'lead', 'qualified', '2026-07-07')
  .move('A', 'qualified', 'proposal', '2026-07-08')
  .move('A', 'proposal', 'negotiation', '2026-07-10')
  .lead('D', '2026-07-10', { owner: 'bo' })
  .move('D', 'lead', 'qualified', '2026-07-12')
  .move('D', 'qualified', 'proposal', '2026-07-14')
  .move('D', 'proposal', 'qualified', '2026-07-15', 'budget unclear')
  .lead('F', '2026-07-15')
  .lose('B', 'price', 'proposal', '2026-07-16')
  .sign('A', 150_000, '2026-07-20')
  .lose('D', 'timing', 'qualified', '2026-07-25');

const state = replay(salesProjection, history.events);
const july = { pipelineId: 'standard', from: day('2026-07-01T00:00:00Z'), to: day('2026-08-01T00:00:00Z') };
const byStage = <R extends { stageId: string }>(rows: R[]): Record<string, R | undefined> => Object.fromEntries(rows.map((r) => [r.stageId, r]));

describe('funnel', () => {
  describe('cohort of July leads (A, B, C, D, F)', () => {
    const [report] = funnel(state, { ...july, mode: 'cohort' });
    const stages = byStage(report?.stages ?? []);

    it('counts reach cumulatively: a skip counts, a win reaches all, a loss counts up to the stage it was lost at', () => {
      expect(report?.stages.map((s) => [s.stageId, s.reached])).toEqual([
        ['lead', 5],
        ['qualified', 4], // A, B (skipped it, lost at proposal), C, D
        ['proposal', 2], // A, B; D was there, but moved back and was lost at qualified
        ['negotiation', 1], // A
      ]);
    });

    it('converts stage to stage as reached(next) / reached, and the last stage to won', () => {
      expect(report?.stages.map((s) => s.conversionToNext)).toEqual([0.8, 0.5, 0.5, 1]);
    });

    it('counts outcomes and the win rate over closed deals', () => {
      expect(report).toMatchObject({ deals: 5, open: 2, won: 1, lost: 2, winRate: 0.3333 });
    });

    it('measures the sales cycle from lead to close: A 19, B 14, D 15 days', () => {
      expect(report).toMatchObject({ meanCycleDays: 16, medianCycleDays: 15 });
    });

    it('measures time in stage over completed visits only', () => {
      // lead: A 2, B 4, C 2, D 2 (F still there)
      expect(stages.lead).toMatchObject({ meanDaysInStage: 2.5, medianDaysInStage: 2 });
      // qualified: A 5, D 2, D again 10 (until lost); C still there
      expect(stages.qualified).toMatchObject({ meanDaysInStage: 5.6667, medianDaysInStage: 5 });
      // proposal: A 2, B 10 (until lost), D 1
      expect(stages.proposal).toMatchObject({ meanDaysInStage: 4.3333, medianDaysInStage: 2 });
      expect(stages.negotiation).toMatchObject({ meanDaysInStage: 10, medianDaysInStage: 10 });
    });

    it('weighs the open pipeline: C 200 000 × 25 % + F 100 000 × 10 %', () => {
      expect(report?.weightedPipeline).toEqual({ EUR: 60_000 });
    });

    it('gives velocity as open × win rate × average won / mean cycle: 2 × 1/3 × 150 000 / 16', () => {
      expect(report?.velocityPerDay).toEqual({ EUR: 6250 });
    });

    it('counts lost reasons', () => {
      expect(report?.lostReasons).toEqual([
        { reason: 'price', count: 1 },
        { reason: 'timing', count: 1 },
      ]);
    });

    it('weighs with other probabilities when asked', () => {
      const [alt] = funnel(state, { ...july, mode: 'cohort', probabilities: { qualified: 0.5, lead: 0 } });
      expect(alt?.weightedPipeline).toEqual({ EUR: 100_000 });
    });

    it('slices by owner', () => {
      const slices = funnel(state, { ...july, mode: 'cohort', sliceBy: 'owner' });
      expect(slices.map((s) => [s.slice, s.stages.map((r) => r.reached), s.won, s.lost, s.winRate])).toEqual([
        ['ann', [3, 2, 2, 1], 1, 1, 0.5],
        ['bo', [2, 2, 0, 0], 0, 1, 0],
      ]);
    });

    it('slices by team, from the owner’s membership at the time', () => {
      const slices = funnel(state, { ...july, mode: 'cohort', sliceBy: 'team' });
      expect(slices.map((s) => [s.slice, s.deals])).toEqual([
        ['north', 3],
        ['south', 2],
      ]);
    });

    it('filters to one slice', () => {
      const [bo] = funnel(state, { ...july, mode: 'cohort', filter: { owner: 'bo' } });
      expect(bo).toMatchObject({ deals: 2, weightedPipeline: { EUR: 50_000 } });
    });

    it('explains each figure with the deals and event positions behind it', () => {
      const [explained] = funnel(state, { ...july, mode: 'cohort', explain: true });
      const negotiation = explained?.stages.find((s) => s.stageId === 'negotiation');
      expect(negotiation?.provenance).toEqual([{ dealId: 'A', position: String(history.events.find((e) => e.type === 'DealMovedToStage' && e.data.toStageId === 'negotiation')?.position) }]);
      expect(explained?.provenance?.lost.map((p) => p.dealId).sort()).toEqual(['B', 'D']);
    });
  });

  describe('flow in July (entries and closings that occurred in the window)', () => {
    const [report] = funnel(state, { ...july, mode: 'flow' });

    it('counts deals entering each stage, a re-entry once', () => {
      expect(report?.stages.map((s) => [s.stageId, s.reached])).toEqual([
        ['lead', 5], // A B C D F (E's lead was in June)
        ['qualified', 3], // A C D
        ['proposal', 3], // A B D
        ['negotiation', 1], // A
      ]);
    });

    it('counts the closings of the window, E’s included', () => {
      expect(report).toMatchObject({ won: 2, lost: 2, winRate: 0.5, meanCycleDays: 13.5, medianCycleDays: 14.5 });
    });
  });

  describe('cohort slices by month', () => {
    it('puts each deal in the month of its lead', () => {
      const slices = funnel(state, { pipelineId: 'standard', from: day('2026-06-01T00:00:00Z'), to: day('2026-08-01T00:00:00Z'), mode: 'cohort', sliceBy: 'month' });
      expect(slices.map((s) => [s.slice, s.deals, s.won])).toEqual([
        ['2026-06', 1, 1],
        ['2026-07', 5, 1],
      ]);
      // and the open pipeline, which is no month's, is not given (null, never an empty sum that reads as zero)
      expect(slices.map((s) => [s.weightedPipeline, s.velocityPerDay])).toEqual([
        [null, null],
        [null, null],
      ]);
    });
  });

  describe('a reopened deal', () => {
    it('ends a stage visit at the close, not at the reopen: the time it was closed is no time in a stage', () => {
      const h = new History()
        .standardPipeline()
        .rep('ann', 'north')
        .lead('R', '2026-07-01')
        .move('R', 'lead', 'proposal', '2026-07-05')
        .lose('R', 'timing', 'proposal', '2026-07-15')
        .add('R', { type: 'DealReopened', data: { reason: 'budget freed', stageId: 'negotiation' } }, '2026-10-13')
        .sign('R', 50_000, '2026-10-23');
      const [report] = funnel(replay(salesProjection, h.events), { ...july, mode: 'cohort' });
      // proposal: 07-05 to the loss on 07-15 (10 days), not to the reopen in October
      expect(report?.stages.find((s) => s.stageId === 'proposal')).toMatchObject({ meanDaysInStage: 10 });
      expect(report?.stages.find((s) => s.stageId === 'negotiation')).toMatchObject({ meanDaysInStage: 10 });
      expect(report).toMatchObject({ won: 1, lost: 0 });
    });
  });

  describe('a flow, filtered or sliced', () => {
    /*
     * 2026. ann is in team north, bob in team south.
     *   X3 lead 04-01 (ann), qualified 04-05, reassigned to bob 04-20, won 05-01
     *   X4 lead 03-01 (bob), qualified 03-10, proposal 04-01, still open
     */
    const h = new History()
      .standardPipeline()
      .rep('ann', 'north')
      .rep('bob', 'south')
      .customer('acme')
      .lead('X4', '2026-03-01', { owner: 'bob', amount: 80_000 })
      .move('X4', 'lead', 'qualified', '2026-03-10')
      .lead('X3', '2026-04-01', { amount: 30_000 })
      .move('X4', 'qualified', 'proposal', '2026-04-01')
      .move('X3', 'lead', 'qualified', '2026-04-05')
      .add('X3', { type: 'DealReassigned', data: { fromRepId: 'ann', toRepId: 'bob', reason: 'load' } }, '2026-04-20');
    const beforeTheWin = replay(salesProjection, h.events);
    const after = replay(salesProjection, h.sign('X3', 25_000, '2026-05-01', 'qualified').events);
    const year = { pipelineId: 'standard', from: day('2026-01-01T00:00:00Z'), to: day('2027-01-01T00:00:00Z'), mode: 'flow' as const };

    it('measures time in stage over the visits it counts: those whose entry passes the filter at its moment', () => {
      // bob entered lead once (X4, 9 days) and qualified once (X4, 22 days); X3's visits began while ann owned it
      const [bobs] = funnel(after, { ...year, filter: { owner: 'bob' } });
      expect(byStage(bobs?.stages ?? []).lead).toMatchObject({ reached: 1, meanDaysInStage: 9 });
      expect(byStage(bobs?.stages ?? []).qualified).toMatchObject({ reached: 1, meanDaysInStage: 22 });
      // and, sliced by team, each team's time in stage is its own visits': north X3's 4 and 26 days, south X4's 9 and 22
      const teams = Object.fromEntries(funnel(after, { ...year, sliceBy: 'team' }).map((r) => [r.slice ?? '', byStage(r.stages)]));
      expect([teams.north?.lead?.meanDaysInStage, teams.north?.qualified?.meanDaysInStage]).toEqual([4, 26]);
      expect([teams.south?.lead?.meanDaysInStage, teams.south?.qualified?.meanDaysInStage]).toEqual([9, 22]);
    });

    it('gives a month in which no stage was entered no time in stage, though a deal closed in it', () => {
      const months = Object.fromEntries(funnel(after, { ...year, sliceBy: 'month' }).map((r) => [r.slice ?? '', r]));
      expect(months['2026-05']).toMatchObject({ won: 1 });
      expect(months['2026-05']?.stages.map((s) => [s.reached, s.meanDaysInStage])).toEqual([[0, null], [0, null], [0, null], [0, null]]);
    });

    it('places the open deals by their owner and team at the point in time read, not at their lead', () => {
      // before the win, X3 is open and bob's: 80 000 × 50 % + 30 000 × 25 %
      const [bobs] = funnel(beforeTheWin, { ...year, filter: { owner: 'bob' } });
      expect(bobs).toMatchObject({ open: 2, weightedPipeline: { EUR: 47_500 } });
      const owners = Object.fromEntries(funnel(beforeTheWin, { ...year, sliceBy: 'owner' }).map((r) => [r.slice ?? '', r]));
      expect(owners.bob).toMatchObject({ open: 2, weightedPipeline: { EUR: 47_500 } });
      expect(owners.ann).toMatchObject({ open: 0, weightedPipeline: {} });
    });
  });

  describe('a close a reopen undid', () => {
    /*
     * 2026, ann. X1 lead 02-01, lost 02-20 (competitor), reopened 04-01 into lead, won 06-01 for 60 000.
     *            W  lead 08-01, won 08-05 for 10 000, reopened 08-10 into negotiation, lost 08-20 (timing).
     */
    const h = new History()
      .standardPipeline()
      .rep('ann', 'north')
      .customer('acme')
      .lead('X1', '2026-02-01', { amount: 50_000 })
      .lose('X1', 'competitor', 'lead', '2026-02-20')
      .add('X1', { type: 'DealReopened', data: { reason: 'back', stageId: 'lead' } }, '2026-04-01')
      .sign('X1', 60_000, '2026-06-01', 'lead')
      .lead('W', '2026-08-01', { amount: 10_000 })
      .sign('W', 10_000, '2026-08-05', 'lead')
      .add('W', { type: 'DealReopened', data: { reason: 'contract voided', stageId: 'negotiation' } }, '2026-08-10')
      .lose('W', 'timing', 'negotiation', '2026-08-20');
    const reopened = replay(salesProjection, h.events);
    const flow = (from: string, to: string) => funnel(reopened, { pipelineId: 'standard', from: day(`${from}T00:00:00Z`), to: day(`${to}T00:00:00Z`), mode: 'flow', explain: true })[0];

    it('still counts as a closing of the window it happened in, with its own cycle and reason', () => {
      // February: X1's loss, 19 days after its lead, though X1 was reopened in April and won in June
      expect(flow('2026-02-01', '2026-03-01')).toMatchObject({ won: 0, lost: 1, winRate: 0, meanCycleDays: 19, lostReasons: [{ reason: 'competitor', count: 1 }] });
      // 08-01 to 08-08: W's win, though reopened on 08-10 and lost
      expect(flow('2026-08-01', '2026-08-08')).toMatchObject({ won: 1, lost: 0, winRate: 1, meanCycleDays: 4 });
    });

    it('counts each closing of a deal closed twice in the window, and explains each with its own event', () => {
      // the year: X1 lost (19 days) and won (120 days), W won (4 days) and lost (19 days)
      const year = flow('2026-01-01', '2027-01-01');
      expect(year).toMatchObject({ won: 2, lost: 2, winRate: 0.5, meanCycleDays: 40.5, medianCycleDays: 19 });
      const positions = (deal: string, type: string) => h.events.filter((e) => e.streamId === `deal-${deal}` && e.type === type).map((e) => String(e.position));
      expect(year?.provenance?.lost.map((p) => [p.dealId, p.position]).sort()).toEqual([['W', ...positions('W', 'DealLost')], ['X1', ...positions('X1', 'DealLost')]].sort());
      expect(year?.provenance?.won.map((p) => [p.dealId, p.position]).sort()).toEqual([['W', ...positions('W', 'ContractSigned')], ['X1', ...positions('X1', 'ContractSigned')]].sort());
    });

    it('is what the deal was before the reopen, as read at a point in time before it', () => {
      const before = funnel(replay(salesProjection, h.events.filter((e) => e.occurredAt < day('2026-03-31T00:00:00Z'))), {
        pipelineId: 'standard',
        from: day('2026-02-01T00:00:00Z'),
        to: day('2026-03-01T00:00:00Z'),
        mode: 'flow',
      })[0];
      const { stages: _stages, ...now } = flow('2026-02-01', '2026-03-01') ?? {};
      const { stages: _then, ...then } = before ?? {};
      expect({ ...now, provenance: undefined }).toEqual({ ...then, provenance: undefined });
    });
  });

  describe('a retired stage', () => {
    it('stays in the report, marked, with the reach it had', () => {
      const retired = new History();
      retired.events.push(...history.events);
      retired.add('standard', { type: 'StageRetired', data: { stageId: 'qualified' } }, '2026-07-28');
      const [report] = funnel(replay(salesProjection, retired.events), { ...july, mode: 'cohort' });
      expect(report?.stages.find((s) => s.stageId === 'qualified')).toMatchObject({ retired: true, reached: 4 });
    });

    it('keeps its place when the active stages are reordered: C and D, in it or lost at it, still reach no further', () => {
      const reordered = new History();
      reordered.events.push(...history.events);
      reordered.add('standard', { type: 'StageRetired', data: { stageId: 'qualified' } }, '2026-07-28');
      reordered.add('standard', { type: 'StagesReordered', data: { stageIds: ['lead', 'proposal', 'negotiation'] } }, '2026-07-29');
      const [report] = funnel(replay(salesProjection, reordered.events), { ...july, mode: 'cohort' });
      expect(report?.stages.map((s) => [s.stageId, s.reached])).toEqual([
        ['lead', 5],
        ['qualified', 4],
        ['proposal', 2],
        ['negotiation', 1],
      ]);
    });
  });
});
