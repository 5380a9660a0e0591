import { z } from 'zod';
import type { CompactPosition } from './table/positions.js';
export type { CompactPosition } from './table/positions.js';

export type StageEntry = { stageId: string; at: number; position: CompactPosition };
/** A close of a deal that a reopen undid, as it was. */
export type PriorClose = { at: number; status: 'won' | 'lost'; position: CompactPosition | null; contractMinor: number | null; lostReason: string | null };
/** A closing of a deal, in the window it happened in: its last close, or one a reopen undid. */
export type Closing = { deal: DealRecord; at: number; status: 'won' | 'lost'; position: CompactPosition | null; contractMinor: number | null; undone: boolean };
export type OwnerChange = { repId: string; at: number };
export const dealStatusSchema = z.enum(['open', 'won', 'lost']);
export type DealStatus = z.infer<typeof dealStatusSchema>;

/** What the engine knows of one deal, as every view reads it. */
export type DealRecord = {
  readonly dealId: string;
  readonly pipelineId: string;
  readonly customerId: string;
  readonly title: string;
  readonly ownerAtLead: string;
  readonly owner: string;
  /** Reassignments, oldest first; null until the first (most deals never change hands). */
  readonly ownerChanges: readonly OwnerChange[] | null;
  readonly region: string;
  readonly productLine: string;
  readonly product: string;
  readonly channel: string;
  readonly currency: string;
  readonly estimatedMinor: number;
  readonly expectedCloseDate: string;
  readonly forecastCategory: string;
  readonly leadAt: number;
  readonly leadPosition: CompactPosition;
  /** Every stage entered, the starting stage first, in order. */
  readonly entries: readonly StageEntry[];
  readonly status: DealStatus;
  readonly stageId: string;
  readonly closedAt: number | null;
  readonly closedPosition: CompactPosition | null;
  readonly contractMinor: number | null;
  readonly signedAt: number | null;
  readonly signedRecordedAt: number | null;
  readonly signedPosition: CompactPosition | null;
  readonly ownerAtSigning: string | null;
  /** The customer's segment when the contract was signed (null: open, lost, or the customer not yet registered then). */
  readonly segmentAtSigning: string | null;
  readonly corrected: boolean;
  readonly lostReason: string | null;
  readonly lostStageId: string | null;
  readonly competitor: string | null;
  /** Last stage move, activity, quote or offer: what tells a moving deal from a stalled one. */
  readonly lastTouchAt: number;
  readonly lastTouchPosition: CompactPosition;
  /** The version of the deal's stream after the last event the record reflects. */
  readonly streamVersion: number;
  readonly lastContactAt: number | null;
  readonly offers: number;
  readonly reopened: number;
  /** Closes a reopen undid, oldest first (null until a deal is reopened): they end the stage visit they closed, and count in their window. */
  readonly priorCloses: readonly PriorClose[] | null;
  /** Late entries among its events (recorded more than a day after they occurred). */
  readonly lateEntries: number;
};

/** Every closing of a deal, oldest first: those a reopen undid, then the one it stands at, if closed. */
export function closingsOf(deal: DealRecord): Closing[] {
  const closings: Closing[] = (deal.priorCloses ?? []).map((p) => ({ deal, at: p.at, status: p.status, position: p.position, contractMinor: p.contractMinor, undone: true }));
  if (deal.closedAt !== null && deal.status !== 'open') closings.push({ deal, at: deal.closedAt, status: deal.status, position: deal.closedPosition, contractMinor: deal.contractMinor, undone: false });
  return closings;
}

/** With explain: the deals behind a figure, each with the position of the event that counts it (as answers write positions). */
export const dealsBehind = (deals: readonly DealRecord[], position: (deal: DealRecord) => CompactPosition | null) =>
  deals.map((d) => ({ dealId: d.dealId, position: String(position(d)) }));
