import { z } from 'zod';
import { complaintProvenanceSchema, instantSchema, perCurrencySchema, positionSchema, provenanceSchema } from './answer.js';
import { complaintsBehind } from './complaints.js';
import type { ComplaintRecord, ComplaintsState } from './complaints.js';
import { closingsOf, dealsBehind } from './dealRecord.js';
import type { Closing } from './dealRecord.js';
import type { DealRecord, SalesState } from './sales.js';
import { ownerAt, teamOf } from './sales.js';
import { DAY_MS, addTo, mean, ratio, round } from './stats.js';

// The provenance of the counts performance and channels share, each event named.
const leadsBehindSchema = provenanceSchema.describe('the deals and their LeadFound');
const wonBehindSchema = provenanceSchema.describe('the deals and their ContractSigned');
const lostBehindSchema = provenanceSchema.describe('the deals and their DealLost');

export const performanceRowSchema = z.object({
  id: z.string().describe('the rep or team'),
  leadsFound: z.number().int(),
  won: z.number().int(),
  lost: z.number().int(),
  revenue: perCurrencySchema,
  winRate: z.number().nullable(),
  meanCycleDays: z.number().nullable(),
  averageDealSize: perCurrencySchema,
  complaintsOnCustomers: z.number().int().describe("complaints raised in the window by customers of the rep's (or team's) deals"),
  rank: z.number().int().describe('1 for the most revenue in the currency with the most of it, then the most wins'),
  provenance: z
    .object({
      leadsFound: leadsBehindSchema,
      won: wonBehindSchema,
      lost: lostBehindSchema,
      complaintsOnCustomers: complaintProvenanceSchema,
    })
    .optional()
    .describe('with explain=true'),
});
export type PerformanceRow = z.infer<typeof performanceRowSchema>;

type Tally = { leads: DealRecord[]; won: Closing[]; lost: Closing[]; customers: Set<string> };

const atLead = (d: DealRecord) => d.leadPosition;
/** The closings behind a figure, each with the position of its ContractSigned or DealLost. */
const closingsBehind = (closings: readonly Closing[]) => closings.map((c) => ({ dealId: c.deal.dealId, position: String(c.position) }));
const cycleDays = (c: Closing) => (c.at - c.deal.leadAt) / DAY_MS;

/**
 * Sales performance per rep or per team over [from, to): a lead counts for whoever found it, a
 * win for the owner at signing, a loss for the owner when it was lost; a team is credited with
 * what its members did while in it. Complaints raised in the window count for whoever owns (or
 * owned) a deal of that customer. Ranked by revenue in the currency with the most of it, then wins.
 */
export function salesPerformance(sales: SalesState, complaints: ComplaintsState, query: { by: 'rep' | 'team'; from: number; to: number; explain?: boolean }): PerformanceRow[] {
  const tallies = new Map<string, Tally>();
  const tally = (id: string | null): Tally | null => {
    if (id === null) return null;
    let t = tallies.get(id);
    if (!t) tallies.set(id, (t = { leads: [], won: [], lost: [], customers: new Set() }));
    return t;
  };
  const creditFor = (deal: DealRecord, rep: string, at: number): string | null => (query.by === 'rep' ? rep : teamOf(sales.reps.get(rep), at));
  const inWindow = (t: number) => t >= query.from && t < query.to;
  for (const deal of sales.deals.values()) {
    if (inWindow(deal.leadAt)) {
      const t = tally(creditFor(deal, deal.ownerAtLead, deal.leadAt));
      t?.leads.push(deal);
    }
    // Every closing in the window, a close a reopen later undid included: it happened then, for its owner then.
    for (const closing of closingsOf(deal)) {
      if (!inWindow(closing.at)) continue;
      const rep = closing.status === 'won' && !closing.undone ? (deal.ownerAtSigning ?? deal.owner) : ownerAt(deal, closing.at);
      const t = tally(creditFor(deal, rep, closing.at));
      if (t) (closing.status === 'won' ? t.won : t.lost).push(closing);
    }
    // Each owner's team is the one they were in when the deal became theirs: what they did while in it.
    const owners = [{ repId: deal.ownerAtLead, at: deal.leadAt }, ...(deal.ownerChanges ?? [])];
    for (const { repId, at } of owners) tally(creditFor(deal, repId, at))?.customers.add(deal.customerId);
  }
  const complaintsByCustomer = new Map<string, ComplaintRecord[]>();
  for (const c of complaints.complaints.values()) {
    if (!inWindow(c.raisedAt)) continue;
    const list = complaintsByCustomer.get(c.customerId);
    if (list) list.push(c);
    else complaintsByCustomer.set(c.customerId, [c]);
  }

  const rows = [...tallies].map(([id, t]) => {
    const revenue: Record<string, number> = {};
    for (const w of t.won) addTo(revenue, w.deal.currency, w.contractMinor ?? 0);
    const averageDealSize = Object.fromEntries(Object.entries(revenue).map(([c, sum]) => [c, Math.round(sum / t.won.filter((w) => w.deal.currency === c).length)]));
    const cycles = [...t.won, ...t.lost].map(cycleDays);
    const raised = [...t.customers].flatMap((customer) => complaintsByCustomer.get(customer) ?? []);
    return {
      id,
      leadsFound: t.leads.length,
      won: t.won.length,
      lost: t.lost.length,
      revenue,
      winRate: round(ratio(t.won.length, t.won.length + t.lost.length)),
      meanCycleDays: round(mean(cycles)),
      averageDealSize,
      complaintsOnCustomers: raised.length,
      rank: 0,
      ...(query.explain
        ? {
            provenance: {
              leadsFound: dealsBehind(t.leads, atLead),
              won: closingsBehind(t.won),
              lost: closingsBehind(t.lost),
              complaintsOnCustomers: complaintsBehind(raised),
            },
          }
        : {}),
    };
  });
  const totals: Record<string, number> = {};
  for (const row of rows) for (const [c, v] of Object.entries(row.revenue)) addTo(totals, c, v);
  const main = Object.entries(totals).sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
  rows.sort((a, b) => (b.revenue[main] ?? 0) - (a.revenue[main] ?? 0) || b.won - a.won || a.id.localeCompare(b.id));
  rows.forEach((row, i) => (row.rank = i + 1));
  return rows;
}

export const channelRowSchema = z.object({
  channel: z.string(),
  leads: z.number().int(),
  won: z.number().int(),
  lost: z.number().int(),
  winRate: z.number().nullable(),
  revenue: perCurrencySchema,
  meanCycleDays: z.number().nullable(),
  customersAcquired: z.number().int().describe('customers whose first contract came through the channel in the window'),
  provenance: z
    .object({
      leads: leadsBehindSchema,
      won: wonBehindSchema,
      lost: lostBehindSchema,
      customersAcquired: provenanceSchema.describe("each customer's first won deal and its ContractSigned"),
    })
    .optional()
    .describe('with explain=true'),
});
export type ChannelRow = z.infer<typeof channelRowSchema>;

/** Per channel over [from, to): leads found, outcomes, revenue, cycle, and customers whose first contract came through it. */
export function channelPerformance(sales: SalesState, query: { from: number; to: number; explain?: boolean }): ChannelRow[] {
  const inWindow = (t: number) => t >= query.from && t < query.to;
  const firstContract = new Map<string, DealRecord>();
  for (const deal of sales.deals.values()) {
    if (deal.status !== 'won' || deal.signedAt === null) continue;
    const first = firstContract.get(deal.customerId);
    if (!first || deal.signedAt < (first.signedAt as number)) firstContract.set(deal.customerId, deal);
  }
  const rows = new Map<string, { leads: DealRecord[]; won: Closing[]; lost: Closing[]; acquired: DealRecord[] }>();
  const row = (channel: string) => {
    let r = rows.get(channel);
    if (!r) rows.set(channel, (r = { leads: [], won: [], lost: [], acquired: [] }));
    return r;
  };
  for (const deal of sales.deals.values()) {
    if (inWindow(deal.leadAt)) row(deal.channel).leads.push(deal);
    for (const closing of closingsOf(deal)) if (inWindow(closing.at)) (closing.status === 'won' ? row(deal.channel).won : row(deal.channel).lost).push(closing);
  }
  for (const deal of firstContract.values()) if (inWindow(deal.signedAt as number)) row(deal.channel).acquired.push(deal);
  return [...rows]
    .map(([channel, r]) => {
      const revenue: Record<string, number> = {};
      for (const w of r.won) addTo(revenue, w.deal.currency, w.contractMinor ?? 0);
      return {
        channel,
        leads: r.leads.length,
        won: r.won.length,
        lost: r.lost.length,
        winRate: round(ratio(r.won.length, r.won.length + r.lost.length)),
        revenue,
        meanCycleDays: round(mean([...r.won, ...r.lost].map(cycleDays))),
        customersAcquired: r.acquired.length,
        ...(query.explain
          ? { provenance: { leads: dealsBehind(r.leads, atLead), won: closingsBehind(r.won), lost: closingsBehind(r.lost), customersAcquired: dealsBehind(r.acquired, (d) => d.signedPosition) } }
          : {}),
      };
    })
    .sort((a, b) => a.channel.localeCompare(b.channel));
}

/** Days without a stage move, activity, quote or offer after which an open deal in a stage is stalled. */
export const DEFAULT_ROTTING_DAYS: Record<string, number> = { lead: 14, qualified: 21, proposal: 21, negotiation: 14 };
export const DEFAULT_ROTTING_FALLBACK_DAYS = 30;

export const stalledDealSchema = z.object({
  dealId: z.string(),
  title: z.string(),
  owner: z.string(),
  stageId: z.string(),
  daysStalled: z.number().int().describe('whole days since the last stage move, activity, quote or offer'),
  thresholdDays: z.number().describe("the stage's allowance, in days"),
  lastTouchAt: instantSchema,
  provenance: z.object({ lastTouch: positionSchema.describe('the global position of the event that last touched the deal') }).optional().describe('with explain=true'),
});
export type StalledDeal = z.infer<typeof stalledDealSchema>;

export function stalledDeals(sales: SalesState, now: number, rottingDays: Record<string, number> = DEFAULT_ROTTING_DAYS, options: { explain?: boolean } = {}): StalledDeal[] {
  const stalled: StalledDeal[] = [];
  for (const deal of sales.deals.values()) {
    if (deal.status !== 'open') continue;
    const threshold = rottingDays[deal.stageId] ?? DEFAULT_ROTTING_FALLBACK_DAYS;
    const days = (now - deal.lastTouchAt) / DAY_MS;
    if (days > threshold) {
      stalled.push({
        dealId: deal.dealId,
        title: deal.title,
        owner: deal.owner,
        stageId: deal.stageId,
        daysStalled: Math.floor(days),
        thresholdDays: threshold,
        lastTouchAt: new Date(deal.lastTouchAt).toISOString(),
        ...(options.explain ? { provenance: { lastTouch: String(deal.lastTouchPosition) } } : {}),
      });
    }
  }
  // Longest untouched first: by the last touch, which orders them as daysStalled does but does not move as days pass.
  return stalled.sort((a, b) => (a.lastTouchAt < b.lastTouchAt ? -1 : a.lastTouchAt > b.lastTouchAt ? 1 : a.dealId < b.dealId ? -1 : a.dealId > b.dealId ? 1 : 0));
}
