import { STATUSES, orNull } from './dealColumns.js';
import type { DealColumns } from './dealColumns.js';
import type { CompactPosition, DealRecord, DealStatus, OwnerChange, PriorClose, StageEntry } from './dealRecord.js';

/** One deal of a table, read when asked: valid while the table is not written to. */
export class DealView implements DealRecord {
  #dealId: string | undefined;
  #entries: StageEntry[] | undefined;

  /** `dealId`, when the caller found the row by it: the id is then not read back from its text column. */
  constructor(
    private readonly t: DealColumns,
    private readonly row: number,
    dealId?: string,
  ) {
    this.#dealId = dealId;
  }

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
  get segmentAtSigning(): string | null {
    return this.strOrNull(this.c.segmentAtSigning[this.row] as number);
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
  get streamVersion(): number {
    return this.c.streamVersion[this.row] as number;
  }
  get lastTouchPosition(): CompactPosition {
    return this.t.positions.read(this.c.lastTouchPosition[this.row] as number) as CompactPosition;
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
  get priorCloses(): PriorClose[] | null {
    const p = this.t.priorCloses.cols;
    const closes: PriorClose[] = [];
    for (let item = this.c.lastPriorClose[this.row] as number; item >= 0; item = p.prev[item] as number) {
      closes.push({
        at: p.at[item] as number,
        status: STATUSES[p.status[item] as number] === 'won' ? 'won' : 'lost',
        position: this.t.positions.read(p.position[item] as number),
        contractMinor: orNull(p.contractMinor[item] as number),
        lostReason: this.strOrNull(p.lostReason[item] as number),
      });
    }
    return closes.length === 0 ? null : closes.reverse();
  }
  get lateEntries(): number {
    return this.c.lateEntries[this.row] as number;
  }

  /** Every field as a plain object: what JSON, logs and test diffs show. */
  toJSON(): DealRecord {
    const { dealId, pipelineId, customerId, title, ownerAtLead, owner, ownerChanges, region, productLine, product, channel, currency } = this;
    const { estimatedMinor, expectedCloseDate, forecastCategory, leadAt, leadPosition, entries, status, stageId, closedAt, closedPosition } = this;
    const { contractMinor, signedAt, signedRecordedAt, signedPosition, ownerAtSigning, segmentAtSigning, corrected, lostReason, lostStageId, competitor } = this;
    const { lastTouchAt, lastTouchPosition, lastContactAt, offers, reopened, priorCloses, lateEntries, streamVersion } = this;
    return {
      dealId, pipelineId, customerId, title, ownerAtLead, owner, ownerChanges, region, productLine, product, channel, currency,
      estimatedMinor, expectedCloseDate, forecastCategory, leadAt, leadPosition, entries, status, stageId, closedAt, closedPosition,
      contractMinor, signedAt, signedRecordedAt, signedPosition, ownerAtSigning, segmentAtSigning, corrected, lostReason, lostStageId, competitor,
      lastTouchAt, lastTouchPosition, lastContactAt, offers, reopened, priorCloses, lateEntries, streamVersion,
    };
  }
}
