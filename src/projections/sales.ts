import { recordMembership, teamAt } from '../domain/organisation/membership.js';
import type { MembershipSpan } from '../domain/organisation/membership.js';
import { pipelineDecider } from '../domain/pipeline/decider.js';
import type { PipelineState } from '../domain/pipeline/decider.js';
import type { Position } from '../eventstore/port.js';
import { idOf } from './events.js';
import type { ProjectedEvent } from './events.js';
import type { Projection } from './projection.js';

/**
 * A position as kept in projection state: a plain number when it fits (every sqlite position
 * does), a bigint otherwise. A heap bigint per stored position would cost a deal ~150 bytes.
 */
export type CompactPosition = number | bigint;
export const compactPosition = (position: Position): CompactPosition =>
  position <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(position) : position;

export type StageEntry = { stageId: string; at: number; position: CompactPosition };
export type OwnerChange = { repId: string; at: number };

/** What the engine knows of one deal: compact, for one record per deal across every view. */
export type DealRecord = {
  dealId: string;
  pipelineId: string;
  customerId: string;
  title: string;
  ownerAtLead: string;
  owner: string;
  /** Reassignments, oldest first; null until the first (most deals never change hands). */
  ownerChanges: OwnerChange[] | null;
  region: string;
  productLine: string;
  product: string;
  channel: string;
  currency: string;
  estimatedMinor: number;
  expectedCloseDate: string;
  forecastCategory: string;
  leadAt: number;
  leadPosition: CompactPosition;
  /** Every stage entered, the starting stage first, in order. */
  entries: StageEntry[];
  status: 'open' | 'won' | 'lost';
  stageId: string;
  closedAt: number | null;
  closedPosition: CompactPosition | null;
  contractMinor: number | null;
  signedAt: number | null;
  signedRecordedAt: number | null;
  signedPosition: CompactPosition | null;
  ownerAtSigning: string | null;
  corrected: boolean;
  lostReason: string | null;
  lostStageId: string | null;
  competitor: string | null;
  /** Last stage move, activity, quote or offer: what tells a moving deal from a stalled one. */
  lastTouchAt: number;
  lastContactAt: number | null;
  offers: number;
  reopened: number;
  /** Closes before a reopen (null until a deal is reopened): they end the stage visit they closed. */
  priorCloses: number[] | null;
  /** Late entries among its events (recorded more than a day after they occurred). */
  lateEntries: number;
};

export type RepFacts = { repId: string; name: string; role: string; departedAt: number | null; spans: MembershipSpan[] };
export type TeamFacts = { teamId: string; name: string; region: string; managerRepId: string };
export type CustomerFacts = { customerId: string; name: string; segment: string; region: string; channel: string; registeredAt: number };

export type SalesState = {
  pipelines: Map<string, PipelineState>;
  reps: Map<string, RepFacts>;
  teams: Map<string, TeamFacts>;
  customers: Map<string, CustomerFacts>;
  deals: Map<string, DealRecord>;
  /** One copy of each repeated string (ids of reps and stages, regions, channels…) for all deals. */
  strings: Map<string, string>;
};

export const LATE_ENTRY_MS = 24 * 3600_000;

const intern = (state: SalesState, value: string): string => {
  const known = state.strings.get(value);
  if (known !== undefined) return known;
  state.strings.set(value, value);
  return value;
};

/** The team a rep was in at `at` (the domain's own definition of membership over time). */
export const teamOf = (rep: RepFacts | undefined, at: number): string | null => (rep ? teamAt(rep.spans, at) : null);

/** Who owned the deal at `at`. */
export function ownerAt(deal: DealRecord, at: number): string {
  let owner = deal.ownerAtLead;
  for (const change of deal.ownerChanges ?? []) if (change.at <= at) owner = change.repId;
  return owner;
}

/** What a deal holds while it is open: set on the lead, and again on a reopen. */
const NOT_CLOSED = {
  closedAt: null,
  closedPosition: null,
  contractMinor: null,
  signedAt: null,
  signedRecordedAt: null,
  signedPosition: null,
  ownerAtSigning: null,
  lostReason: null,
  lostStageId: null,
  competitor: null,
} as const;

function applyDeal(state: SalesState, event: ProjectedEvent): void {
  const dealId = idOf(event.streamId);
  if (event.type === 'LeadFound') {
    const d = event.data;
    const stageId = intern(state, d.stageId);
    state.deals.set(dealId, {
      dealId,
      pipelineId: intern(state, d.pipelineId),
      customerId: intern(state, d.customerId),
      title: d.title,
      ownerAtLead: intern(state, d.ownerRepId),
      owner: intern(state, d.ownerRepId),
      ownerChanges: null,
      region: intern(state, d.region),
      productLine: intern(state, d.productLine),
      product: intern(state, d.product),
      channel: intern(state, d.channel),
      currency: intern(state, d.estimatedAmount.currency),
      estimatedMinor: d.estimatedAmount.amountMinor,
      expectedCloseDate: intern(state, d.expectedCloseDate),
      forecastCategory: 'pipeline',
      leadAt: event.occurredAt,
      leadPosition: compactPosition(event.position),
      entries: [{ stageId, at: event.occurredAt, position: compactPosition(event.position) }],
      status: 'open',
      stageId,
      ...NOT_CLOSED,
      corrected: false,
      lastTouchAt: event.occurredAt,
      lastContactAt: null,
      offers: 0,
      reopened: 0,
      priorCloses: null,
      lateEntries: event.recordedAt - event.occurredAt > LATE_ENTRY_MS ? 1 : 0,
    });
    return;
  }
  const deal = state.deals.get(dealId);
  if (!deal) return;
  if (event.recordedAt - event.occurredAt > LATE_ENTRY_MS) deal.lateEntries += 1;
  switch (event.type) {
    case 'DealMovedToStage': {
      const stageId = intern(state, event.data.toStageId);
      deal.entries.push({ stageId, at: event.occurredAt, position: compactPosition(event.position) });
      deal.stageId = stageId;
      deal.lastTouchAt = event.occurredAt;
      return;
    }
    case 'ActivityLogged':
      deal.lastTouchAt = event.occurredAt;
      deal.lastContactAt = event.occurredAt;
      return;
    case 'QuoteSent':
      deal.lastTouchAt = event.occurredAt;
      return;
    case 'OfferMade':
      deal.offers = event.data.round;
      deal.lastTouchAt = event.occurredAt;
      return;
    case 'EstimatedAmountChanged':
      deal.estimatedMinor = event.data.amount.amountMinor;
      return;
    case 'ExpectedCloseDateChanged':
      deal.expectedCloseDate = intern(state, event.data.expectedCloseDate);
      return;
    case 'ForecastCategorySet':
      deal.forecastCategory = intern(state, event.data.category);
      return;
    case 'DealReassigned':
      deal.owner = intern(state, event.data.toRepId);
      (deal.ownerChanges ??= []).push({ repId: deal.owner, at: event.occurredAt });
      return;
    case 'ContractSigned':
      deal.status = 'won';
      deal.closedAt = event.occurredAt;
      deal.closedPosition = compactPosition(event.position);
      deal.contractMinor = event.data.amount.amountMinor;
      deal.signedAt = event.occurredAt;
      deal.signedRecordedAt = event.recordedAt;
      deal.signedPosition = deal.closedPosition;
      deal.ownerAtSigning = deal.owner;
      return;
    case 'ContractAmountCorrected':
      deal.contractMinor = event.data.amount.amountMinor;
      deal.corrected = true;
      return;
    case 'DealLost':
      deal.status = 'lost';
      deal.closedAt = event.occurredAt;
      deal.closedPosition = compactPosition(event.position);
      deal.lostReason = intern(state, event.data.reason);
      deal.lostStageId = intern(state, event.data.stageId);
      deal.competitor = event.data.competitor === null ? null : intern(state, event.data.competitor);
      return;
    case 'DealReopened': {
      const stageId = intern(state, event.data.stageId);
      if (deal.closedAt !== null) (deal.priorCloses ??= []).push(deal.closedAt);
      Object.assign(deal, {
        ...NOT_CLOSED,
        status: 'open',
        stageId,
        reopened: deal.reopened + 1,
        lastTouchAt: event.occurredAt,
      });
      // A reopen starts a new visit, in the same stage or another.
      deal.entries.push({ stageId, at: event.occurredAt, position: compactPosition(event.position) });
      return;
    }
    default:
      return;
  }
}

const DEAL_EVENTS = [
  'LeadFound',
  'DealMovedToStage',
  'ActivityLogged',
  'QuoteSent',
  'OfferMade',
  'EstimatedAmountChanged',
  'ExpectedCloseDateChanged',
  'ForecastCategorySet',
  'DealReassigned',
  'ContractSigned',
  'ContractAmountCorrected',
  'DealLost',
  'DealReopened',
] as const;

/**
 * The sales base projection: pipelines as defined at the time replayed to, the organisation with
 * team membership over time, customers' profile facts, and one record per deal. Funnel, target
 * progress, sales performance, channels and stalled deals are queries over it.
 */
export const salesProjection: Projection<SalesState> = {
  name: 'sales',
  version: 4,
  eventTypes: [
    ...DEAL_EVENTS,
    'PipelineDefined',
    'StageAdded',
    'StageRenamed',
    'StageProbabilityChanged',
    'StagesReordered',
    'StageRetired',
    'RepHired',
    'RepJoinedTeam',
    'RepLeftTeam',
    'RepDeparted',
    'TeamFormed',
    'CustomerRegistered',
    'CustomerProfileUpdated',
  ],
  init: () => ({ pipelines: new Map(), reps: new Map(), teams: new Map(), customers: new Map(), deals: new Map(), strings: new Map() }),
  apply(state, event) {
    switch (event.type) {
      case 'PipelineDefined':
      case 'StageAdded':
      case 'StageRenamed':
      case 'StageProbabilityChanged':
      case 'StagesReordered':
      case 'StageRetired': {
        const id = idOf(event.streamId);
        state.pipelines.set(id, pipelineDecider.evolve(state.pipelines.get(id) ?? pipelineDecider.initialState, event));
        return;
      }
      case 'RepHired':
        state.reps.set(event.data.repId, { repId: event.data.repId, name: event.data.name, role: event.data.role, departedAt: null, spans: [] });
        return;
      case 'RepJoinedTeam':
      case 'RepLeftTeam': {
        const rep = state.reps.get(idOf(event.streamId));
        if (rep) recordMembership(rep.spans, { type: event.type, data: { teamId: intern(state, event.data.teamId) } }, event.occurredAt);
        return;
      }
      case 'RepDeparted': {
        const rep = state.reps.get(idOf(event.streamId));
        if (rep) rep.departedAt = event.occurredAt;
        return;
      }
      case 'TeamFormed':
        state.teams.set(event.data.teamId, { ...event.data });
        return;
      case 'CustomerRegistered': {
        const d = event.data;
        state.customers.set(d.customerId, {
          customerId: d.customerId,
          name: d.name,
          segment: intern(state, d.segment),
          region: intern(state, d.region),
          channel: intern(state, d.acquisitionChannel),
          registeredAt: event.occurredAt,
        });
        return;
      }
      case 'CustomerProfileUpdated': {
        const customer = state.customers.get(idOf(event.streamId));
        if (!customer) return;
        const d = event.data;
        if (d.segment) customer.segment = intern(state, d.segment);
        if (d.region) customer.region = intern(state, d.region);
        if (d.acquisitionChannel) customer.channel = intern(state, d.acquisitionChannel);
        return;
      }
      default:
        applyDeal(state, event);
    }
  },
};
