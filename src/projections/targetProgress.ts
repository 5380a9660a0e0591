import { z } from 'zod';
import { periodRange } from '../domain/shared/period.js';
import { targetMetricSchema } from '../domain/target/events.js';
import { instantSchema, positionSchema } from './answer.js';
import type { DealRecord, SalesState } from './sales.js';
import { teamOf } from './sales.js';
import { ratio, round } from './stats.js';
import { targetScopeViewSchema, targetStatusSchema } from './targets.js';
import type { TargetRecord, TargetsState } from './targets.js';

/** How contracts are credited to targets. The defaults are DESIGN.md §4; the others are for what-if. */
export type AttributionRules = {
  /** Whose target a contract counts for: the rep who owned the deal at signing, or at lead time. */
  attribution: 'ownerAtSigning' | 'ownerAtLead';
  /** Which clock puts a contract in a period: business time, or when it was recorded. */
  creditOn: 'occurredAt' | 'recordedAt';
  /** Stage probabilities for the forecast, instead of the pipeline's own. */
  stageProbabilities?: Record<string, number>;
  /** Target amounts to measure against, instead of the current ones. */
  targetAmounts?: Record<string, number>;
};

export const DEFAULT_ATTRIBUTION: AttributionRules = { attribution: 'ownerAtSigning', creditOn: 'occurredAt' };

/** Pace against expected-to-date: ahead at or above `aheadAt`, behind below `behindBelow`, on track between. */
export type PaceThresholds = { aheadAt: number; behindBelow: number };
export const DEFAULT_PACE: PaceThresholds = { aheadAt: 1.1, behindBelow: 0.9 };

export const contributionSchema = z.object({
  dealId: z.string(),
  customerId: z.string(),
  value: z.number().describe("what the contract adds to the actual: its amount in minor units for revenue (contracts in the target's currency), 1 for a won deal or a new customer"),
  creditedAt: instantSchema.describe('when it was credited (ISO 8601), on the clock the rules credit by'),
  position: positionSchema.describe('the global position of the event that credited it'),
});
export type Contribution = z.infer<typeof contributionSchema>;

/** An adjustment of a target's amount, as answers show it. */
export const adjustmentSchema = z.object({ at: instantSchema, amount: z.number(), previousAmount: z.number(), reason: z.string(), position: positionSchema });

/**
 * A prorated or weighted figure as the metric counts: money in whole minor units (DESIGN.md §2:
 * never a fraction of a cent), an expected count of deals or customers to two decimals.
 */
const asFigure = (metric: TargetProgress['metric'], value: number): number => (metric === 'revenue' ? Math.round(value) : Math.round(value * 100) / 100);

export const targetProgressSchema = z.object({
  targetId: z.string(),
  period: z.string(),
  metric: targetMetricSchema,
  scope: targetScopeViewSchema,
  currency: z.string().nullable(),
  status: targetStatusSchema,
  parentTargetId: z.string().nullable(),
  amount: z.number().describe('the target as last adjusted (or as a what-if sets it): minor units of currency for revenue, else a count'),
  actual: z.number(),
  attainment: z.number().nullable().describe('actual / amount; null when the amount is 0'),
  expectedToDate: z.number().describe("the amount prorated to the share of the period elapsed at the answer's now: whole minor units for revenue, a count to two decimals otherwise"),
  forecast: z.number().describe('actual plus the open deals expected to close within the period, weighted by stage probability: whole minor units for revenue, an expected count to two decimals otherwise'),
  gap: z.number().describe('amount − actual'),
  pace: z.enum(['ahead', 'onTrack', 'behind']),
  contributions: z.array(contributionSchema),
  adjustments: z.array(adjustmentSchema),
  children: z
    .object({ count: z.number().int(), sum: z.number(), allocation: z.enum(['over', 'under', 'exact']) })
    .nullable()
    .describe("the active child targets' count and summed amount against this one's; null without any"),
});
export type TargetProgress = z.infer<typeof targetProgressSchema>;

type ScopeKey = string;
const key = (kind: string, id: string | null): ScopeKey => `${kind}:${id ?? ''}`;

/** The scope keys a deal is credited to, given who is credited and when. */
function scopesOf(sales: SalesState, deal: DealRecord, rep: string, teamAt: number): ScopeKey[] {
  return [
    key('org', null),
    key('rep', rep),
    key('team', teamOf(sales.reps.get(rep), teamAt)),
    key('region', deal.region),
    key('productLine', deal.productLine),
    key('channel', deal.channel),
    // As signed: re-segmenting a customer later does not move a closed period's contracts.
    key('segment', deal.segmentAtSigning ?? sales.customers.segmentOf(deal.customerId)),
  ];
}

type Indexed = { deal: DealRecord; creditedAt: number; firstForCustomer: boolean };

/** Won deals by scope, credited under the rules; a customer's earliest credited contract is marked as its first. */
function wonIndex(sales: SalesState, rules: AttributionRules): Map<ScopeKey, Indexed[]> {
  const firstByCustomer = new Map<string, Indexed>();
  const all: Indexed[] = [];
  for (const deal of sales.deals.values()) {
    if (deal.status !== 'won' || deal.signedAt === null) continue;
    const creditedAt = rules.creditOn === 'occurredAt' ? deal.signedAt : (deal.signedRecordedAt ?? deal.signedAt);
    const item = { deal, creditedAt, firstForCustomer: false };
    all.push(item);
    const first = firstByCustomer.get(deal.customerId);
    if (!first || creditedAt < first.creditedAt) firstByCustomer.set(deal.customerId, item);
  }
  for (const first of firstByCustomer.values()) first.firstForCustomer = true;
  const index = new Map<ScopeKey, Indexed[]>();
  for (const item of all) {
    const { deal } = item;
    const atLead = rules.attribution === 'ownerAtLead';
    const rep = atLead ? deal.ownerAtLead : (deal.ownerAtSigning ?? deal.owner);
    for (const scope of scopesOf(sales, deal, rep, atLead ? deal.leadAt : item.creditedAt)) {
      const list = index.get(scope) ?? [];
      list.push(item);
      index.set(scope, list);
    }
  }
  return index;
}

/** Open deals by scope, credited to their current owner and that owner's team now. */
function openIndex(sales: SalesState, now: number): Map<ScopeKey, DealRecord[]> {
  const index = new Map<ScopeKey, DealRecord[]>();
  for (const deal of sales.deals.values()) {
    if (deal.status !== 'open') continue;
    for (const scope of scopesOf(sales, deal, deal.owner, now)) {
      const list = index.get(scope) ?? [];
      list.push(deal);
      index.set(scope, list);
    }
  }
  return index;
}

function valueOf(target: TargetRecord, deal: DealRecord, firstForCustomer: boolean): number | null {
  if (target.metric === 'revenue') return deal.currency === target.currency ? (deal.contractMinor ?? 0) : null;
  if (target.metric === 'wonDeals') return 1;
  return firstForCustomer ? 1 : null;
}

export type ProgressContext = {
  sales: SalesState;
  targets: TargetsState;
  /** The moment progress is measured at: the point in time asked about, or now. */
  now: number;
  rules?: AttributionRules;
  pace?: PaceThresholds;
};

/** Progress of every target (or of those named), measured as DESIGN.md §4 defines it. */
export function targetProgress(context: ProgressContext, targetIds?: readonly string[]): TargetProgress[] {
  const { sales, targets, now } = context;
  const rules = context.rules ?? DEFAULT_ATTRIBUTION;
  const pace = context.pace ?? DEFAULT_PACE;
  const won = wonIndex(sales, rules);
  const open = openIndex(sales, now);
  const customersWithContract = new Set([...sales.deals.values()].filter((d) => d.status === 'won').map((d) => d.customerId));
  const amountOf = (t: TargetRecord) => rules.targetAmounts?.[t.targetId] ?? t.amount;
  const probabilityOf = (deal: DealRecord): number => {
    if (rules.stageProbabilities?.[deal.stageId] !== undefined) return rules.stageProbabilities[deal.stageId] as number;
    const pipeline = sales.pipelines.get(deal.pipelineId);
    return pipeline?.status === 'defined' ? (pipeline.stages.find((s) => s.stageId === deal.stageId)?.probability ?? 0) : 0;
  };
  const selected = [...targets.targets.values()].filter((t) => !targetIds || targetIds.includes(t.targetId));

  return selected.map((target) => {
    const { start, end } = periodRange(target.period);
    const from = start.getTime();
    const to = end.getTime();
    const scope = key(target.scope.kind, target.scope.id);
    const credited: (Omit<Contribution, 'creditedAt'> & { at: number })[] = [];
    for (const { deal, creditedAt, firstForCustomer } of won.get(scope) ?? []) {
      if (creditedAt < from || creditedAt >= to) continue;
      const value = valueOf(target, deal, firstForCustomer);
      if (value !== null) credited.push({ dealId: deal.dealId, customerId: deal.customerId, value, at: creditedAt, position: String(deal.signedPosition) });
    }
    credited.sort((a, b) => a.at - b.at || a.dealId.localeCompare(b.dealId));
    const contributions: Contribution[] = credited.map(({ at, ...c }) => ({ ...c, creditedAt: new Date(at).toISOString() }));
    const actual = contributions.reduce((sum, c) => sum + c.value, 0);

    // forecast: actual + the weighted open pipeline expected to close within the period
    let weighted = 0;
    const newCustomerChance = new Map<string, number>();
    for (const deal of open.get(scope) ?? []) {
      const closes = Date.parse(`${deal.expectedCloseDate}T00:00:00.000Z`);
      if (closes < from || closes >= to) continue;
      const p = probabilityOf(deal);
      if (target.metric === 'revenue' && deal.currency === target.currency) weighted += deal.estimatedMinor * p;
      if (target.metric === 'wonDeals') weighted += p;
      if (target.metric === 'newCustomers' && !customersWithContract.has(deal.customerId)) {
        newCustomerChance.set(deal.customerId, Math.max(newCustomerChance.get(deal.customerId) ?? 0, p));
      }
    }
    for (const p of newCustomerChance.values()) weighted += p;

    const amount = amountOf(target);
    const elapsed = Math.min(Math.max((now - from) / (to - from), 0), 1);
    const expectedToDate = amount * elapsed;
    const againstPace = ratio(actual, expectedToDate);
    const children = [...targets.targets.values()].filter((t) => t.parentTargetId === target.targetId && t.status === 'active');
    const childrenSum = children.reduce((sum, t) => sum + amountOf(t), 0);
    return {
      targetId: target.targetId,
      period: target.period,
      metric: target.metric,
      scope: target.scope,
      currency: target.currency,
      status: target.status,
      parentTargetId: target.parentTargetId,
      amount,
      actual,
      attainment: round(ratio(actual, amount)),
      expectedToDate: asFigure(target.metric, expectedToDate),
      forecast: asFigure(target.metric, actual + weighted),
      gap: amount - actual,
      pace: againstPace === null ? 'onTrack' : againstPace >= pace.aheadAt ? 'ahead' : againstPace < pace.behindBelow ? 'behind' : 'onTrack',
      contributions,
      adjustments: target.adjustments.map((a) => ({ ...a, at: new Date(a.at).toISOString(), position: String(a.position) })),
      children:
        children.length === 0
          ? null
          : { count: children.length, sum: childrenSum, allocation: childrenSum > amount ? 'over' : childrenSum < amount ? 'under' : 'exact' },
    };
  });
}

export const reevaluationSchema = z.object({
  targetId: z.string(),
  actual: targetProgressSchema.describe('under the rules in force'),
  alternative: targetProgressSchema.describe('under the rules asked about'),
});
export type Reevaluation = z.infer<typeof reevaluationSchema>;

/** What-if: the same history measured under other rules, side by side with the actual rules. Nothing is written. */
export function reevaluateTargets(context: ProgressContext, alternative: Partial<AttributionRules>, targetIds?: readonly string[]): Reevaluation[] {
  const actual = targetProgress(context, targetIds);
  const other = targetProgress({ ...context, rules: { ...DEFAULT_ATTRIBUTION, ...context.rules, ...alternative } }, targetIds);
  return actual.map((progress, i) => ({ targetId: progress.targetId, actual: progress, alternative: other[i] as TargetProgress }));
}
