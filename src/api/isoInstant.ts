const DAY_MS = 86_400_000;
const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

function two(n: number): string {
  return TWO_DIGITS[n] as string;
}

/**
 * `new Date(ms).toISOString()`, the same text, about three times as fast: a deal read formats five
 * or more instants, and `Date` took a third of the view's time. Days to a civil date follow Howard
 * Hinnant's `civil_from_days`. Years outside 0000–9999 (which need a sign) and non-integral or
 * invalid times are left to `Date`, which formats or refuses them as before.
 */
export function isoInstant(ms: number): string {
  const days = Math.floor(ms / DAY_MS);
  let rest = ms - days * DAY_MS;
  const shifted = days + 719_468;
  const era = Math.floor(shifted / 146_097);
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  if (!(year >= 0 && year <= 9999) || !Number.isInteger(ms)) return new Date(ms).toISOString();
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  return `${two(Math.floor(year / 100))}${two(year % 100)}-${two(month)}-${two(day)}T${two(hours)}:${two(minutes)}:${two(seconds)}.${THREE_DIGITS[rest - seconds * 1000] as string}Z`;
}

/** An instant that may be absent (null), as the views show it. */
export const isoOrNull = (ms: number | null): string | null => (ms === null ? null : isoInstant(ms));
