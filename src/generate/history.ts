import { standardPipeline } from '../domain/pipeline/decider.js';
import type { DomainEventUnion } from '../projections/events.js';
import { seededRandom } from './random.js';

/** One event as the generator plans it: its stream, business time and the time it gets recorded. */
export type PlannedEvent = { streamId: string; event: DomainEventUnion; occurredAt: number; recordedAt: number };

export type GenerateOptions = {
  seed: number;
  /** About how many events to generate (1,000 to millions). */
  events: number;
  /** First day of the history (UTC). */
  start?: string;
};

const DAY = 86_400_000;
const HOUR = 3_600_000;
const REGIONS = ['north', 'south', 'east', 'west'] as const;
const PRODUCT_LINES = ['vans', 'trucks', 'leasing', 'service', 'telematics'] as const;
const CHANNELS = ['direct', 'agent', 'distributor', 'eCommerce', 'social', 'referral', 'exhibition'] as const;
const SEGMENTS = ['enterprise', 'midMarket', 'smb'] as const;
const LOSS_REASONS = ['price', 'competitor', 'noBudget', 'noDecision', 'timing', 'productFit'] as const;
const ACTIVITIES = ['call', 'meeting', 'email', 'visit', 'demo'] as const;
const STAGES = standardPipeline.stages.map((s) => s.stageId);
/** Chance of moving on from each stage (the last one: of signing); the rest is lost or still open. */
const ADVANCE = [0.6, 0.65, 0.7, 0.6];
/** Mean days spent in each stage. */
const STAGE_DAYS = [6, 10, 12, 9];
const EVENTS_PER_DEAL = 7;

/**
 * A seeded, deterministic history of a sales organisation, in recording order: reps, teams and
 * transfers, customers, quarterly targets with adjustments, and deals that move through the
 * standard pipeline at realistic rates and speeds — skips, moves back, negotiation rounds,
 * reassignments, losses with reasons, reopenings, contract corrections, late entries — followed by
 * visits, satisfaction and complaints. Every stream's events are valid for its decider.
 */
export function generateHistory(options: GenerateOptions): PlannedEvent[] {
  const rnd = seededRandom(options.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const chance = (p: number) => rnd() < p;
  const exp = (mean: number) => -Math.log(1 - rnd()) * mean;
  const t0 = Date.parse(`${options.start ?? '2025-01-01'}T08:00:00.000Z`);
  const deals = Math.max(20, Math.round(options.events / EVENTS_PER_DEAL));
  const spanDays = Math.min(Math.max(Math.round(deals / 60), 120), 1460);
  const horizon = t0 + (spanDays + 30) * DAY;
  const out: PlannedEvent[] = [];
  const versions = new Map<string, { occurredAt: number; recordedAt: number }>();

  /** Adds an event to its stream: never before the stream's previous fact, sometimes entered late. */
  function emit(streamId: string, event: DomainEventUnion, at: number, late = false): number {
    const previous = versions.get(streamId);
    const occurredAt = Math.max(at, previous?.occurredAt ?? 0);
    const delay = late ? DAY + exp(3 * DAY) : exp(2 * HOUR);
    const recordedAt = Math.max(occurredAt + delay, previous?.recordedAt ?? 0);
    if (occurredAt > horizon) return occurredAt;
    versions.set(streamId, { occurredAt, recordedAt });
    out.push({ streamId, event, occurredAt, recordedAt });
    return occurredAt;
  }
  const lateNow = () => chance(0.05);

  // the organisation
  emit('pipeline-standard', { type: 'PipelineDefined', data: { ...standardPipeline, stages: [...standardPipeline.stages] } }, t0 - 30 * DAY);
  const repCount = Math.max(6, Math.round(deals / 250));
  const teamCount = Math.max(2, Math.round(repCount / 6));
  const reps = Array.from({ length: repCount }, (_, i) => `r${String(i).padStart(4, '0')}`);
  const teams = Array.from({ length: teamCount }, (_, i) => ({ teamId: `t${i}`, region: REGIONS[i % REGIONS.length] as string, manager: reps[i] as string }));
  const teamOf = new Map<string, string>();
  reps.forEach((repId, i) => {
    emit(`rep-${repId}`, { type: 'RepHired', data: { repId, name: `Rep ${i}`, role: i < teamCount ? 'manager' : 'rep', email: null } }, t0 - 20 * DAY);
  });
  for (const team of teams) {
    emit(`team-${team.teamId}`, { type: 'TeamFormed', data: { teamId: team.teamId, name: `Team ${team.teamId}`, region: team.region, managerRepId: team.manager } }, t0 - 15 * DAY);
  }
  reps.forEach((repId, i) => {
    const teamId = (teams[i % teamCount] as { teamId: string }).teamId;
    teamOf.set(repId, teamId);
    emit(`rep-${repId}`, { type: 'RepJoinedTeam', data: { teamId } }, t0 - 10 * DAY);
  });
  // a few transfers between teams along the way (a move is a leave and a join)
  for (const [i, repId] of reps.slice(teamCount).entries()) {
    // about one in seven reps moves, and always at least one, so membership over time is exercised
    if (!chance(0.15) && i !== 0) continue;
    const at = t0 + rnd() * spanDays * DAY;
    const from = teamOf.get(repId) as string;
    const to = pick(teams.filter((t) => t.teamId !== from)).teamId;
    emit(`rep-${repId}`, { type: 'RepLeftTeam', data: { teamId: from } }, at);
    emit(`rep-${repId}`, { type: 'RepJoinedTeam', data: { teamId: to } }, at);
  }

  // customers
  const customers = Array.from({ length: Math.max(10, Math.round(deals / 3)) }, (_, i) => `c${String(i).padStart(6, '0')}`);
  const registered = new Map<string, number>();
  customers.forEach((customerId, i) => {
    const at = t0 - 5 * DAY + rnd() * spanDays * 0.8 * DAY;
    registered.set(customerId, at);
    emit(
      `customer-${customerId}`,
      {
        type: 'CustomerRegistered',
        data: {
          customerId,
          name: `Customer ${i}`,
          segment: pick(SEGMENTS),
          industry: 'logistics',
          region: pick(REGIONS),
          acquisitionChannel: pick(CHANNELS),
          contact: { person: null, email: null, phone: null },
        },
      },
      at,
    );
  });

  // calendar-quarter targets: org revenue split per team, and new customers for the org
  const first = new Date(t0);
  for (let q = 0; ; q++) {
    const quarterStart = new Date(Date.UTC(first.getUTCFullYear(), Math.floor(first.getUTCMonth() / 3) * 3 + q * 3, 1));
    if (quarterStart.getTime() > t0 + spanDays * DAY) break;
    const period = `${quarterStart.getUTCFullYear()}-Q${Math.floor(quarterStart.getUTCMonth() / 3) + 1}`;
    const orgId = `q${q}org`;
    const orgAmount = Math.round(deals / (spanDays / 91)) * 2_500_000;
    emit(`target-${orgId}`, { type: 'TargetSet', data: { targetId: orgId, period, metric: 'revenue', scope: { kind: 'org', id: null }, amount: orgAmount, currency: 'EUR', parentTargetId: null } }, quarterStart.getTime() - 10 * DAY);
    emit(`target-q${q}new`, { type: 'TargetSet', data: { targetId: `q${q}new`, period, metric: 'newCustomers', scope: { kind: 'org', id: null }, amount: Math.max(1, Math.round(customers.length / 8)), currency: null, parentTargetId: null } }, quarterStart.getTime() - 10 * DAY);
    for (const team of teams) {
      const id = `q${q}${team.teamId}`;
      emit(`target-${id}`, { type: 'TargetSet', data: { targetId: id, period, metric: 'revenue', scope: { kind: 'team', id: team.teamId }, amount: Math.round(orgAmount / teamCount), currency: 'EUR', parentTargetId: orgId } }, quarterStart.getTime() - 9 * DAY);
      if (chance(0.3)) {
        emit(`target-${id}`, { type: 'TargetAdjusted', data: { amount: Math.round((orgAmount / teamCount) * 1.1), previousAmount: Math.round(orgAmount / teamCount), reason: 'new product launch' } }, quarterStart.getTime() + 40 * DAY);
      }
    }
  }

  // deals
  for (let n = 0; n < deals; n++) {
    const dealId = `d${String(n).padStart(7, '0')}`;
    const stream = `deal-${dealId}`;
    const customerId = pick(customers);
    let owner = pick(reps.slice(teamCount));
    const estimate = Math.round(Math.exp(9 + rnd() * 3.5)) * 100;
    let at = Math.max(t0 + rnd() * spanDays * DAY, (registered.get(customerId) ?? t0) + HOUR);
    at = emit(stream, {
      type: 'LeadFound',
      data: {
        dealId,
        customerId,
        title: `Deal ${n}`,
        ownerRepId: owner,
        pipelineId: 'standard',
        stageId: 'lead',
        channel: pick(CHANNELS),
        productLine: pick(PRODUCT_LINES),
        product: 'standard',
        region: pick(REGIONS),
        estimatedAmount: { amountMinor: estimate, currency: 'EUR' },
        expectedCloseDate: new Date(at + 60 * DAY).toISOString().slice(0, 10),
      },
    }, at, lateNow());
    let stage = 0;
    let outcome: 'won' | 'lost' | 'open' = 'open';
    let offers = 0;
    for (;;) {
      for (let a = Math.floor(rnd() * 3); a > 0; a--) {
        at = emit(stream, { type: 'ActivityLogged', data: { kind: pick(ACTIVITIES), summary: 'talked about needs', contactPerson: null } }, at + exp(2 * DAY), lateNow());
      }
      if (STAGES[stage] === 'proposal' && chance(0.8)) {
        at = emit(stream, { type: 'QuoteSent', data: { quoteRef: `Q-${n}`, amount: { amountMinor: estimate, currency: 'EUR' }, validUntil: null } }, at + exp(DAY), lateNow());
      }
      if (STAGES[stage] === 'negotiation') {
        for (let r = 1 + Math.floor(rnd() * 3); r > 0; r--) {
          offers += 1;
          at = emit(stream, { type: 'OfferMade', data: { round: offers, by: offers % 2 === 1 ? 'us' : 'customer', amount: { amountMinor: Math.round(estimate * (1 - 0.03 * offers)), currency: 'EUR' }, discountPercent: 3 * offers, terms: null } }, at + exp(2 * DAY), lateNow());
        }
        if (chance(0.4)) at = emit(stream, { type: 'ForecastCategorySet', data: { category: 'commit' } }, at + HOUR);
      }
      if (chance(0.05)) {
        const to = pick(reps.slice(teamCount).filter((r) => r !== owner));
        at = emit(stream, { type: 'DealReassigned', data: { fromRepId: owner, toRepId: to, reason: 'territory change' } }, at + exp(DAY));
        owner = to;
      }
      at += exp((STAGE_DAYS[stage] ?? 7) * DAY);
      if (at > horizon - 20 * DAY && chance(0.5)) break;
      if (!chance(ADVANCE[stage] ?? 0.5)) {
        outcome = chance(0.85) ? 'lost' : 'open';
        break;
      }
      if (stage === STAGES.length - 1) {
        outcome = 'won';
        break;
      }
      let next = stage + 1;
      if (stage === 0 && chance(0.1)) next = 2;
      at = emit(stream, { type: 'DealMovedToStage', data: { fromStageId: STAGES[stage] as string, toStageId: STAGES[next] as string, reason: null } }, at, lateNow());
      stage = next;
      if (stage === 2 && chance(0.05)) {
        at = emit(stream, { type: 'DealMovedToStage', data: { fromStageId: 'proposal', toStageId: 'qualified', reason: 'needs unclear again' } }, at + exp(3 * DAY));
        stage = 1;
      }
    }
    if (outcome === 'won') {
      const amount = Math.round(estimate * (0.85 + rnd() * 0.25));
      at = emit(stream, { type: 'ContractSigned', data: { amount: { amountMinor: amount, currency: 'EUR' }, contractRef: `K-${n}`, stageId: STAGES[stage] as string } }, at, lateNow());
      if (chance(0.03)) at = emit(stream, { type: 'ContractAmountCorrected', data: { amount: { amountMinor: amount + 1000, currency: 'EUR' }, previousAmount: { amountMinor: amount, currency: 'EUR' }, reason: 'typo in contract' } }, at + 2 * DAY);
      afterSale(customerId, n, at);
    } else if (outcome === 'lost') {
      at = emit(stream, { type: 'DealLost', data: { reason: pick(LOSS_REASONS), detail: null, competitor: chance(0.4) ? 'Rival Motors' : null, stageId: STAGES[stage] as string } }, at, lateNow());
      if (chance(0.02)) emit(stream, { type: 'DealReopened', data: { reason: 'customer came back', stageId: STAGES[stage] as string } }, at + exp(20 * DAY));
    }
  }

  /** Follow-up visit and satisfaction after a sale; now and then a complaint with its whole lifecycle. */
  function afterSale(customerId: string, n: number, signedAt: number): void {
    const stream = `customer-${customerId}`;
    const visitId = `v${n}`;
    const due = signedAt + (30 + rnd() * 30) * DAY;
    emit(stream, { type: 'FollowUpVisitPlanned', data: { visitId, dueDate: new Date(due).toISOString().slice(0, 10), repId: pick(reps), purpose: 'check-in' } }, signedAt + DAY);
    emit(stream, { type: 'FollowUpVisitCompleted', data: { visitId, outcome: 'went well' } }, due);
    emit(stream, { type: 'SatisfactionRecorded', data: { score: 1 + Math.floor(rnd() * 5), source: 'visit', comment: null } }, due + HOUR);
    if (!chance(0.1)) return;
    const complaint = `complaint-k${n}`;
    let at = emit(complaint, { type: 'ComplaintRaised', data: { complaintId: `k${n}`, customerId, dealId: `d${String(n).padStart(7, '0')}`, category: pick(['delivery', 'billing', 'quality']), severity: pick(['low', 'medium', 'high'] as const), description: 'problem' } }, signedAt + exp(20 * DAY));
    at = emit(complaint, { type: 'ComplaintAcknowledged', data: { note: null } }, at + exp(10 * HOUR));
    if (chance(0.2)) at = emit(complaint, { type: 'ComplaintEscalated', data: { to: 'Head of Service', reason: 'key account' } }, at + exp(DAY));
    at = emit(complaint, { type: 'ComplaintResolved', data: { resolution: 'fixed' } }, at + exp(3 * DAY));
    if (chance(0.1)) {
      at = emit(complaint, { type: 'ComplaintReopened', data: { reason: 'came back' } }, at + exp(5 * DAY));
      at = emit(complaint, { type: 'ComplaintResolved', data: { resolution: 'fixed again' } }, at + exp(3 * DAY));
    }
    emit(complaint, { type: 'ComplaintClosed', data: { satisfactionScore: 1 + Math.floor(rnd() * 5) } }, at + exp(2 * DAY));
  }

  return out.sort((a, b) => a.recordedAt - b.recordedAt);
}
