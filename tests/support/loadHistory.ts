import { ulid } from 'ulid';
import type { EventStore, Position } from '../../src/eventstore/port.js';
import type { ProjectedEvent } from '../../src/projections/events.js';

/**
 * Appends hand-built events to a real store, one append each, with the store's clock set to each
 * event's recording time (so `recordedAt` is what the history says). Returns the stored positions.
 */
export async function loadHistory(store: EventStore, setClock: (at: Date) => void, events: readonly ProjectedEvent[]): Promise<Position[]> {
  const positions: Position[] = [];
  const versions = new Map<string, number>();
  for (const event of events) {
    setClock(new Date(event.recordedAt));
    const version = versions.get(event.streamId);
    const result = await store.appendToStream(
      event.streamId,
      [
        {
          eventId: ulid(),
          type: event.type,
          data: event.data as Record<string, unknown>,
          metadata: {
            occurredAt: new Date(event.occurredAt).toISOString(),
            actor: event.actor,
            correlationId: event.correlationId,
            causationId: event.causationId,
            schemaVersion: event.type === 'CustomerRegistered' ? 2 : 1,
          },
        },
      ],
      { expectedVersion: version === undefined ? 'noStream' : version },
    );
    versions.set(event.streamId, result.nextExpectedVersion);
    positions.push(result.position);
  }
  return positions;
}
