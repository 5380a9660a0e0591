import { z } from 'zod';

/** A target period: a year `2026`, a quarter `2026-Q3` or a month `2026-07`, in UTC. */
export const periodSchema = z
  .string()
  .regex(/^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$/, 'must be a year (2026), a quarter (2026-Q3) or a month (2026-07)');
export type Period = z.infer<typeof periodSchema>;

export type PeriodRange = { start: Date; end: Date };

/** The half-open interval [start, end) a period covers. */
export function periodRange(period: Period): PeriodRange {
  const year = Number(period.slice(0, 4));
  const quarter = /-Q([1-4])$/.exec(period);
  const month = /-(\d{2})$/.exec(period);
  if (quarter?.[1]) {
    const first = (Number(quarter[1]) - 1) * 3;
    return { start: new Date(Date.UTC(year, first, 1)), end: new Date(Date.UTC(year, first + 3, 1)) };
  }
  if (month?.[1]) {
    const m = Number(month[1]) - 1;
    return { start: new Date(Date.UTC(year, m, 1)), end: new Date(Date.UTC(year, m + 1, 1)) };
  }
  return { start: new Date(Date.UTC(year, 0, 1)), end: new Date(Date.UTC(year + 1, 0, 1)) };
}

export function periodContains(outer: Period, inner: Period): boolean {
  const a = periodRange(outer);
  const b = periodRange(inner);
  return a.start <= b.start && b.end <= a.end;
}

