import { deserialize, serialize } from 'node:v8';
import { recordMembership, teamAt } from '../domain/organisation/membership.js';
import type { MembershipSpan } from '../domain/organisation/membership.js';
import type { RepRole } from '../domain/organisation/events.js';
import { pipelineDecider } from '../domain/pipeline/decider.js';
import type { PipelineState } from '../domain/pipeline/decider.js';
import { CustomerTable } from './customerTable.js';
import { DealTable, statusCode } from './dealTable.js';
import type { DealRecord } from './dealTable.js';
import { idOf } from './events.js';
import type { ProjectedEvent } from './events.js';
import type { Projection } from './projection.js';
import { Interned } from './table/interned.js';
import { applyPatches, packPatches, wholePatch } from './table/patches.js';
import { packSegments, partText, textPart, unpackSegments } from './table/segments.js';

export type { CompactPosition, DealRecord, OwnerChange, StageEntry } from './dealTable.js';
export type { CustomerFacts } from './customerTable.js';

/** The version of a record's stream that the record reflects: the ETag of a read now. */
type Versioned = { streamVersion: number };
export type RepFacts = Versioned & { repId: string; name: string; role: RepRole; departedAt: number | null; spans: MembershipSpan[] };
export type TeamFacts = Versioned & { teamId: string; name: string; region: string; managerRepId: string };
export type PipelineFacts = Versioned & PipelineState;

export type SalesState = {
  pipelines: Map<string, PipelineFacts>;
  reps: Map<string, RepFacts>;
  teams: Map<string, TeamFacts>;
  customers: CustomerTable;
  deals: DealTable;
  /** One copy of each repeated string (ids of reps and stages, regions, channels…) for all deals. */
  strings: Interned;
};

export const LATE_ENTRY_MS = 24 * 3600_000;

const intern = (state: SalesState, value: string): string => state.strings.at(state.strings.id(value));

/** The team a rep was in at `at` (the domain's own definition of membership over time). */
export const teamOf = (rep: RepFacts | undefined, at: number): string | null => (rep ? teamAt(rep.spans, at) : null);

/** Who owned the deal at `at`. */
export function ownerAt(deal: DealRecord, at: number): string {
  let owner = deal.ownerAtLead;
  for (const change of deal.ownerChanges ?? []) if (change.at <= at) owner = change.repId;
  return owner;
}

/** A stage move, activity, quote, offer or reopen: the deal is moving (its last touch is what stalled deals measure). */
function touch(deals: DealTable, row: number, event: ProjectedEvent): void {
  deals.rows.cols.lastTouchAt[row] = event.occurredAt;
  deals.rows.cols.lastTouchPosition[row] = deals.positions.write(event.position);
}

function applyDeal(state: SalesState, event: ProjectedEvent): void {
  const dealId = idOf(event.streamId);
  const deals = state.deals;
  const late = event.recordedAt - event.occurredAt > LATE_ENTRY_MS;
  if (event.type === 'LeadFound') {
    const d = event.data;
    deals.lead({
      dealId,
      title: d.title,
      pipelineId: d.pipelineId,
      customerId: d.customerId,
      ownerRepId: d.ownerRepId,
      region: d.region,
      productLine: d.productLine,
      product: d.product,
      channel: d.channel,
      currency: d.estimatedAmount.currency,
      estimatedMinor: d.estimatedAmount.amountMinor,
      expectedCloseDate: d.expectedCloseDate,
      stageId: d.stageId,
      at: event.occurredAt,
      position: event.position,
      streamVersion: event.streamVersion,
      late,
    });
    return;
  }
  const row = deals.rowOf(dealId);
  if (row < 0) return;
  deals.rows.touch(row);
  const c = deals.rows.cols;
  const s = state.strings;
  if (late) c.lateEntries[row] = (c.lateEntries[row] as number) + 1;
  c.streamVersion[row] = event.streamVersion;
  switch (event.type) {
    case 'DealMovedToStage':
      deals.enter(row, event.data.toStageId, event.occurredAt, event.position);
      touch(deals, row, event);
      return;
    case 'ActivityLogged':
      touch(deals, row, event);
      c.lastContactAt[row] = event.occurredAt;
      return;
    case 'QuoteSent':
      touch(deals, row, event);
      return;
    case 'OfferMade':
      c.offers[row] = event.data.round;
      touch(deals, row, event);
      return;
    case 'EstimatedAmountChanged':
      c.estimatedMinor[row] = event.data.amount.amountMinor;
      return;
    case 'ExpectedCloseDateChanged':
      c.expectedCloseDate[row] = s.id(event.data.expectedCloseDate);
      return;
    case 'ForecastCategorySet':
      c.forecastCategory[row] = s.id(event.data.category);
      return;
    case 'DealReassigned':
      deals.reassign(row, event.data.toRepId, event.occurredAt);
      return;
    case 'ContractSigned':
      c.status[row] = statusCode('won');
      c.closedAt[row] = c.signedAt[row] = event.occurredAt;
      c.closedPosition[row] = c.signedPosition[row] = deals.positions.write(event.position);
      c.contractMinor[row] = event.data.amount.amountMinor;
      c.signedRecordedAt[row] = event.recordedAt;
      c.ownerAtSigning[row] = c.owner[row] as number;
      c.segmentAtSigning[row] = state.customers.segmentIdOf(deals.customerIds.at(row));
      return;
    case 'ContractAmountCorrected':
      c.contractMinor[row] = event.data.amount.amountMinor;
      c.corrected[row] = 1;
      return;
    case 'DealLost':
      c.status[row] = statusCode('lost');
      c.closedAt[row] = event.occurredAt;
      c.closedPosition[row] = deals.positions.write(event.position);
      c.lostReason[row] = s.id(event.data.reason);
      c.lostStage[row] = s.id(event.data.stageId);
      c.competitor[row] = s.idOrNull(event.data.competitor);
      return;
    case 'DealReopened': {
      deals.keepPriorClose(row);
      deals.open(row);
      c.reopened[row] = (c.reopened[row] as number) + 1;
      touch(deals, row, event);
      // A reopen starts a new visit, in the same stage or another.
      deals.enter(row, event.data.stageId, event.occurredAt, event.position);
      return;
    }
    default:
      return;
  }
}

const maps = (state: SalesState): Uint8Array => serialize({ pipelines: state.pipelines, reps: state.reps, teams: state.teams });

/** The state as byte parts: interned strings, the small maps, then the customer and deal tables' columns. */
const parts = (state: SalesState): Uint8Array[] => [textPart(state.strings.encode()), maps(state), ...state.customers.encode(), ...state.deals.encode()];

function fromParts(parts: readonly Uint8Array[]): SalesState {
  const strings = Interned.decode(partText(parts[0] ?? new Uint8Array()));
  const small = deserialize(parts[1] ?? new Uint8Array()) as Pick<SalesState, 'pipelines' | 'reps' | 'teams'>;
  const customers = CustomerTable.decode(strings, parts.slice(2, 2 + CustomerTable.PARTS));
  const deals = DealTable.decode(strings, parts.slice(2 + CustomerTable.PARTS));
  return { ...small, customers, deals, strings };
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
  // 6: deals keep the position of their last touch, and their stream's version. 7: so do pipelines, reps and teams.
  // 8: a close a reopen undid keeps its status, position, contract and lost reason.
  // 9: a retired stage keeps its place after the stage it followed when the others are reordered.
  // 10: a won deal keeps its customer's segment at signing.
  version: 10,
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
  init: () => {
    const strings = new Interned();
    return { pipelines: new Map(), reps: new Map(), teams: new Map(), customers: new CustomerTable(strings), deals: new DealTable(strings), strings };
  },
  codec: {
    encode(state) {
      const bytes = packSegments(parts(state));
      state.customers.markBase();
      state.deals.markBase();
      return bytes;
    },
    decode(bytes) {
      // The state as decoded is the base for the deltas that follow it, as after `encode`.
      const state = fromParts(unpackSegments(bytes));
      state.customers.markBase();
      state.deals.markBase();
      return state;
    },
    delta: {
      encode: (state) => packPatches([wholePatch(textPart(state.strings.encode())), wholePatch(maps(state)), ...state.customers.changes(), ...state.deals.changes()]),
      decode: (base, delta) => fromParts(applyPatches(unpackSegments(base), delta)),
    },
  },
  apply(state, event) {
    switch (event.type) {
      case 'PipelineDefined':
      case 'StageAdded':
      case 'StageRenamed':
      case 'StageProbabilityChanged':
      case 'StagesReordered':
      case 'StageRetired': {
        const id = idOf(event.streamId);
        state.pipelines.set(id, { ...pipelineDecider.evolve(state.pipelines.get(id) ?? pipelineDecider.initialState, event), streamVersion: event.streamVersion });
        return;
      }
      case 'RepHired':
        state.reps.set(event.data.repId, { repId: event.data.repId, name: event.data.name, role: event.data.role, departedAt: null, spans: [], streamVersion: event.streamVersion });
        return;
      case 'RepJoinedTeam':
      case 'RepLeftTeam': {
        const rep = state.reps.get(idOf(event.streamId));
        if (!rep) return;
        recordMembership(rep.spans, { type: event.type, data: { teamId: intern(state, event.data.teamId) } }, event.occurredAt);
        rep.streamVersion = event.streamVersion;
        return;
      }
      case 'RepDeparted': {
        const rep = state.reps.get(idOf(event.streamId));
        if (!rep) return;
        rep.departedAt = event.occurredAt;
        rep.streamVersion = event.streamVersion;
        return;
      }
      case 'TeamFormed':
        state.teams.set(event.data.teamId, { ...event.data, streamVersion: event.streamVersion });
        return;
      case 'CustomerRegistered': {
        const d = event.data;
        state.customers.register({ customerId: d.customerId, name: d.name, segment: d.segment, region: d.region, channel: d.acquisitionChannel, registeredAt: event.occurredAt });
        return;
      }
      case 'CustomerProfileUpdated': {
        const row = state.customers.rowOf(idOf(event.streamId));
        const d = event.data;
        if (row >= 0) state.customers.update(row, { segment: d.segment, region: d.region, channel: d.acquisitionChannel });
        return;
      }
      default:
        applyDeal(state, event);
    }
  },
};
