export const DAY_MS = 86_400_000;

export function mean(values: ArrayLike<number>): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] as number;
  return sum / values.length;
}

/** Numbers collected one by one into a growing typed array: no boxed number, no garbage per value. */
export class Samples {
  private values = new Float64Array(16);
  length = 0;

  push(value: number): void {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }

  /** The values collected, as a view (valid until the next push). */
  view(): Float64Array {
    return this.values.subarray(0, this.length);
  }
}

/** The middle value; the mean of the two middle ones for an even count. */
export function median(values: ArrayLike<number>): number | null {
  if (values.length === 0) return null;
  // Selection rather than a sort: linear, which matters over the hundreds of thousands of stage visits of a large funnel.
  const a = Float64Array.from(values);
  const mid = a.length >> 1;
  const upper = select(a, mid);
  if (a.length % 2 === 1) return upper;
  let lower = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < mid; i++) if ((a[i] as number) > lower) lower = a[i] as number;
  return (lower + upper) / 2;
}

/** Puts the k-th smallest value at index k, the smaller ones before it, and returns it (Hoare's quickselect). */
function select(a: Float64Array, k: number): number {
  let left = 0;
  let right = a.length - 1;
  while (left < right) {
    const pivot = a[(left + right) >> 1] as number;
    let i = left;
    let j = right;
    while (i <= j) {
      while ((a[i] as number) < pivot) i++;
      while ((a[j] as number) > pivot) j--;
      if (i <= j) {
        const t = a[i] as number;
        a[i++] = a[j] as number;
        a[j--] = t;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return a[k] as number;
}

export const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);

/** Rounds for reporting: figures keep 4 decimals, so a reader's pencil arithmetic matches. */
export const round = (value: number | null, decimals = 4): number | null =>
  value === null ? null : Math.round(value * 10 ** decimals) / 10 ** decimals;

export function addTo(totals: Record<string, number>, key: string, amount: number): void {
  totals[key] = (totals[key] ?? 0) + amount;
}

export function monthOf(at: number): string {
  return new Date(at).toISOString().slice(0, 7);
}

export function quarterOf(at: number): string {
  const d = new Date(at);
  return `${d.getUTCFullYear()}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
}
