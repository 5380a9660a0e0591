import type { Columns } from './table/columns.js';
import type { Interned } from './table/interned.js';
import type { PositionCodec } from './table/positions.js';
import type { KeyColumn, TextColumn } from './table/text.js';
import type { DealStatus } from './dealRecord.js';

// Interned string ids (-1: null), small counts, and times and amounts (NaN: null).
export const DEAL_COLUMNS = {
  pipeline: Int32Array,
  ownerAtLead: Int32Array,
  owner: Int32Array,
  region: Int32Array,
  productLine: Int32Array,
  product: Int32Array,
  channel: Int32Array,
  currency: Int32Array,
  expectedCloseDate: Int32Array,
  forecastCategory: Int32Array,
  stage: Int32Array,
  lostReason: Int32Array,
  lostStage: Int32Array,
  competitor: Int32Array,
  ownerAtSigning: Int32Array,
  segmentAtSigning: Int32Array,
  status: Uint8Array,
  corrected: Uint8Array,
  offers: Int32Array,
  reopened: Int32Array,
  lateEntries: Int32Array,
  streamVersion: Int32Array,
  entryCount: Int32Array,
  lastEntry: Int32Array,
  lastOwnerChange: Int32Array,
  lastPriorClose: Int32Array,
  estimatedMinor: Float64Array,
  leadAt: Float64Array,
  leadPosition: Float64Array,
  closedAt: Float64Array,
  closedPosition: Float64Array,
  contractMinor: Float64Array,
  signedAt: Float64Array,
  signedRecordedAt: Float64Array,
  signedPosition: Float64Array,
  lastTouchAt: Float64Array,
  lastTouchPosition: Float64Array,
  lastContactAt: Float64Array,
} as const;
// Variable-length lists, one row per item, each linked to the deal's previous item.
export const ENTRY_COLUMNS = { stage: Int32Array, at: Float64Array, position: Float64Array, prev: Int32Array } as const;
export const OWNER_CHANGE_COLUMNS = { rep: Int32Array, at: Float64Array, prev: Int32Array } as const;
/** A close a reopen undid: when, how (status code), its event's position, the contract it had, the reason it was lost. */
export const PRIOR_CLOSE_COLUMNS = { at: Float64Array, prev: Int32Array, status: Uint8Array, position: Float64Array, contractMinor: Float64Array, lostReason: Int32Array } as const;

export const STATUSES: readonly DealStatus[] = ['open', 'won', 'lost'];
export const statusCode = (status: DealStatus): number => STATUSES.indexOf(status);
export const orNull = (value: number): number | null => (Number.isNaN(value) ? null : value);

/** The parts of the deal table a view reads. */
export type DealColumns = {
  readonly strings: Interned;
  readonly keys: KeyColumn;
  readonly titles: TextColumn;
  readonly customerIds: TextColumn;
  readonly rows: Columns<typeof DEAL_COLUMNS>;
  readonly entries: Columns<typeof ENTRY_COLUMNS>;
  readonly ownerChanges: Columns<typeof OWNER_CHANGE_COLUMNS>;
  readonly priorCloses: Columns<typeof PRIOR_CLOSE_COLUMNS>;
  readonly positions: PositionCodec;
};
