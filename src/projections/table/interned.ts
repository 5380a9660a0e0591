/**
 * One copy of each repeated string (stage and rep ids, regions, channels…), referred to by a
 * number in columns. -1 stands for null.
 */
export class Interned {
  private ids: Map<string, number> | null;

  constructor(private readonly values: string[] = []) {
    this.ids = values.length === 0 ? new Map() : null;
  }

  id(value: string): number {
    // Built on first use after a restore: a time-travel query that only reads never needs it.
    this.ids ??= new Map(this.values.map((v, i) => [v, i]));
    const known = this.ids.get(value);
    if (known !== undefined) return known;
    this.ids.set(value, this.values.length);
    return this.values.push(value) - 1;
  }

  /** The id of a string already known, or -1: for reads, which must not add to the table. */
  find(value: string): number {
    this.ids ??= new Map(this.values.map((v, i) => [v, i]));
    return this.ids.get(value) ?? -1;
  }

  idOrNull(value: string | null): number {
    return value === null ? -1 : this.id(value);
  }

  at(id: number): string {
    return this.values[id] as string;
  }

  atOrNull(id: number): string | null {
    return id < 0 ? null : (this.values[id] as string);
  }

  get size(): number {
    return this.values.length;
  }

  toJSON(): readonly string[] {
    return this.values;
  }

  encode(): string {
    return JSON.stringify(this.values);
  }

  static decode(json: string): Interned {
    return new Interned(JSON.parse(json) as string[]);
  }
}
