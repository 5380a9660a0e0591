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

  constructor(
    private readonly spec: S,
    capacity = 256,
  ) {
    this.capacity = capacity;
    this.cols = Columns.allocate(spec, capacity);
  }

  private static allocate<S extends ColumnSpec>(spec: S, capacity: number): ColumnsOf<S> {
    const cols: Record<string, Float64Array | Int32Array | Uint32Array | Uint8Array> = {};
    for (const [name, type] of Object.entries(spec)) cols[name] = new type(capacity);
    return cols as ColumnsOf<S>;
  }

  /** A new row, every column zero; the caller sets what it holds. */
  add(): number {
    if (this.size === this.capacity) {
      this.capacity *= 2;
      const grown = Columns.allocate(this.spec, this.capacity);
      for (const name of Object.keys(this.spec) as (keyof S)[]) grown[name].set(this.cols[name]);
      this.cols = grown;
    }
    return this.size++;
  }

  /** The used part of every column, in the spec's order. */
  encode(): Uint8Array[] {
    return (Object.keys(this.spec) as (keyof S)[]).map((name) => {
      const col = this.cols[name];
      return new Uint8Array(col.buffer, col.byteOffset, this.size * col.BYTES_PER_ELEMENT);
    });
  }

  /** Columns from `encode`'s parts, each part in an ArrayBuffer of its own (aligned). */
  static decode<S extends ColumnSpec>(spec: S, parts: readonly Uint8Array[]): Columns<S> {
    const names = Object.keys(spec) as (keyof S & string)[];
    const first = parts[0];
    const type = spec[names[0] as keyof S];
    const size = first && type ? first.byteLength / type.BYTES_PER_ELEMENT : 0;
    const table = new Columns(spec, Math.max(256, size));
    names.forEach((name, i) => {
      const part = parts[i];
      const ctor = spec[name];
      if (!part || !ctor) throw new Error(`snapshot is missing column ${name}`);
      table.cols[name].set(new ctor(part.buffer as ArrayBuffer, part.byteOffset, part.byteLength / ctor.BYTES_PER_ELEMENT) as never);
    });
    table.size = size;
    return table;
  }
}
