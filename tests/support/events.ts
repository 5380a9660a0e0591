import { ulid } from 'ulid';
import type { JsonObject, NewEvent } from '../../src/eventstore/port.js';

/** A well-formed event to append; tests vary only what they are about. */
export function anEvent(type = 'SomethingHappened', data: JsonObject = {}, overrides: Partial<NewEvent> = {}): NewEvent {
  return {
    eventId: ulid(),
    type,
    data,
    metadata: {
      occurredAt: '2026-07-01T09:00:00.000Z',
      actor: 'rep-test',
      correlationId: 'corr-test',
      causationId: 'cause-test',
      schemaVersion: 1,
    },
    ...overrides,
  };
}

export function someEvents(count: number, type = 'SomethingHappened'): NewEvent[] {
  return Array.from({ length: count }, (_, i) => anEvent(type, { index: i }));
}

/** A category no other test uses, so reads of the whole log can be scoped to one test. */
export function aCategory(): string {
  return `c${ulid().toLowerCase()}`;
}

export function aStream(category = aCategory()): string {
  return `${category}-${ulid()}`;
}
