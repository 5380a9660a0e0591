import { z } from 'zod';
import type { CompactPosition } from './table/positions.js';
export type { CompactPosition } from './table/positions.js';

export type StageEntry = { stageId: string; at: number; position: CompactPosition };
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
  /** Closes before a reopen (null until a deal is reopened): they end the stage visit they closed. */
  readonly priorCloses: readonly number[] | null;
  /** Late entries among its events (recorded more than a day after they occurred). */
  readonly lateEntries: number;
};

/** With explain: the deals behind a figure, each with the position of the event that counts it (as answers write positions). */
export const dealsBehind = (deals: readonly DealRecord[], position: (deal: DealRecord) => CompactPosition | null) =>
  deals.map((d) => ({ dealId: d.dealId, position: String(position(d)) }));
