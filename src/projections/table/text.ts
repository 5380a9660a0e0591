import { adopt } from './columns.js';
import { tailPatch } from './patches.js';
import type { PartPatch } from './patches.js';

/**
 * Strings of one kind per row (ids, titles, names) in one UTF-8 byte buffer: off the heap, and
 * restored by copying bytes. Read back one at a time, only when a query needs them.
 */
export class TextColumn {
  private bytes: Buffer;
  private ends: Uint32Array;
  size = 0;
  private baseSize = 0;
  private baseUsed = 0;

  constructor(capacity = 256) {
    this.bytes = Buffer.allocUnsafe(capacity * 32);
    this.ends = new Uint32Array(capacity);
  }

  private get used(): number {
    return this.size === 0 ? 0 : (this.ends[this.size - 1] as number);
  }

  push(text: string): number {
    const start = this.used;
    const length = Buffer.byteLength(text);
    if (start + length > this.bytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(4096, this.bytes.length * 2, start + length));
      this.bytes.copy(grown, 0, 0, start);
      this.bytes = grown;
    }
    if (this.size === this.ends.length) {
      const grown = new Uint32Array(Math.max(256, this.ends.length * 2));
      grown.set(this.ends);
      this.ends = grown;
    }
    this.bytes.write(text, start, 'utf8');
    this.ends[this.size] = start + length;
    return this.size++;
  }

  at(row: number): string {
    const start = row === 0 ? 0 : (this.ends[row - 1] as number);
    return this.bytes.toString('utf8', start, this.ends[row]);
  }

  encode(): Uint8Array[] {
    return [new Uint8Array(this.ends.buffer, this.ends.byteOffset, this.size * 4), new Uint8Array(this.bytes.buffer, this.bytes.byteOffset, this.used)];
  }

  /** Starts a new base for `changes`. */
  markBase(): void {
    this.baseSize = this.size;
    this.baseUsed = this.used;
  }

  /** What was appended since the base: texts are written once, never in place. */
  changes(): PartPatch[] {
    const [ends, bytes] = this.encode() as [Uint8Array, Uint8Array];
    return [tailPatch(ends, this.baseSize * 4), tailPatch(bytes, this.baseUsed)];
  }

  /** A column from `encode`'s parts, taking their buffers as `Columns.decode` does. */
  static decode(ends: Uint8Array, bytes: Uint8Array): TextColumn {
    const column = new TextColumn(0);
    column.ends = adopt(Uint32Array, ends);
    const own = adopt(Uint8Array, bytes);
    column.bytes = Buffer.from(own.buffer, own.byteOffset, own.byteLength);
    column.size = ends.byteLength / 4;
    return column;
  }
}

/** FNV-1a over UTF-16 code units: cheap, and good enough to spread ids over a table. */
export function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/**
 * Unique keys per row (deal ids, customer ids) with a lookup by key: an open-addressing hash
 * table over the rows' stored hashes, so restoring it reads no string.
 */
export class KeyColumn {
  readonly text: TextColumn;
  private hashes: Uint32Array;
  private slots: Int32Array;
  private baseSize = 0;

  constructor(text = new TextColumn(), hashes?: Uint32Array) {
    this.text = text;
    this.hashes = new Uint32Array(Math.max(256, text.size));
    if (hashes) this.hashes.set(hashes);
    this.slots = new Int32Array(0);
    this.reindex(Math.max(512, 2 * text.size));
  }

  get size(): number {
    return this.text.size;
  }

  private reindex(slotCount: number): void {
    let capacity = 512;
    while (capacity < slotCount) capacity *= 2;
    this.slots = new Int32Array(capacity);
    for (let row = 0; row < this.text.size; row++) this.place(row, this.hashes[row] as number);
  }

  private place(row: number, hash: number): void {
    const mask = this.slots.length - 1;
    let i = hash & mask;
    while (this.slots[i] !== 0) i = (i + 1) & mask;
    this.slots[i] = row + 1;
  }

  /** The row of `key`, or -1. */
  find(key: string): number {
    const hash = hashOf(key);
    const mask = this.slots.length - 1;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const slot = this.slots[i] as number;
      if (slot === 0) return -1;
      if (this.hashes[slot - 1] === hash && this.text.at(slot - 1) === key) return slot - 1;
    }
  }

  /** Adds a key not yet present; its row. */
  add(key: string): number {
    const hash = hashOf(key);
    const row = this.text.push(key);
    if (row === this.hashes.length) {
      const grown = new Uint32Array(this.hashes.length * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[row] = hash;
    if (2 * this.text.size > this.slots.length) this.reindex(4 * this.text.size);
    else this.place(row, hash);
    return row;
  }

  at(row: number): string {
    return this.text.at(row);
  }

  encode(): Uint8Array[] {
    return [...this.text.encode(), new Uint8Array(this.hashes.buffer, this.hashes.byteOffset, this.size * 4)];
  }

  markBase(): void {
    this.text.markBase();
    this.baseSize = this.size;
  }

  changes(): PartPatch[] {
    const hashes = new Uint8Array(this.hashes.buffer, this.hashes.byteOffset, this.size * 4);
    return [...this.text.changes(), tailPatch(hashes, this.baseSize * 4)];
  }

  static decode(ends: Uint8Array, bytes: Uint8Array, hashes: Uint8Array): KeyColumn {
    return new KeyColumn(TextColumn.decode(ends, bytes), new Uint32Array(hashes.buffer, hashes.byteOffset, hashes.byteLength / 4));
  }
}
