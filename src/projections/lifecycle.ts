import { z } from 'zod';
import { instantSchema, perCurrencySchema, provenanceSchema } from './answer.js';
import type { ComplaintRecord, ComplaintsState } from './complaints.js';
import { isOpenAt } from './complaints.js';
import type { CustomersState } from './customerRecord.js';
import { dealsBehind } from './dealRecord.js';
import type { DealRecord, SalesState } from './sales.js';
import { DAY_MS, addTo } from './stats.js';

export const lifecycleStageSchema = z.enum(['prospect', 'new', 'active', 'atRisk', 'dormant', 'reactivated']);
export type LifecycleStage = z.infer<typeof lifecycleStageSchema>;
export const customerClassSchema = z.enum(['A', 'B', 'C']);
export type CustomerClass = z.infer<typeof customerClassSchema>;

/** DESIGN.md §4 thresholds, in days; configuration may change them. */
export type LifecycleThresholds = {
  newDays: number;
  activeDays: number;
  atRiskNoContractDays: number;
  dormantDays: number;
  atRiskSatisfactionAtMost: number;
  /** How long a customer counts as reactivated after its first contract following dormancy. */
  reactivatedDays: number;
};
export const DEFAULT_LIFECYCLE: LifecycleThresholds = {
  newDays: 90,
  activeDays: 365,
  atRiskNoContractDays: 270,
  dormantDays: 365,
  atRiskSatisfactionAtMost: 2,
  reactivatedDays: 90,
};

export const customerLifecycleSchema = z.object({
  customerId: z.string(),
  name: z.string(),
  segment: z.string(),
  region: z.string(),
  channel: z.string().describe('the channel the customer was acquired through'),
  stage: lifecycleStageSchema,
  since: instantSchema.describe('when the customer entered its stage (ISO 8601)'),
  transitions: z.array(z.object({ stage: lifecycleStageSchema, at: instantSchema })),
  class: customerClassSchema.describe('ABC class by trailing-12-month revenue, in the currency with the most of it: A for the customers making the first 80 %, B the next 15 %, C the rest'),
  contracts: z.number().int(),
  lifetimeRevenue: perCurrencySchema,
  trailing12MonthRevenue: perCurrencySchema,
  lastContactAt: instantSchema.nullable(),
  openComplaints: z.number().int(),
  lastSatisfaction: z.number().nullable(),
  provenance: z
    .object({ contracts: provenanceSchema })
    .optional()
    .describe('with explain=true: positions of the contracts that decide the stage'),
});
export type CustomerLifecycle = z.infer<typeof customerLifecycleSchema>;

type Facts = {
  contracts: number[];
  highComplaints: { openAt: (at: number) => boolean; changes: number[] };
  satisfaction: { at: number; score: number }[];
};

/** The stage at instant `at`, from the customer's dated facts (the rules of DESIGN.md §4, in this order of precedence). */
export function stageAt(facts: Facts, at: number, t: LifecycleThresholds = DEFAULT_LIFECYCLE): LifecycleStage {
  const signed = facts.contracts.filter((c) => c <= at);
  const last = signed.at(-1);
  if (last === undefined) return 'prospect';
  if (at - last >= t.dormantDays * DAY_MS) return 'dormant';
  const previous = signed.at(-2);
  const afterDormancy = previous !== undefined && last - previous >= t.dormantDays * DAY_MS;
  const satisfaction = facts.satisfaction.filter((s) => s.at <= at).at(-1);
  const atRisk =
    facts.highComplaints.openAt(at) ||
    (satisfaction !== undefined && satisfaction.score <= t.atRiskSatisfactionAtMost) ||
    at - last >= t.atRiskNoContractDays * DAY_MS;
  if (atRisk) return 'atRisk';
  if (afterDormancy && at - last < t.reactivatedDays * DAY_MS) return 'reactivated';
  if (signed.length > 0 && at - (signed[0] as number) < t.newDays * DAY_MS) return 'new';
  return 'active';
}

/** Moments a stage may change: a fact, or a threshold reached after one. */
function changePoints(facts: Facts, registeredAt: number, now: number, t: LifecycleThresholds): number[] {
  const points = new Set<number>([registeredAt]);
  for (const c of facts.contracts) {
    for (const days of [0, t.newDays, t.reactivatedDays, t.atRiskNoContractDays, t.dormantDays]) points.add(c + days * DAY_MS);
  }
  for (const s of facts.satisfaction) points.add(s.at);
  for (const p of facts.highComplaints.changes) points.add(p);
  return [...points].filter((p) => p <= now).sort((a, b) => a - b);
}

export type LifecycleContext = {
  sales: SalesState;
  customers: CustomersState;
  complaints: ComplaintsState;
  now: number;
  thresholds?: LifecycleThresholds;
  explain?: boolean;
};

/**
 * Every customer's lifecycle stage at `now`, with the dated transitions that led there, its A/B/C
 * class (ranked by trailing-12-month revenue in the currency with the most of it), revenue,
 * contracts, last contact (activity on its deals or completed visit), open complaints and last
 * satisfaction.
 */
export function customerLifecycles(context: LifecycleContext): CustomerLifecycle[] {
  const { sales, customers, complaints, now } = context;
  const t = context.thresholds ?? DEFAULT_LIFECYCLE;
  const dealsByCustomer = new Map<string, DealRecord[]>();
  for (const deal of sales.deals.values()) {
    const list = dealsByCustomer.get(deal.customerId) ?? [];
    list.push(deal);
    dealsByCustomer.set(deal.customerId, list);
  }
  const complaintsByCustomer = new Map<string, ComplaintRecord[]>();
  for (const c of complaints.complaints.values()) {
    const list = complaintsByCustomer.get(c.customerId) ?? [];
    list.push(c);
    complaintsByCustomer.set(c.customerId, list);
  }

  const rows = [...customers.customers.values()].map((customer) => {
    const deals = dealsByCustomer.get(customer.customerId) ?? [];
    const won = deals.filter((d) => d.status === 'won' && d.signedAt !== null && d.signedAt <= now);
    const own = complaintsByCustomer.get(customer.customerId) ?? [];
    const high = own.filter((c) => c.severity === 'high');
    const facts: Facts = {
      contracts: won.map((d) => d.signedAt as number).sort((a, b) => a - b),
      highComplaints: {
        openAt: (at) => high.some((c) => isOpenAt(c, at)),
        changes: high.flatMap((c) => c.openSpans.flatMap((s) => (s.to === null ? [s.from] : [s.from, s.to]))),
      },
      // A score given when one of its complaints was closed is a satisfaction score like a recorded one.
      satisfaction: [...customer.satisfaction, ...own.flatMap((c) => c.closingScores)].sort((a, b) => a.at - b.at),
    };
    const transitions: { stage: LifecycleStage; at: number }[] = [];
    for (const point of changePoints(facts, customer.registeredAt, now, t)) {
      const stage = stageAt(facts, point, t);
      if (transitions.at(-1)?.stage !== stage) transitions.push({ stage, at: point });
    }
    const current = transitions.at(-1) ?? { stage: 'prospect' as const, at: customer.registeredAt };
    const lifetimeRevenue: Record<string, number> = {};
    const trailing12MonthRevenue: Record<string, number> = {};
    for (const d of won) {
      addTo(lifetimeRevenue, d.currency, d.contractMinor ?? 0);
      if (now - (d.signedAt as number) < 365 * DAY_MS) addTo(trailing12MonthRevenue, d.currency, d.contractMinor ?? 0);
    }
    const contacts = [...deals.map((d) => d.lastContactAt), ...customer.visits.map((v) => v.completedAt)].filter((x): x is number => x !== null && x <= now);
    return {
      customerId: customer.customerId,
      name: customer.name,
      segment: customer.segment,
      region: customer.region,
      channel: customer.channel,
      stage: current.stage,
      since: new Date(current.at).toISOString(),
      transitions: transitions.map((t) => ({ stage: t.stage, at: new Date(t.at).toISOString() })),
      class: 'C' as CustomerClass,
      contracts: won.length,
      lifetimeRevenue,
      trailing12MonthRevenue,
      lastContactAt: contacts.length > 0 ? new Date(Math.max(...contacts)).toISOString() : null,
      openComplaints: own.filter((c) => isOpenAt(c, now)).length,
      lastSatisfaction: facts.satisfaction.filter((s) => s.at <= now).at(-1)?.score ?? null,
      ...(context.explain ? { provenance: { contracts: dealsBehind(won, (d) => d.signedPosition) } } : {}),
    };
  });
  classify(rows);
  return rows;
}

/** A = the customers making the first 80 % of trailing-12-month revenue, B the next 15 %, C the rest. */
function classify(rows: CustomerLifecycle[]): void {
  const totals: Record<string, number> = {};
  for (const row of rows) for (const [currency, amount] of Object.entries(row.trailing12MonthRevenue)) addTo(totals, currency, amount);
  const currency = Object.entries(totals).sort((a, b) => b[1] - a[1])[0]?.[0];
  if (currency === undefined) return;
  const total = totals[currency] ?? 0;
  const ranked = rows.filter((r) => (r.trailing12MonthRevenue[currency] ?? 0) > 0).sort((a, b) => (b.trailing12MonthRevenue[currency] ?? 0) - (a.trailing12MonthRevenue[currency] ?? 0) || a.customerId.localeCompare(b.customerId));
  let before = 0;
  for (const row of ranked) {
    // a customer belongs to the band where its revenue starts
    row.class = before < 0.8 * total ? 'A' : before < 0.95 * total ? 'B' : 'C';
    before += row.trailing12MonthRevenue[currency] ?? 0;
  }
}

const countsOf = (what: string) => z.record(z.string(), z.number().int()).describe(`customers per ${what}`);
const idsOf = (what: string) => z.record(z.string(), z.array(z.string())).describe(`the customers behind each ${what}'s count`);

export const lifecycleCountsSchema = z.object({
  byStage: countsOf('lifecycle stage'),
  byClass: countsOf('class'),
  provenance: z.object({ byStage: idsOf('stage'), byClass: idsOf('class') }).optional().describe('with explain=true'),
});
export type LifecycleCounts = z.infer<typeof lifecycleCountsSchema>;

/** Every customer's lifecycle, with the counts per stage and class. */
export const lifecyclesSchema = z.object({ customers: z.array(customerLifecycleSchema), counts: lifecycleCountsSchema });

export function lifecycleCounts(rows: readonly CustomerLifecycle[], explain = false): LifecycleCounts {
  const byStage: Record<string, number> = {};
  const byClass: Record<string, number> = {};
  const stageIds: Record<string, string[]> = {};
  const classIds: Record<string, string[]> = {};
  for (const row of rows) {
    addTo(byStage, row.stage, 1);
    addTo(byClass, row.class, 1);
    (stageIds[row.stage] ??= []).push(row.customerId);
    (classIds[row.class] ??= []).push(row.customerId);
  }
  return explain ? { byStage, byClass, provenance: { byStage: stageIds, byClass: classIds } } : { byStage, byClass };
}
