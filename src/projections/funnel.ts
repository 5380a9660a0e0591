import { z } from 'zod';
import { perCurrencySchema, provenanceSchema } from './answer.js';
import { CLOSE, Counted, DEAL, PRIOR, Rows } from './funnelRows.js';
import type { SliceDimension } from './funnelRows.js';
import type { SalesState } from './sales.js';
import { DAY_MS, addTo, mean, median, ratio, round } from './stats.js';
import type { Samples } from './stats.js';

export type { SliceDimension } from './funnelRows.js';
export type FunnelFilter = Partial<Record<Exclude<SliceDimension, 'month' | 'quarter'>, string>>;

export type FunnelQuery = {
  pipelineId: string;
  /** cohort: deals whose lead was found in [from, to); flow: stage entries and closings that occurred in [from, to). */
  mode: 'cohort' | 'flow';
  from: number;
  to: number;
  filter?: FunnelFilter;
  sliceBy?: SliceDimension;
  /** Stage probabilities to weigh the open pipeline with, instead of the pipeline's own. */
  probabilities?: Record<string, number>;
  /** Include the deal ids and event positions behind each figure. */
  explain?: boolean;
};

export type Provenance = z.infer<typeof provenanceSchema>;

export const funnelStageRowSchema = z.object({
  stageId: z.string(),
  name: z.string(),
  probability: z.number(),
  retired: z.boolean(),
  reached: z.number().int().describe('cohort: deals whose furthest stage is this one or later; flow: deals that entered it in the window'),
  conversionToNext: z.number().nullable().describe('reached(next stage) / reached(this stage); for the last stage, won / reached'),
  meanDaysInStage: z.number().nullable(),
  medianDaysInStage: z.number().nullable(),
  provenance: provenanceSchema.optional(),
});
export type FunnelStageRow = z.infer<typeof funnelStageRowSchema>;

export const funnelReportSchema = z.object({
  slice: z.string().nullable().describe('the value of the sliceBy dimension this report is for; null for the whole funnel'),
  stages: z.array(funnelStageRowSchema),
  deals: z.number().int(),
  open: z.number().int(),
  won: z.number().int(),
  lost: z.number().int(),
  winRate: z.number().nullable(),
  meanCycleDays: z.number().nullable(),
  medianCycleDays: z.number().nullable(),
  weightedPipeline: perCurrencySchema.nullable().describe('Σ open amount × stage probability, in minor units per currency; null for month and quarter slices'),
  velocityPerDay: perCurrencySchema.nullable().describe('open deals × win rate × average won amount / mean cycle (days): minor units per day, per currency'),
  lostReasons: z.array(z.object({ reason: z.string(), count: z.number().int() })),
  provenance: z.object({ won: provenanceSchema, lost: provenanceSchema, open: provenanceSchema }).optional(),
});
export type FunnelReport = z.infer<typeof funnelReportSchema>;

const WON = 1;
const LOST = 2;
const every = (): boolean => true;

/** A closing counted: the deal's row, and what it was then (the deal's last close, or one a reopen undid). */
type Closed = { row: number; at: number; position: number; contractMinor: number };

/** The closings of the deal rows and items given: CLOSE, the deal's last close; PRIOR - k, the undone close k. */
function closings(rows: Rows, closeRows: ArrayLike<number>, closeItems: ArrayLike<number>, explain: boolean) {
  const { c } = rows;
  const p = rows.state.deals.priorCloses.cols;
  const won: Closed[] = [];
  const lost: Closed[] = [];
  const reasonCounts = new Map<number, number>();
  for (let k = 0; k < closeRows.length; k++) {
    const row = closeRows[k] as number;
    const prior = (closeItems[k] as number) <= PRIOR ? PRIOR - (closeItems[k] as number) : -1;
    const status = prior >= 0 ? p.status[prior] : c.status[row];
    if (status !== WON && status !== LOST) continue;
    const closed: Closed =
      prior >= 0
        ? { row, at: p.at[prior] as number, position: p.position[prior] as number, contractMinor: p.contractMinor[prior] as number }
        : { row, at: c.closedAt[row] as number, position: c.closedPosition[row] as number, contractMinor: c.contractMinor[row] as number };
    if (status === WON) won.push(closed);
    else {
      lost.push(closed);
      const reason = (prior >= 0 ? p.lostReason[prior] : c.lostReason[row]) as number;
      reasonCounts.set(reason, (reasonCounts.get(reason) ?? 0) + 1);
    }
  }
  const cycles = new Float64Array(won.length + lost.length);
  const cycleOf = (closed: Closed): number => (closed.at - (c.leadAt[closed.row] as number)) / DAY_MS;
  for (let k = 0; k < won.length; k++) cycles[k] = cycleOf(won[k] as Closed);
  for (let k = 0; k < lost.length; k++) cycles[won.length + k] = cycleOf(lost[k] as Closed);
  const reasons = new Map<string, number>();
  for (const [id, count] of reasonCounts) {
    const reason = id < 0 ? 'unknown' : rows.str(id);
    reasons.set(reason, (reasons.get(reason) ?? 0) + count);
  }
  const list = (closed: Closed[]) => closed.map(({ row, position }) => ({ dealId: rows.state.deals.keys.at(row), position: rows.position(position) }));
  return {
    won,
    lost,
    winRate: ratio(won.length, won.length + lost.length),
    meanCycleDays: round(mean(cycles)),
    medianCycleDays: round(median(cycles)),
    lostReasons: [...reasons].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)),
    provenance: explain ? { won: list(won), lost: list(lost) } : undefined,
  };
}

function weighted(rows: Rows, open: readonly number[], probabilityOf: (stage: number) => number) {
  const pipeline: Record<string, number> = {};
  for (const row of open) addTo(pipeline, rows.str(rows.c.currency[row] as number), Math.round((rows.c.estimatedMinor[row] as number) * probabilityOf(rows.c.stage[row] as number)));
  return pipeline;
}

function velocity(rows: Rows, open: readonly number[], won: readonly Closed[], winRate: number | null, meanCycleDays: number | null) {
  if (winRate === null || !meanCycleDays) return null;
  const { c } = rows;
  const perCurrency: Record<string, number> = {};
  for (const currency of new Set(open.map((row) => c.currency[row] as number))) {
    const averageWon = mean(won.filter(({ row }) => c.currency[row] === currency).map(({ contractMinor }) => (Number.isNaN(contractMinor) ? 0 : contractMinor)));
    if (averageWon === null) continue;
    const openCount = open.filter((row) => c.currency[row] === currency).length;
    perCurrency[rows.str(currency)] = Math.round((openCount * winRate * averageWon) / meanCycleDays);
  }
  return perCurrency;
}

/** The funnel of one group of counted items (DESIGN.md §4). */
function report(rows: Rows, query: FunnelQuery, slice: string | null, counted: Counted, open: readonly number[]): FunnelReport {
  const { state, c, e } = rows;
  const pipeline = state.pipelines.get(query.pipelineId);
  const stages = pipeline?.status === 'defined' ? pipeline.stages : [];
  // Stage order by interned id (-1: not a stage of this pipeline); a stage no deal ever entered has no id, and needs none.
  const order = new Int32Array(state.strings.size).fill(-1);
  stages.forEach((stage, i) => {
    const id = state.strings.find(stage.stageId);
    if (id >= 0) order[id] = i;
  });
  const orderOf = (id: number): number => (id < 0 ? -1 : (order[id] as number));
  const explain = query.explain === true;
  const probabilityOf = (stage: number) => {
    const stageId = rows.str(stage);
    return query.probabilities?.[stageId] ?? stages[orderOf(stage)]?.probability ?? 0;
  };
  // Counts always; the deals and positions behind them only when explained (they cost an object each).
  const reached = stages.map(() => 0);
  const reachedBy: Provenance[] | null = explain ? stages.map(() => []) : null;
  const durations: (Samples | undefined)[] = [];
  // A cohort counts each deal once; a flow may count a deal's entries and its close.
  const deals = query.mode === 'cohort' ? counted.dealRows() : Int32Array.from(new Set(counted.dealRows()));
  const dealId = (row: number) => state.deals.keys.at(row);

  if (query.mode === 'cohort') {
    // Indexed loops over the deal rows: an iterator would cost an object per deal until optimised.
    for (let d = 0; d < deals.length; d++) {
      const row = deals[d] as number;
      // DESIGN.md §4: won reaches every stage; lost counts up to the stage it was lost at; open, its furthest stage
      const status = c.status[row];
      const count = rows.entries(row);
      const { items } = rows;
      let furthest = -1;
      if (status === WON) furthest = stages.length - 1;
      else if (status === LOST && orderOf(c.lostStage[row] as number) >= 0) furthest = orderOf(c.lostStage[row] as number);
      else for (let i = 0; i < count; i++) furthest = Math.max(furthest, orderOf(e.stage[items[i] as number] as number));
      for (let i = 0; i <= furthest; i++) {
        reached[i] = (reached[i] as number) + 1;
        if (!reachedBy) continue;
        let position: string | null = null;
        for (let j = 0; j < count && position === null; j++) if (orderOf(e.stage[items[j] as number] as number) === i) position = rows.position(e.position[items[j] as number] as number);
        reachedBy[i]?.push({ dealId: dealId(row), position: position ?? rows.position(c.closedPosition[row] as number) });
      }
      rows.visits(row, count, every, durations);
    }
  } else {
    const entered = stages.map(() => new Set<number>());
    // A flow's visits are those of the entries it counts: begun in the window, and passing the filter and in this slice at their own moment.
    const countedEntries = new Set<number>();
    for (let k = 0; k < counted.length; k++) {
      const item = counted.items[k] as number;
      const row = counted.rows[k] as number;
      if (item < 0) continue;
      countedEntries.add(item);
      const i = orderOf(e.stage[item] as number);
      if (i < 0 || entered[i]?.has(row)) continue;
      entered[i]?.add(row);
      reached[i] = (reached[i] as number) + 1;
      reachedBy?.[i]?.push({ dealId: dealId(row), position: rows.position(e.position[item] as number) });
    }
    const isCounted = (entry: number) => countedEntries.has(entry);
    for (let d = 0; d < deals.length; d++) {
      const row = deals[d] as number;
      rows.visits(row, rows.entries(row), isCounted, durations);
    }
  }

  // A cohort's deals by their outcome; a flow's closings of the window, a close a reopen later undid included.
  const closeAt = query.mode === 'cohort' ? null : Array.from({ length: counted.length }, (_, k) => k).filter((k) => (counted.items[k] as number) <= CLOSE);
  const closed =
    closeAt === null
      ? closings(rows, deals, new Int32Array(deals.length).fill(CLOSE), explain)
      : closings(rows, closeAt.map((k) => counted.rows[k] as number), closeAt.map((k) => counted.items[k] as number), explain);
  const stageRows: FunnelStageRow[] = stages.map((stage, i) => {
    const count = reached[i] ?? 0;
    const next = i + 1 < stages.length ? (reached[i + 1] ?? 0) : closed.won.length;
    const id = state.strings.find(stage.stageId);
    const days = (id >= 0 ? durations[id]?.view() : undefined) ?? [];
    return {
      stageId: stage.stageId,
      name: stage.name,
      probability: query.probabilities?.[stage.stageId] ?? stage.probability,
      retired: stage.retired,
      reached: count,
      conversionToNext: round(ratio(next, count)),
      meanDaysInStage: round(mean(days)),
      medianDaysInStage: round(median(days)),
      ...(reachedBy ? { provenance: reachedBy[i] ?? [] } : {}),
    };
  });
  const timeSlice = query.sliceBy === 'month' || query.sliceBy === 'quarter';
  return {
    slice,
    stages: stageRows,
    deals: deals.length,
    open: open.length,
    won: closed.won.length,
    lost: closed.lost.length,
    winRate: round(closed.winRate),
    meanCycleDays: closed.meanCycleDays,
    medianCycleDays: closed.medianCycleDays,
    // {} would read as "nothing open": the open pipeline is not a month's or a quarter's.
    weightedPipeline: timeSlice ? null : weighted(rows, open, probabilityOf),
    velocityPerDay: timeSlice ? null : velocity(rows, open, closed.won, closed.winRate, closed.meanCycleDays),
    lostReasons: closed.lostReasons,
    ...(explain && closed.provenance
      ? { provenance: { ...closed.provenance, open: open.map((row) => ({ dealId: dealId(row), position: rows.position(c.leadPosition[row] as number) })) } }
      : {}),
  };
}

/**
 * The funnel of a pipeline over a window, whole or in slices. In a cohort funnel a deal is
 * counted with its attributes at lead time; in a flow funnel each stage entry and closing is
 * counted with the attributes of its own moment (owner and team then), and each open deal with
 * those of the point in time read. The weighted pipeline and
 * velocity are about the deals open at the point in time of the state; for month or quarter
 * slices they are not given.
 */
export function funnel(state: SalesState, query: FunnelQuery): FunnelReport[] {
  const rows = new Rows(state);
  const { c, e } = rows;
  const counted = new Counted(query.mode === 'cohort' ? state.deals.size : state.deals.size + state.deals.entries.size);
  const open: number[] = [];
  const filter = Object.entries(query.filter ?? {}).filter((f): f is [SliceDimension, string] => f[1] !== undefined);
  const pipelineId = state.strings.find(query.pipelineId);
  const inWindow = (t: number) => t >= query.from && t < query.to;
  const prior = state.deals.priorCloses.cols;
  // An open deal is placed where it stands: in a cohort, at its lead, as every deal of the cohort; in a flow, at the point in time read (its owner and team now).
  const standsAt = query.mode === 'flow' ? () => Number.POSITIVE_INFINITY : (row: number) => c.leadAt[row] as number;
  for (let row = 0; row < state.deals.size; row++) {
    if (c.pipeline[row] !== pipelineId) continue;
    const leadAt = c.leadAt[row] as number;
    if (c.status[row] === 0 && (query.mode === 'flow' || inWindow(leadAt)) && rows.passes(row, filter, standsAt(row))) open.push(row);
    if (query.mode === 'cohort') {
      if (inWindow(leadAt) && rows.passes(row, filter, leadAt)) counted.push(row, leadAt, DEAL);
      continue;
    }
    const count = rows.entries(row);
    for (let i = 0; i < count; i++) {
      const item = rows.items[i] as number;
      const at = e.at[item] as number;
      if (inWindow(at) && rows.passes(row, filter, at)) counted.push(row, at, item);
    }
    const closedAt = c.closedAt[row] as number;
    if (!Number.isNaN(closedAt) && inWindow(closedAt) && rows.passes(row, filter, closedAt)) counted.push(row, closedAt, CLOSE);
    // A close a reopen undid still happened in its window, with the owner of its moment.
    for (let close = c.lastPriorClose[row] as number; close >= 0; close = prior.prev[close] as number) {
      const at = prior.at[close] as number;
      if (inWindow(at) && rows.passes(row, filter, at)) counted.push(row, at, PRIOR - close);
    }
  }
  if (!query.sliceBy) return [report(rows, query, null, counted, open)];
  const dimension = query.sliceBy;
  const groups = new Map<string, Counted>();
  for (let k = 0; k < counted.length; k++) {
    const [row, at, item] = [counted.rows[k] as number, counted.ats[k] as number, counted.items[k] as number];
    const key = rows.attribute(row, dimension, at);
    const group = groups.get(key) ?? new Counted();
    if (group.length === 0) groups.set(key, group);
    group.push(row, at, item);
  }
  const openBy = new Map<string, number[]>();
  for (const row of open) {
    // (a month or quarter slice holds an open deal by its lead: the open pipeline is not given for them)
    const key = rows.attribute(row, dimension, dimension === 'month' || dimension === 'quarter' ? (c.leadAt[row] as number) : standsAt(row));
    const group = openBy.get(key);
    if (group) group.push(row);
    else openBy.set(key, [row]);
  }
  return [...groups.keys()].sort().map((key) => report(rows, query, key, groups.get(key) ?? new Counted(), openBy.get(key) ?? []));
}
