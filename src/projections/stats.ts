export const DAY_MS = 86_400_000;

export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** The middle value; the mean of the two middle ones for an even count. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
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
