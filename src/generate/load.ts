import { newUlid } from '../application/ids.js';
import { currentSchemaVersion } from '../domain/upcasting.js';
import type { EventStore, NewEvent } from '../eventstore/port.js';
import type { PlannedEvent } from './history.js';

export type LoadOptions = {
  /** Sets the store's clock: each chunk is recorded at its last event's planned recording time. */
  setClock: (at: Date) => void;
  /** Events per chunk; the appends of a chunk go to the store together (one group commit). */
  chunk?: number;
  onProgress?: (loaded: number) => void;
};

/**
 * Appends a planned history to a store in recording order. Within a chunk, each stream's events go
 * in one append with its expected version, and the chunk's appends are issued together.
 */
export async function loadPlannedHistory(store: EventStore, history: readonly PlannedEvent[], options: LoadOptions): Promise<number> {
  const chunkSize = options.chunk ?? 2000;
  const versions = new Map<string, number>();
  for (let start = 0; start < history.length; start += chunkSize) {
    const chunk = history.slice(start, start + chunkSize);
    options.setClock(new Date((chunk[chunk.length - 1] as PlannedEvent).recordedAt));
    const byStream = new Map<string, NewEvent[]>();
    for (const planned of chunk) {
      const events = byStream.get(planned.streamId) ?? [];
      events.push({
        eventId: newUlid(),
        type: planned.event.type,
        data: planned.event.data as Record<string, unknown>,
        metadata: {
          occurredAt: new Date(planned.occurredAt).toISOString(),
          actor: 'generator',
          correlationId: planned.streamId,
          causationId: planned.streamId,
          schemaVersion: currentSchemaVersion(planned.event.type),
        },
      });
      byStream.set(planned.streamId, events);
    }
    await Promise.all(
      [...byStream].map(async ([streamId, events]) => {
        const version = versions.get(streamId);
        const result = await store.appendToStream(streamId, events, { expectedVersion: version === undefined ? 'noStream' : version });
        versions.set(streamId, result.nextExpectedVersion);
      }),
    );
    options.onProgress?.(start + chunk.length);
  }
  return history.length;
}
