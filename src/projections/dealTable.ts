import type { Position } from '../eventstore/port.js';
import { DEAL_COLUMNS, ENTRY_COLUMNS, OWNER_CHANGE_COLUMNS, PRIOR_CLOSE_COLUMNS } from './dealColumns.js';
import type { DealColumns } from './dealColumns.js';
import type { DealRecord } from './dealRecord.js';
import { DealView } from './dealView.js';
import { Columns } from './table/columns.js';
import type { Interned } from './table/interned.js';
import { PositionCodec } from './table/positions.js';
import { wholePatch } from './table/patches.js';
import type { PartPatch } from './table/patches.js';
import { partText, textPart } from './table/segments.js';
import { KeyColumn, TextColumn } from './table/text.js';

export { statusCode } from './dealColumns.js';
export type { CompactPosition, DealRecord, DealStatus, OwnerChange, StageEntry } from './dealRecord.js';

export type NewDeal = {
  dealId: string;
  title: string;
  pipelineId: string;
  customerId: string;
  ownerRepId: string;
  region: string;
  productLine: string;
  product: string;
  channel: string;
  currency: string;
  estimatedMinor: number;
  expectedCloseDate: string;
  stageId: string;
  at: number;
  position: Position;
  streamVersion: number;
  late: boolean;
};

/**
 * Every deal as columns: a deal costs a few hundred bytes and no object, and a snapshot of all of
 * them is restored by copying bytes. Reads go through views (`get`, `values`) that look like
 * records; only the sales projection writes, through the methods and columns below.
 */
export class DealTable implements DealColumns {
  constructor(
    readonly strings: Interned,
    readonly keys = new KeyColumn(),
    readonly titles = new TextColumn(),
    /** Customer ids as text, not interned: there are nearly as many as deals, and interning them would make restores slow. */
    readonly customerIds = new TextColumn(),
    readonly rows = new Columns(DEAL_COLUMNS),
    readonly entries = new Columns(ENTRY_COLUMNS),
    readonly ownerChanges = new Columns(OWNER_CHANGE_COLUMNS),
    readonly priorCloses = new Columns(PRIOR_CLOSE_COLUMNS),
    readonly positions = new PositionCodec(),
  ) {}

  get size(): number {
    return this.keys.size;
  }

  rowOf(dealId: string): number {
    return this.keys.find(dealId);
  }

  has(dealId: string): boolean {
    return this.keys.find(dealId) >= 0;
  }

  get(dealId: string): DealRecord | undefined {
    const row = this.keys.find(dealId);
    return row < 0 ? undefined : new DealView(this, row, dealId);
  }

  *values(): IterableIterator<DealRecord> {
    for (let row = 0; row < this.size; row++) yield new DealView(this, row);
  }

  /** Every deal as a plain object, in the order their leads were found. */
  toJSON(): DealRecord[] {
    return [...this.values()].map((deal) => (deal as DealView).toJSON());
  }

  /** A view of one row, for reads that walk rows and want a record for some. */
  view(row: number): DealRecord {
    return new DealView(this, row);
  }

  /** The entry rows of a deal's stage entries, oldest first, written into `items`; their count. */
  entryItems(row: number, items: number[]): number {
    const count = this.rows.cols.entryCount[row] as number;
    const prev = this.entries.cols.prev;
    let i = count;
    for (let item = this.rows.cols.lastEntry[row] as number; item >= 0; item = prev[item] as number) items[--i] = item;
    return count;
  }

  /** Who owned the deal at `at` (an interned id). */
  ownerAt(row: number, at: number): number {
    const o = this.ownerChanges.cols;
    // Changes are linked newest first: the first one at or before `at` is the owner then.
    for (let item = this.rows.cols.lastOwnerChange[row] as number; item >= 0; item = o.prev[item] as number) {
      if ((o.at[item] as number) <= at) return o.rep[item] as number;
    }
    return this.rows.cols.ownerAtLead[row] as number;
  }

  /** A lead: a new row. (A deal's stream starts with its only LeadFound: the deal decider refuses a second.) */
  lead(deal: NewDeal): number {
    const existing = this.keys.find(deal.dealId);
    const row = existing >= 0 ? existing : this.keys.add(deal.dealId);
    if (existing < 0) {
      this.titles.push(deal.title);
      this.customerIds.push(deal.customerId);
      this.rows.add();
    }
    const s = this.strings;
    const c = this.rows.cols;
    this.rows.touch(row);
    c.pipeline[row] = s.id(deal.pipelineId);
    c.ownerAtLead[row] = c.owner[row] = s.id(deal.ownerRepId);
    c.region[row] = s.id(deal.region);
    c.productLine[row] = s.id(deal.productLine);
    c.product[row] = s.id(deal.product);
    c.channel[row] = s.id(deal.channel);
    c.currency[row] = s.id(deal.currency);
    c.estimatedMinor[row] = deal.estimatedMinor;
    c.expectedCloseDate[row] = s.id(deal.expectedCloseDate);
    c.forecastCategory[row] = s.id('pipeline');
    c.leadAt[row] = deal.at;
    c.leadPosition[row] = this.positions.write(deal.position);
    c.corrected[row] = 0;
    c.lastTouchAt[row] = deal.at;
    c.lastTouchPosition[row] = c.leadPosition[row] as number;
    c.streamVersion[row] = deal.streamVersion;
    c.lastContactAt[row] = Number.NaN;
    c.offers[row] = c.reopened[row] = 0;
    c.lateEntries[row] = deal.late ? 1 : 0;
    c.entryCount[row] = 0;
    c.lastEntry[row] = c.lastOwnerChange[row] = c.lastPriorClose[row] = -1;
    this.open(row);
    this.enter(row, deal.stageId, deal.at, deal.position);
    return row;
  }

  /** Open again: what a deal holds while open, on a lead and on a reopen. */
  open(row: number): void {
    const c = this.rows.cols;
    this.rows.touch(row);
    c.status[row] = 0;
    c.closedAt[row] = c.closedPosition[row] = c.contractMinor[row] = Number.NaN;
    c.signedAt[row] = c.signedRecordedAt[row] = c.signedPosition[row] = Number.NaN;
    c.ownerAtSigning[row] = c.segmentAtSigning[row] = c.lostReason[row] = c.lostStage[row] = c.competitor[row] = -1;
  }

  /** A stage entered: the current stage, and one more entry. */
  enter(row: number, stageId: string, at: number, position: Position): void {
    const item = this.entries.add();
    const e = this.entries.cols;
    const c = this.rows.cols;
    this.rows.touch(row);
    e.stage[item] = c.stage[row] = this.strings.id(stageId);
    e.at[item] = at;
    e.position[item] = this.positions.write(position);
    e.prev[item] = c.lastEntry[row] as number;
    c.lastEntry[row] = item;
    c.entryCount[row] = (c.entryCount[row] as number) + 1;
  }

  reassign(row: number, repId: string, at: number): void {
    const item = this.ownerChanges.add();
    const o = this.ownerChanges.cols;
    const c = this.rows.cols;
    this.rows.touch(row);
    o.rep[item] = c.owner[row] = this.strings.id(repId);
    o.at[item] = at;
    o.prev[item] = c.lastOwnerChange[row] as number;
    c.lastOwnerChange[row] = item;
  }

  /**
   * Keeps the close a reopen undoes, before the reopen clears it: it still ends the stage visit it
   * closed, and it is still a closing of its moment (a flow funnel's, a window's performance).
   */
  keepPriorClose(row: number): void {
    const c = this.rows.cols;
    if (Number.isNaN(c.closedAt[row] as number)) return;
    const item = this.priorCloses.add();
    const p = this.priorCloses.cols;
    this.rows.touch(row);
    p.at[item] = c.closedAt[row] as number;
    p.status[item] = c.status[row] as number;
    p.position[item] = c.closedPosition[row] as number;
    p.contractMinor[item] = c.contractMinor[row] as number;
    p.lostReason[item] = c.lostReason[row] as number;
    p.prev[item] = c.lastPriorClose[row] as number;
    c.lastPriorClose[row] = item;
  }

  /** The columns a snapshot holds after the positions, in their order. */
  private get parts() {
    return [this.keys, this.titles, this.customerIds, this.rows, this.entries, this.ownerChanges, this.priorCloses] as const;
  }

  encode(): Uint8Array[] {
    return [textPart(this.positions.encode()), ...this.parts.flatMap((part) => part.encode())];
  }

  /** Starts a new base for `changes` (see Columns.markBase). */
  markBase(): void {
    for (const part of this.parts) part.markBase();
  }

  /**
   * `encode`'s parts as patches on the base: deal rows touched or added, and the tails of the
   * rest, which only grow (the item lists link each new item to the previous one, never back).
   */
  changes(): PartPatch[] {
    return [wholePatch(textPart(this.positions.encode())), ...this.parts.flatMap((part) => part.changes())];
  }

  static readonly PARTS =
    1 + 3 + 2 + 2 + Object.keys(DEAL_COLUMNS).length + Object.keys(ENTRY_COLUMNS).length + Object.keys(OWNER_CHANGE_COLUMNS).length + Object.keys(PRIOR_CLOSE_COLUMNS).length;

  static decode(strings: Interned, parts: readonly Uint8Array[]): DealTable {
    if (parts.length !== DealTable.PARTS) throw new Error(`deal table snapshot has ${parts.length} parts, expected ${DealTable.PARTS}`);
    let at = 0;
    const take = (n: number) => parts.slice(at, (at += n));
    const [positions, keyEnds, keyBytes, hashes, titleEnds, titleBytes, customerEnds, customerBytes] = take(8) as Uint8Array[] as [
      Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array,
    ];
    return new DealTable(
      strings,
      KeyColumn.decode(keyEnds, keyBytes, hashes),
      TextColumn.decode(titleEnds, titleBytes),
      TextColumn.decode(customerEnds, customerBytes),
      Columns.decode(DEAL_COLUMNS, take(Object.keys(DEAL_COLUMNS).length)),
      Columns.decode(ENTRY_COLUMNS, take(Object.keys(ENTRY_COLUMNS).length)),
      Columns.decode(OWNER_CHANGE_COLUMNS, take(Object.keys(OWNER_CHANGE_COLUMNS).length)),
      Columns.decode(PRIOR_CLOSE_COLUMNS, take(Object.keys(PRIOR_CLOSE_COLUMNS).length)),
      PositionCodec.decode(partText(positions)),
    );
  }
}

