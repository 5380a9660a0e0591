import { ConcurrencyError, DuplicateEventIdError, InvalidAppendError } from './errors.js';
import { STREAM_ID_PATTERN, eventMetadataSchema, newEventSchema } from './port.js';
import type { ExpectedVersion, NewEvent } from './port.js';
import type { z } from 'zod';

const eventWithoutMetadataSchema = newEventSchema.omit({ metadata: true });

function firstIssue(error: z.ZodError, prefix: string): string {
  const issue = error.issues[0];
  return `${prefix}${issue && issue.path.length > 0 ? `.${issue.path.join('.')}` : ''}: ${issue?.message ?? 'invalid'}`;
}

/** Shape checks every adapter makes before touching storage, so a bad append stores nothing. */
export function validateAppend(streamId: string, events: readonly NewEvent[]): void {
  if (!STREAM_ID_PATTERN.test(streamId)) {
    throw new InvalidAppendError(`streamId "${streamId}" must look like "category-id" (e.g. deal-01J…)`);
  }
  if (events.length === 0) throw new InvalidAppendError(`append to ${streamId} has no events`);
  const seen = new Set<string>();
  // The events of one command usually share one metadata object: check each distinct one once.
  const checkedMetadata = new Set<unknown>();
  events.forEach((event, index) => {
    const parsed = eventWithoutMetadataSchema.safeParse(event);
    if (!parsed.success) throw new InvalidAppendError(firstIssue(parsed.error, `events[${index}]`));
    if (!checkedMetadata.has(event.metadata)) {
      const metadata = eventMetadataSchema.safeParse(event.metadata);
      if (!metadata.success) throw new InvalidAppendError(firstIssue(metadata.error, `events[${index}].metadata`));
      checkedMetadata.add(event.metadata);
    }
    if (seen.has(event.eventId)) {
      throw new InvalidAppendError(`events[${index}].eventId ${event.eventId} appears twice in one append`);
    }
    seen.add(event.eventId);
  });
}

/** Throws ConcurrencyError unless `current` (null: no stream) satisfies `expected`. */
export function checkExpectedVersion(streamId: string, expected: ExpectedVersion, current: number | null): void {
  const ok =
    expected === 'any' ||
    (expected === 'noStream' && current === null) ||
    (expected === 'streamExists' && current !== null) ||
    (typeof expected === 'number' && current === expected);
  if (!ok) throw new ConcurrencyError(streamId, expected, current);
}

export type StoredIdentity = { streamId: string; streamVersion: number };

/**
 * Decides whether an append whose ids are already stored is a retry of the same append.
 * `stored[i]` is where events[i]'s id is stored, if it is. A retry is all ids stored, in this
 * stream, at consecutive versions: it appends nothing and answers with the last one's version.
 * Returns that version, or null when none of the ids is stored (a fresh append).
 */
export function matchIdempotentRetry(
  streamId: string,
  events: readonly NewEvent[],
  stored: readonly (StoredIdentity | undefined)[],
): number | null {
  if (stored.every((s) => s === undefined)) return null;
  const first = stored[0];
  const isRetry =
    first !== undefined &&
    stored.every((s, i) => s !== undefined && s.streamId === streamId && s.streamVersion === first.streamVersion + i);
  if (!isRetry) {
    const clash = events.find((_, i) => stored[i] !== undefined);
    throw new DuplicateEventIdError(clash?.eventId ?? '', streamId);
  }
  return first.streamVersion + events.length - 1;
}
