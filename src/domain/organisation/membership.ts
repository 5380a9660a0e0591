import type { RepEvent } from './events.js';

/** A rep's time in a team, in epoch milliseconds: from joining (inclusive) to leaving (exclusive); `to` null while still in it. */
export type MembershipSpan = { teamId: string; from: number; to: number | null };

/** Extends a rep's membership history with one of its events (joins open a span, leaves close it). */
export function recordMembership(spans: MembershipSpan[], event: RepEvent, occurredAt: number): void {
  const open = spans[spans.length - 1];
  if (event.type === 'RepJoinedTeam') spans.push({ teamId: event.data.teamId, from: occurredAt, to: null });
  if (event.type === 'RepLeftTeam' && open && open.to === null) open.to = occurredAt;
}

/** The spans of a rep's team memberships, from the rep stream's events in order. */
export function membershipHistory(events: readonly { event: RepEvent; occurredAt: number }[]): MembershipSpan[] {
  const spans: MembershipSpan[] = [];
  for (const { event, occurredAt } of events) recordMembership(spans, event, occurredAt);
  return spans;
}

/** Which team the rep was in at `instant` (DESIGN.md §4: the team at signing gets the credit). */
export function teamAt(history: readonly MembershipSpan[], instant: number): string | null {
  const span = history.find((s) => s.from <= instant && (s.to === null || instant < s.to));
  return span?.teamId ?? null;
}
