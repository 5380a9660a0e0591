import { setImmediate as giveWay } from 'node:timers/promises';
import type { EventStore } from '../eventstore/port.js';
import type { SnapshotStore } from '../eventstore/snapshots.js';
import { toProjectedEvent } from './events.js';
import type { Projection } from './projection.js';
import { TimeTravelLimitError } from './runnerTypes.js';
import type { StateAt } from './runnerTypes.js';
import { decodeState } from './snapshotState.js';

/** Events read from the log at a time, by replays, rebuilds and catch-ups. */
export const BATCH = 2000;

/**
 * The state of a projection at a point in time (epoch ms), from the nearest snapshot before it
 * (or the first event) and the events after: those known by `knownAt`, of those the ones that
 * occurred by `asOf`. More than `maxReplay` events read is a TimeTravelLimitError.
 */
export async function replayTo<State>(
  store: EventStore,
  snapshots: Pick<SnapshotStore, 'nearest'>,
  projection: Projection<State>,
  { asOf, knownAt }: { asOf: number | undefined; knownAt: number | undefined },
  maxReplay: number,
): Promise<StateAt<State>> {
  const snapshot = await snapshots.nearest(projection.name, projection.version, { maxOccurredAt: asOf, maxRecordedAt: knownAt });
  const state = (snapshot ? decodeState(projection as Projection<unknown>, snapshot) : projection.init()) as State;
  let after = snapshot?.meta.position;
  let replayed = 0;
  let scanned = 0;
  read: for (;;) {
    const batch = await store.readAll({ after, filter: { types: projection.eventTypes }, limit: BATCH });
    for (const recorded of batch) {
      const event = toProjectedEvent(recorded);
      if (knownAt !== undefined && event.recordedAt > knownAt) break read;
      // Counted one by one: the limit holds however the reading is batched, and whatever ends the read.
      if (++scanned > maxReplay) throw new TimeTravelLimitError(maxReplay);
      after = recorded.position;
      if (asOf !== undefined && event.occurredAt > asOf) continue;
      projection.apply(state, event);
      replayed += 1;
    }
    if (batch.length < BATCH) break;
    // Between batches the event loop answers other requests: a replay of a million events took
    // seconds, during which even /health waited (the store's reads settle without I/O).
    await giveWay();
  }
  return { state, position: after ?? null, replayed, from: snapshot ? snapshot.meta.position : 'start' };
}
