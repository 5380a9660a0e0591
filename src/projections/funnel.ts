import type { PipelineStage } from '../domain/pipeline/decider.js';
import type { DealRecord, SalesState } from './sales.js';
import { ownerAt, teamOf } from './sales.js';
import { DAY_MS, addTo, mean, median, monthOf, quarterOf, ratio, round } from './stats.js';

export type SliceDimension = 'owner' | 'team' | 'region' | 'productLine' | 'channel' | 'segment' | 'month' | 'quarter';
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

export type Provenance = { dealId: string; position: string }[];

export type FunnelStageRow = {
  stageId: string;
  name: string;
  probability: number;
  retired: boolean;
  /** cohort: deals whose furthest stage is this one or later; flow: deals that entered it in the window. */
  reached: number;
  /** reached(next stage) / reached(this stage); for the last stage, won / reached. */
  conversionToNext: number | null;
  meanDaysInStage: number | null;
  medianDaysInStage: number | null;
  provenance?: Provenance;
};

export type FunnelReport = {
  slice: string | null;
  stages: FunnelStageRow[];
  deals: number;
  open: number;
  won: number;
  lost: number;
  winRate: number | null;
  meanCycleDays: number | null;
  medianCycleDays: number | null;
  /** Σ open amount × stage probability, in minor units per currency. */
  weightedPipeline: Record<string, number>;
  /** open deals × win rate × average won amount / mean cycle (days): minor units per day, per currency. */
  velocityPerDay: Record<string, number> | null;
  lostReasons: { reason: string; count: number }[];
  provenance?: { won: Provenance; lost: Provenance; open: Provenance };
};

/** What a funnel counts: a deal (cohort), or a stage entry or closing of a deal (flow), at its moment. */
type Counted = { deal: DealRecord; at: number; kind: 'deal' | 'entry' | 'close'; entryIndex: number };

function attribute(state: SalesState, deal: DealRecord, dimension: SliceDimension, at: number): string {
  switch (dimension) {
    case 'owner':
      return ownerAt(deal, at);
    case 'team':
      return teamOf(state.reps.get(ownerAt(deal, at)), at) ?? '(no team)';
    case 'region':
      return deal.region;
    case 'productLine':
      return deal.productLine;
    case 'channel':
      return deal.channel;
    case 'segment':
      return state.customers.get(deal.customerId)?.segment ?? '(unknown)';
    case 'month':
      return monthOf(at);
    case 'quarter':
      return quarterOf(at);
  }
}

function passes(state: SalesState, deal: DealRecord, filter: FunnelFilter | undefined, at: number): boolean {
  if (!filter) return true;
  for (const [dimension, value] of Object.entries(filter) as [SliceDimension, string][]) {
    if (value !== undefined && attribute(state, deal, dimension, at) !== value) return false;
  }
  return true;
}

const entryPosition = (deal: DealRecord, entryIndex: number): string => String(deal.entries[entryIndex]?.position ?? deal.leadPosition);

/** Index of each stage in the pipeline's order, as defined at the point in time the state was replayed to. */
function stageIndex(stages: readonly PipelineStage[]): Map<string, number> {
  return new Map(stages.map((s, i) => [s.stageId, i]));
}

/** Duration of every completed visit of a stage: entered, then left by a move or a close (an earlier close too, if it was reopened). */
function visits(deal: DealRecord, include: (enteredAt: number) => boolean, into: Map<string, number[]>): void {
  const closes = deal.closedAt === null ? (deal.priorCloses ?? []) : [...(deal.priorCloses ?? []), deal.closedAt];
  deal.entries.forEach((entry, i) => {
    const next = deal.entries[i + 1]?.at ?? null;
    const close = closes.find((c) => c >= entry.at && (next === null || c <= next));
    const end = close ?? next;
    if (end === null || !include(entry.at)) return;
    const list = into.get(entry.stageId) ?? [];
    list.push((end - entry.at) / DAY_MS);
    into.set(entry.stageId, list);
  });
}

function closings(deals: readonly DealRecord[], explain: boolean) {
  const won = deals.filter((d) => d.status === 'won');
  const lost = deals.filter((d) => d.status === 'lost');
  const cycles = [...won, ...lost].map((d) => ((d.closedAt ?? d.leadAt) - d.leadAt) / DAY_MS);
  const reasons = new Map<string, number>();
  for (const d of lost) reasons.set(d.lostReason ?? 'unknown', (reasons.get(d.lostReason ?? 'unknown') ?? 0) + 1);
  const list = (ds: DealRecord[]) => ds.map((d) => ({ dealId: d.dealId, position: String(d.closedPosition) }));
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

function weighted(open: readonly DealRecord[], probabilityOf: (stageId: string) => number) {
  const pipeline: Record<string, number> = {};
  for (const d of open) addTo(pipeline, d.currency, Math.round(d.estimatedMinor * probabilityOf(d.stageId)));
  return pipeline;
}

function velocity(open: readonly DealRecord[], won: readonly DealRecord[], winRate: number | null, meanCycleDays: number | null) {
  if (winRate === null || !meanCycleDays) return null;
  const perCurrency: Record<string, number> = {};
  for (const currency of new Set(open.map((d) => d.currency))) {
    const wonAmounts = won.filter((d) => d.currency === currency).map((d) => d.contractMinor ?? 0);
    const averageWon = mean(wonAmounts);
    if (averageWon === null) continue;
    const openCount = open.filter((d) => d.currency === currency).length;
    perCurrency[currency] = Math.round((openCount * winRate * averageWon) / meanCycleDays);
  }
  return perCurrency;
}

/** The funnel of one group of counted items (DESIGN.md §4). */
function report(state: SalesState, query: FunnelQuery, slice: string | null, counted: Counted[], open: DealRecord[]): FunnelReport {
  const pipeline = state.pipelines.get(query.pipelineId);
  const stages = pipeline?.status === 'defined' ? pipeline.stages : [];
  const index = stageIndex(stages);
  const explain = query.explain === true;
  const probabilityOf = (stageId: string) => query.probabilities?.[stageId] ?? stages.find((s) => s.stageId === stageId)?.probability ?? 0;
  const reachedBy: Provenance[] = stages.map(() => []);
  const durations = new Map<string, number[]>();
  const inWindow = (t: number) => t >= query.from && t < query.to;
  const deals = [...new Set(counted.map((c) => c.deal))];

  if (query.mode === 'cohort') {
    for (const deal of deals) {
      // DESIGN.md §4: won reaches every stage; lost counts up to the stage it was lost at; open, its furthest stage
      let furthest = -1;
      if (deal.status === 'won') furthest = stages.length - 1;
      else if (deal.status === 'lost' && deal.lostStageId !== null && index.has(deal.lostStageId)) furthest = index.get(deal.lostStageId) as number;
      else for (const entry of deal.entries) furthest = Math.max(furthest, index.get(entry.stageId) ?? -1);
      for (let i = 0; i <= furthest; i++) {
        const entryIndex = deal.entries.findIndex((e) => e.stageId === stages[i]?.stageId);
        reachedBy[i]?.push({ dealId: deal.dealId, position: entryIndex >= 0 ? entryPosition(deal, entryIndex) : String(deal.closedPosition) });
      }
      visits(deal, () => true, durations);
    }
  } else {
    const entered = stages.map(() => new Set<string>());
    for (const item of counted) {
      if (item.kind !== 'entry') continue;
      const i = index.get(item.deal.entries[item.entryIndex]?.stageId ?? '');
      if (i === undefined || entered[i]?.has(item.deal.dealId)) continue;
      entered[i]?.add(item.deal.dealId);
      reachedBy[i]?.push({ dealId: item.deal.dealId, position: entryPosition(item.deal, item.entryIndex) });
    }
    for (const deal of deals) visits(deal, inWindow, durations);
  }

  const closedDeals = query.mode === 'cohort' ? deals : counted.filter((c) => c.kind === 'close').map((c) => c.deal);
  const closed = closings(closedDeals, explain);
  const rows: FunnelStageRow[] = stages.map((stage, i) => {
    const reached = reachedBy[i]?.length ?? 0;
    const next = i + 1 < stages.length ? (reachedBy[i + 1]?.length ?? 0) : closed.won.length;
    const days = durations.get(stage.stageId) ?? [];
    return {
      stageId: stage.stageId,
      name: stage.name,
      probability: probabilityOf(stage.stageId),
      retired: stage.retired,
      reached,
      conversionToNext: round(ratio(next, reached)),
      meanDaysInStage: round(mean(days)),
      medianDaysInStage: round(median(days)),
      ...(explain ? { provenance: reachedBy[i] ?? [] } : {}),
    };
  });
  const timeSlice = query.sliceBy === 'month' || query.sliceBy === 'quarter';
  return {
    slice,
    stages: rows,
    deals: deals.length,
    open: open.length,
    won: closed.won.length,
    lost: closed.lost.length,
    winRate: round(closed.winRate),
    meanCycleDays: closed.meanCycleDays,
    medianCycleDays: closed.medianCycleDays,
    weightedPipeline: timeSlice ? {} : weighted(open, probabilityOf),
    velocityPerDay: timeSlice ? null : velocity(open, closed.won, closed.winRate, closed.meanCycleDays),
    lostReasons: closed.lostReasons,
    ...(explain && closed.provenance
      ? { provenance: { ...closed.provenance, open: open.map((d) => ({ dealId: d.dealId, position: String(d.leadPosition) })) } }
      : {}),
  };
}

/**
 * The funnel of a pipeline over a window, whole or in slices. In a cohort funnel a deal is
 * counted with its attributes at lead time; in a flow funnel each stage entry and closing is
 * counted with the attributes of its own moment (owner and team then). The weighted pipeline and
 * velocity are about the deals open at the point in time of the state; for month or quarter
 * slices they are not given.
 */
export function funnel(state: SalesState, query: FunnelQuery): FunnelReport[] {
  const counted: Counted[] = [];
  const open: DealRecord[] = [];
  const inWindow = (t: number) => t >= query.from && t < query.to;
  for (const deal of state.deals.values()) {
    if (deal.pipelineId !== query.pipelineId) continue;
    if (deal.status === 'open' && passes(state, deal, query.filter, deal.leadAt)) {
      if (query.mode === 'flow' || inWindow(deal.leadAt)) open.push(deal);
    }
    if (query.mode === 'cohort') {
      if (inWindow(deal.leadAt) && passes(state, deal, query.filter, deal.leadAt)) counted.push({ deal, at: deal.leadAt, kind: 'deal', entryIndex: 0 });
      continue;
    }
    deal.entries.forEach((entry, entryIndex) => {
      if (inWindow(entry.at) && passes(state, deal, query.filter, entry.at)) counted.push({ deal, at: entry.at, kind: 'entry', entryIndex });
    });
    if (deal.closedAt !== null && inWindow(deal.closedAt) && passes(state, deal, query.filter, deal.closedAt)) {
      counted.push({ deal, at: deal.closedAt, kind: 'close', entryIndex: -1 });
    }
  }
  if (!query.sliceBy) return [report(state, query, null, counted, open)];
  const dimension = query.sliceBy;
  const groups = new Map<string, Counted[]>();
  for (const item of counted) {
    const key = attribute(state, item.deal, dimension, item.at);
    const group = groups.get(key) ?? [];
    group.push(item);
    groups.set(key, group);
  }
  const openBy = new Map<string, DealRecord[]>();
  for (const deal of open) {
    const key = attribute(state, deal, dimension, deal.leadAt);
    const group = openBy.get(key) ?? [];
    group.push(deal);
    openBy.set(key, group);
  }
  return [...groups.keys()].sort().map((key) => report(state, query, key, groups.get(key) ?? [], openBy.get(key) ?? []));
}
