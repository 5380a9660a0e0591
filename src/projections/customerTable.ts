import { Columns } from './table/columns.js';
import type { PartPatch } from './table/patches.js';
import type { Interned } from './table/interned.js';
import { KeyColumn, TextColumn } from './table/text.js';

/** A customer's profile as the sales views slice by it. */
export type CustomerFacts = {
  readonly customerId: string;
  readonly name: string;
  readonly segment: string;
  readonly region: string;
  readonly channel: string;
  readonly registeredAt: number;
};

const CUSTOMER_COLUMNS = { segment: Int32Array, region: Int32Array, channel: Int32Array, registeredAt: Float64Array } as const;

/** Customers' profiles as columns (see DealTable): restored by copying bytes, read through views. */
export class CustomerTable {
  constructor(
    readonly strings: Interned,
    readonly keys = new KeyColumn(),
    readonly names = new TextColumn(),
    readonly rows = new Columns(CUSTOMER_COLUMNS),
  ) {}

  get size(): number {
    return this.keys.size;
  }

  rowOf(customerId: string): number {
    return this.keys.find(customerId);
  }

  has(customerId: string): boolean {
    return this.keys.find(customerId) >= 0;
  }

  get(customerId: string): CustomerFacts | undefined {
    const row = this.keys.find(customerId);
    return row < 0 ? undefined : this.view(row);
  }

  /** The interned id of a customer's segment, or -1 for a customer not (yet) registered. */
  segmentIdOf(customerId: string): number {
    const row = this.keys.find(customerId);
    return row < 0 ? -1 : (this.rows.cols.segment[row] as number);
  }

  /** The segment of a customer, or null: what slicing by segment asks, without a view. */
  segmentOf(customerId: string): string | null {
    const row = this.keys.find(customerId);
    return row < 0 ? null : this.strings.at(this.rows.cols.segment[row] as number);
  }

  *values(): IterableIterator<CustomerFacts> {
    for (let row = 0; row < this.size; row++) yield this.view(row);
  }

  /** Every customer as a plain object, in the order they were registered. */
  toJSON(): CustomerFacts[] {
    return [...this.values()];
  }

  private view(row: number): CustomerFacts {
    const c = this.rows.cols;
    return {
      customerId: this.keys.at(row),
      name: this.names.at(row),
      segment: this.strings.at(c.segment[row] as number),
      region: this.strings.at(c.region[row] as number),
      channel: this.strings.at(c.channel[row] as number),
      registeredAt: c.registeredAt[row] as number,
    };
  }

  /** A registration: a new row. (A customer registers once: the customer decider refuses a second, so the name is written once.) */
  register(facts: CustomerFacts): void {
    const existing = this.keys.find(facts.customerId);
    const row = existing >= 0 ? existing : this.keys.add(facts.customerId);
    if (existing < 0) {
      this.names.push(facts.name);
      this.rows.add();
    }
    this.update(row, facts);
    this.rows.cols.registeredAt[row] = facts.registeredAt;
  }

  update(row: number, profile: Partial<Pick<CustomerFacts, 'segment' | 'region' | 'channel'>>): void {
    const c = this.rows.cols;
    this.rows.touch(row);
    if (profile.segment) c.segment[row] = this.strings.id(profile.segment);
    if (profile.region) c.region[row] = this.strings.id(profile.region);
    if (profile.channel) c.channel[row] = this.strings.id(profile.channel);
  }

  encode(): Uint8Array[] {
    return [...this.keys.encode(), ...this.names.encode(), ...this.rows.encode()];
  }

  markBase(): void {
    for (const part of [this.keys, this.names, this.rows]) part.markBase();
  }

  /** `encode`'s parts as patches on the base: rows touched or added, and the tails of the texts. */
  changes(): PartPatch[] {
    return [...this.keys.changes(), ...this.names.changes(), ...this.rows.changes()];
  }

  static readonly PARTS = 3 + 2 + Object.keys(CUSTOMER_COLUMNS).length;

  static decode(strings: Interned, parts: readonly Uint8Array[]): CustomerTable {
    if (parts.length !== CustomerTable.PARTS) throw new Error(`customer table snapshot has ${parts.length} parts, expected ${CustomerTable.PARTS}`);
    const [keyEnds, keyBytes, hashes, nameEnds, nameBytes] = parts as [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array];
    return new CustomerTable(strings, KeyColumn.decode(keyEnds, keyBytes, hashes), TextColumn.decode(nameEnds, nameBytes), Columns.decode(CUSTOMER_COLUMNS, parts.slice(5)));
  }
}
