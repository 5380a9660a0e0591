import type { Position } from '../eventstore/port.js';
import { Columns } from './table/columns.js';
import type { Interned } from './table/interned.js';
import { PositionCodec } from './table/positions.js';
import type { CompactPosition } from './table/positions.js';
import { partText, textPart } from './table/segments.js';
import { KeyColumn, TextColumn } from './table/text.js';

export type { CompactPosition } from './table/positions.js';
export type StageEntry = { stageId: string; at: number; position: CompactPosition };
export type OwnerChange = { repId: string; at: number };
export type DealStatus = 'open' | 'won' | 'lost';

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
  readonly lastContactAt: number | null;
  readonly offers: number;
  readonly reopened: number;
  /** Closes before a reopen (null until a deal is reopened): they end the stage visit they closed. */
  readonly priorCloses: readonly number[] | null;
  /** Late entries among its events (recorded more than a day after they occurred). */
  readonly lateEntries: number;
};

// Interned string ids (-1: null), small counts, and times and amounts (NaN: null).
const DEAL_COLUMNS = {
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
  status: Uint8Array,
  corrected: Uint8Array,
  offers: Int32Array,
  reopened: Int32Array,
  lateEntries: Int32Array,
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
  lastContactAt: Float64Array,
} as const;
// Variable-length lists, one row per item, each linked to the deal's previous item.
const ENTRY_COLUMNS = { stage: Int32Array, at: Float64Array, position: Float64Array, prev: Int32Array } as const;
const OWNER_CHANGE_COLUMNS = { rep: Int32Array, at: Float64Array, prev: Int32Array } as const;
const PRIOR_CLOSE_COLUMNS = { at: Float64Array, prev: Int32Array } as const;

const STATUSES: readonly DealStatus[] = ['open', 'won', 'lost'];
export const statusCode = (status: DealStatus): number => STATUSES.indexOf(status);
const orNull = (value: number): number | null => (Number.isNaN(value) ? null : value);

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
  late: boolean;
};

/**
 * Every deal as columns: a deal costs a few hundred bytes and no object, and a snapshot of all of
 * them is restored by copying bytes. Reads go through views (`get`, `values`) that look like
 * records; only the sales projection writes, through the methods and columns below.
 */
export class DealTable {
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
    return row < 0 ? undefined : new DealView(this, row);
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
    c.status[row] = 0;
    c.closedAt[row] = c.closedPosition[row] = c.contractMinor[row] = Number.NaN;
    c.signedAt[row] = c.signedRecordedAt[row] = c.signedPosition[row] = Number.NaN;
    c.ownerAtSigning[row] = c.lostReason[row] = c.lostStage[row] = c.competitor[row] = -1;
  }

  /** A stage entered: the current stage, and one more entry. */
  enter(row: number, stageId: string, at: number, position: Position): void {
    const item = this.entries.add();
    const e = this.entries.cols;
    const c = this.rows.cols;
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
    o.rep[item] = c.owner[row] = this.strings.id(repId);
    o.at[item] = at;
    o.prev[item] = c.lastOwnerChange[row] as number;
    c.lastOwnerChange[row] = item;
  }

  /** Keeps the close a reopen undoes: it still ends the stage visit it closed. */
  keepPriorClose(row: number, at: number): void {
    const item = this.priorCloses.add();
    this.priorCloses.cols.at[item] = at;
    this.priorCloses.cols.prev[item] = this.rows.cols.lastPriorClose[row] as number;
    this.rows.cols.lastPriorClose[row] = item;
  }

  encode(): Uint8Array[] {
    return [
      textPart(this.positions.encode()),
      ...this.keys.encode(),
      ...this.titles.encode(),
      ...this.customerIds.encode(),
      ...this.rows.encode(),
      ...this.entries.encode(),
      ...this.ownerChanges.encode(),
      ...this.priorCloses.encode(),
    ];
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

/** One deal of a table, read when asked: valid while the table is not written to. */
class DealView implements DealRecord {
  #dealId: string | undefined;
  #entries: StageEntry[] | undefined;

  constructor(
    private readonly t: DealTable,
    private readonly row: number,
  ) {}

  private str(id: number): string {
    return this.t.strings.at(id);
  }
  private strOrNull(id: number): string | null {
    return this.t.strings.atOrNull(id);
  }
  private get c() {
    return this.t.rows.cols;
  }

  get dealId(): string {
    return (this.#dealId ??= this.t.keys.at(this.row));
  }
  get title(): string {
    return this.t.titles.at(this.row);
  }
  get pipelineId(): string {
    return this.str(this.c.pipeline[this.row] as number);
  }
  get customerId(): string {
    return this.t.customerIds.at(this.row);
  }
  get ownerAtLead(): string {
    return this.str(this.c.ownerAtLead[this.row] as number);
  }
  get owner(): string {
    return this.str(this.c.owner[this.row] as number);
  }
  get ownerChanges(): OwnerChange[] | null {
    const o = this.t.ownerChanges.cols;
    const changes: OwnerChange[] = [];
    for (let item = this.c.lastOwnerChange[this.row] as number; item >= 0; item = o.prev[item] as number) {
      changes.push({ repId: this.str(o.rep[item] as number), at: o.at[item] as number });
    }
    return changes.length === 0 ? null : changes.reverse();
  }
  get region(): string {
    return this.str(this.c.region[this.row] as number);
  }
  get productLine(): string {
    return this.str(this.c.productLine[this.row] as number);
  }
  get product(): string {
    return this.str(this.c.product[this.row] as number);
  }
  get channel(): string {
    return this.str(this.c.channel[this.row] as number);
  }
  get currency(): string {
    return this.str(this.c.currency[this.row] as number);
  }
  get estimatedMinor(): number {
    return this.c.estimatedMinor[this.row] as number;
  }
  get expectedCloseDate(): string {
    return this.str(this.c.expectedCloseDate[this.row] as number);
  }
  get forecastCategory(): string {
    return this.str(this.c.forecastCategory[this.row] as number);
  }
  get leadAt(): number {
    return this.c.leadAt[this.row] as number;
  }
  get leadPosition(): CompactPosition {
    return this.t.positions.read(this.c.leadPosition[this.row] as number) as CompactPosition;
  }
  get entries(): StageEntry[] {
    if (this.#entries) return this.#entries;
    const e = this.t.entries.cols;
    const list = new Array<StageEntry>(this.c.entryCount[this.row] as number);
    let i = list.length;
    for (let item = this.c.lastEntry[this.row] as number; item >= 0; item = e.prev[item] as number) {
      list[--i] = { stageId: this.str(e.stage[item] as number), at: e.at[item] as number, position: this.t.positions.read(e.position[item] as number) as CompactPosition };
    }
    return (this.#entries = list);
  }
  get status(): DealStatus {
    return STATUSES[this.c.status[this.row] as number] as DealStatus;
  }
  get stageId(): string {
    return this.str(this.c.stage[this.row] as number);
  }
  get closedAt(): number | null {
    return orNull(this.c.closedAt[this.row] as number);
  }
  get closedPosition(): CompactPosition | null {
    return this.t.positions.read(this.c.closedPosition[this.row] as number);
  }
  get contractMinor(): number | null {
    return orNull(this.c.contractMinor[this.row] as number);
  }
  get signedAt(): number | null {
    return orNull(this.c.signedAt[this.row] as number);
  }
  get signedRecordedAt(): number | null {
    return orNull(this.c.signedRecordedAt[this.row] as number);
  }
  get signedPosition(): CompactPosition | null {
    return this.t.positions.read(this.c.signedPosition[this.row] as number);
  }
  get ownerAtSigning(): string | null {
    return this.strOrNull(this.c.ownerAtSigning[this.row] as number);
  }
  get corrected(): boolean {
    return this.c.corrected[this.row] === 1;
  }
  get lostReason(): string | null {
    return this.strOrNull(this.c.lostReason[this.row] as number);
  }
  get lostStageId(): string | null {
    return this.strOrNull(this.c.lostStage[this.row] as number);
  }
  get competitor(): string | null {
    return this.strOrNull(this.c.competitor[this.row] as number);
  }
  get lastTouchAt(): number {
    return this.c.lastTouchAt[this.row] as number;
  }
  get lastContactAt(): number | null {
    return orNull(this.c.lastContactAt[this.row] as number);
  }
  get offers(): number {
    return this.c.offers[this.row] as number;
  }
  get reopened(): number {
    return this.c.reopened[this.row] as number;
  }
  get priorCloses(): number[] | null {
    const p = this.t.priorCloses.cols;
    const closes: number[] = [];
    for (let item = this.c.lastPriorClose[this.row] as number; item >= 0; item = p.prev[item] as number) closes.push(p.at[item] as number);
    return closes.length === 0 ? null : closes.reverse();
  }
  get lateEntries(): number {
    return this.c.lateEntries[this.row] as number;
  }

  /** Every field as a plain object: what JSON, logs and test diffs show. */
  toJSON(): DealRecord {
    const { dealId, pipelineId, customerId, title, ownerAtLead, owner, ownerChanges, region, productLine, product, channel, currency } = this;
    const { estimatedMinor, expectedCloseDate, forecastCategory, leadAt, leadPosition, entries, status, stageId, closedAt, closedPosition } = this;
    const { contractMinor, signedAt, signedRecordedAt, signedPosition, ownerAtSigning, corrected, lostReason, lostStageId, competitor } = this;
    const { lastTouchAt, lastContactAt, offers, reopened, priorCloses, lateEntries } = this;
    return {
      dealId, pipelineId, customerId, title, ownerAtLead, owner, ownerChanges, region, productLine, product, channel, currency,
      estimatedMinor, expectedCloseDate, forecastCategory, leadAt, leadPosition, entries, status, stageId, closedAt, closedPosition,
      contractMinor, signedAt, signedRecordedAt, signedPosition, ownerAtSigning, corrected, lostReason, lostStageId, competitor,
      lastTouchAt, lastContactAt, offers, reopened, priorCloses, lateEntries,
    };
  }
}
