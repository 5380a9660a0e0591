import type { PartPatch } from './patches.js';

// Rows per dirty flag: 8 rows of the deal table are about 1.6 KB. Measured at a million events, flags per 8 rows
// made deltas 20–40 % smaller than flags per 64 (1.3 against 2.2 MB after 2,500 events).
const BLOCK_BITS = 3;
// Ranges a delta holds per column, at most. Each costs every column a view, a header entry and a copy: under
// offers on 20,000 random deals of 100,000, deltas of some 12,000 ranges took 22–45 ms to encode on the event loop,
// where the whole 30 MB state took 3. Capped at 1,024, the event loop's p99.9 delay fell from 70–100 to 33–36 ms and
// offers/s rose 5 %, the deltas growing from 4–14 to 6–16 MB; at 256 the delay was 26–30 ms, but the deltas (11–19 MB)
// cost their writing thread half as much again and the offers gained nothing. The generated history's deltas
// (1–2 MB at a million events, their touched rows close together) stay as they were. Packed without a view per
// range since (packPatches), a range costs about 100 ns and a MB 0.45 ms: at 4,096 the deltas after 2,500 random
// offers shrank from 7 to 4 MB, but took 9 ms to pack against 6.
const MAX_RANGES = 1024;

/**
 * Joins the spans across their narrowest gaps until at most `max` are left. The clean rows of a gap
 * hold the base's bytes, so writing them over the base changes nothing: it only costs bytes.
 */
function joinNarrowestGaps(spans: [number, number][], max: number): [number, number][] {
  if (spans.length <= max) return spans;
  const gaps = spans.slice(1).map(([start], i) => start - (spans[i] as [number, number])[1]);
  const widest = [...gaps].sort((a, b) => a - b)[spans.length - max - 1] as number;
  const joined: [number, number][] = [spans[0] as [number, number]];
  spans.slice(1).forEach((span, i) => {
    const last = joined[joined.length - 1] as [number, number];
    if ((gaps[i] as number) <= widest) last[1] = span[1];
    else joined.push(span);
  });
  return joined;
}

type ColumnType = Float64ArrayConstructor | Int32ArrayConstructor | Uint32ArrayConstructor | Uint8ArrayConstructor;
export type ColumnSpec = Readonly<Record<string, ColumnType>>;
export type ColumnsOf<S extends ColumnSpec> = { -readonly [K in keyof S]: InstanceType<S[K]> };

/**
 * Rows as typed-array columns that grow by doubling. Off the JavaScript heap and free of
 * per-row objects, so a state of a million rows costs no garbage collection, and a snapshot of it
 * is a copy of bytes rather than the creation of objects.
 */
export class Columns<S extends ColumnSpec> {
  size = 0;
  cols: ColumnsOf<S>;
  private capacity: number;
  /** Rows at the last base (`markBase`): rows past it are new; rows before it are changed only if touched. */
  private base = 0;
  /** One flag per block of base rows, set when a row of it was written: what a delta snapshot holds. */
  private dirty = new Uint8Array(0);

  constructor(
    private readonly spec: S,
    capacity = 256,
    cols?: ColumnsOf<S>,
  ) {
    this.capacity = capacity;
    this.cols = cols ?? Columns.allocate(spec, capacity);
  }

  private static allocate<S extends ColumnSpec>(spec: S, capacity: number): ColumnsOf<S> {
    // Built in one go: V8 turns an object that gets 35 properties by keyed stores into a hash table,
    // and then every column read of every row is a hash lookup (measured: funnels 1.5–2× slower).
    return Object.fromEntries(Object.entries(spec).map(([name, type]) => [name, new type(capacity)])) as ColumnsOf<S>;
  }

  /** A new row, every column zero; the caller sets what it holds. */
  add(): number {
    if (this.size === this.capacity) {
      this.capacity = Math.max(256, this.capacity * 2);
      const grown = Columns.allocate(this.spec, this.capacity);
      for (const name of Object.keys(this.spec) as (keyof S)[]) grown[name].set(this.cols[name]);
      this.cols = grown;
    }
    return this.size++;
  }

  /**
   * Marks a row written. Writers of rows that already existed must call it (new rows need not):
   * a delta snapshot holds the touched rows and nothing else of the base.
   */
  touch(row: number): void {
    if (row < this.base) this.dirty[row >>> BLOCK_BITS] = 1;
  }

  /** Starts a new base for `changes`: the rows as they are now. */
  markBase(): void {
    this.base = this.size;
    this.dirty = new Uint8Array((this.size >>> BLOCK_BITS) + 1);
  }

  /** Per column, in the spec's order: the touched blocks of base rows and the rows added since the base. */
  changes(): PartPatch[] {
    let spans: [number, number][] = [];
    for (let block = 0; block < this.dirty.length; block++) {
      if (this.dirty[block] === 0) continue;
      const start = block << BLOCK_BITS;
      const end = Math.min(this.base, (block + 1) << BLOCK_BITS);
      const last = spans[spans.length - 1];
      if (last && last[1] === start) last[1] = end;
      else spans.push([start, end]);
    }
    spans = joinNarrowestGaps(spans, MAX_RANGES);
    if (this.size > this.base) {
      const last = spans[spans.length - 1];
      if (last && last[1] === this.base) last[1] = this.size;
      else spans.push([this.base, this.size]);
    }
    // The columns of one width share their byte ranges.
    const rangesOf = new Map<number, (readonly [number, number])[]>();
    return (Object.keys(this.spec) as (keyof S)[]).map((name) => {
      const col = this.cols[name];
      const width = col.BYTES_PER_ELEMENT;
      const bytes = new Uint8Array(col.buffer, col.byteOffset, this.size * width);
      let ranges = rangesOf.get(width);
      if (!ranges) rangesOf.set(width, (ranges = spans.map(([start, end]) => [start * width, end * width] as const)));
      return { length: bytes.byteLength, bytes, ranges };
    });
  }

  /** The used part of every column, in the spec's order. */
  encode(): Uint8Array[] {
    return (Object.keys(this.spec) as (keyof S)[]).map((name) => {
      const col = this.cols[name];
      return new Uint8Array(col.buffer, col.byteOffset, this.size * col.BYTES_PER_ELEMENT);
    });
  }

  /**
   * Columns from `encode`'s parts. Each part's buffer is taken, room included, not copied: the
   * parts must be the caller's own, as `unpackSegments` and `applyPatches` give them.
   */
  static decode<S extends ColumnSpec>(spec: S, parts: readonly Uint8Array[]): Columns<S> {
    const names = Object.keys(spec) as (keyof S & string)[];
    let size = Number.POSITIVE_INFINITY;
    let capacity = Number.POSITIVE_INFINITY;
    const cols = Object.fromEntries(
      names.map((name, i) => {
        const part = parts[i];
        const ctor = spec[name];
        if (!part || !ctor) throw new Error(`snapshot is missing column ${name}`);
        const col = adopt(ctor, part);
        size = Math.min(size, part.byteLength / ctor.BYTES_PER_ELEMENT);
        capacity = Math.min(capacity, col.length);
        return [name, col];
      }),
    ) as ColumnsOf<S>;
    const table = new Columns(spec, capacity, cols);
    table.size = Number.isFinite(size) ? size : 0;
    return table;
  }
}

/**
 * A typed array over a part's bytes and the room after them, without a copy when the part starts
 * its own buffer; a copy otherwise (a part inside a larger buffer may be misaligned, or shared).
 */
export function adopt<C extends ColumnType>(ctor: C, part: Uint8Array): InstanceType<C> {
  const width = ctor.BYTES_PER_ELEMENT;
  if (part.byteOffset === 0 && part.buffer instanceof ArrayBuffer) return new ctor(part.buffer, 0, Math.floor(part.buffer.byteLength / width)) as InstanceType<C>;
  const copy = new ctor(Math.ceil(part.byteLength / width)) as InstanceType<C>;
  new Uint8Array(copy.buffer).set(part);
  return copy;
}
