import { refuse } from '../errors.js';

export type TimePolicy = { maxClockSkewMs: number };

export const DEFAULT_TIME_POLICY: TimePolicy = { maxClockSkewMs: 5 * 60_000 };

/**
 * The business-time rule of every stream (DESIGN.md §2): occurredAt never precedes the stream's
 * previous event, and is never in the future beyond a small clock skew.
 */
export function checkOccurredAt(
  occurredAt: Date,
  previousOccurredAt: Date | null,
  now: Date,
  policy: TimePolicy = DEFAULT_TIME_POLICY,
): void {
  if (previousOccurredAt && occurredAt < previousOccurredAt) {
    refuse('OCCURRED_BEFORE_PREVIOUS_EVENT', `${occurredAt.toISOString()} is before ${previousOccurredAt.toISOString()}`);
  }
  if (occurredAt.getTime() > now.getTime() + policy.maxClockSkewMs) {
    refuse('OCCURRED_IN_FUTURE', `${occurredAt.toISOString()} is after ${now.toISOString()} (+${policy.maxClockSkewMs} ms allowed)`);
  }
}
