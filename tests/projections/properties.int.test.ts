import { join } from 'node:path';
import fc from 'fast-check';
import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { openSqliteSnapshotStore } from '../../src/eventstore/sqlite/snapshots.js';
import { openSqliteStore } from '../../src/eventstore/sqlite/store.js';
import { generateHistory } from '../../src/generate/history.js';
import type { PlannedEvent } from '../../src/generate/history.js';
import { loadPlannedHistory } from '../../src/generate/load.js';
import { complaintsProjection } from '../../src/projections/complaints.js';
import { customersProjection } from '../../src/projections/customers.js';
import type { ProjectedEvent } from '../../src/projections/events.js';
import { toProjectedEvent } from '../../src/projections/events.js';
import type { AnyProjection, Projection } from '../../src/projections/projection.js';
import { replay } from '../../src/projections/projection.js';
import { ProjectionRunner } from '../../src/projections/runner.js';
import { salesProjection } from '../../src/projections/sales.js';
import { targetsProjection } from '../../src/projections/targets.js';
import { aTempDir } from '../support/tempDir.js';

const dir = aTempDir();
const projections = [salesProjection, targetsProjection, customersProjection, complaintsProjection] as const;
const history = generateHistory({ seed: 42, events: 6_000 });

/** A sqlite store holding `planned`, recorded at the planned times. */
async function aStoreWith(planned: readonly PlannedEvent[], file = join(dir, `${ulid()}.db`)) {
  let clock = new Date(0);
  const store = openSqliteStore({ file, now: () => clock, pollIntervalMs: 20 });
  await loadPlannedHistory(store, planned, { setClock: (at) => (clock = at), chunk: 500 });
  return { store, file, setClock: (at: Date) => (clock = at) };
}

async function allEvents(store: Awaited<ReturnType<typeof aStoreWith>>['store']): Promise<ProjectedEvent[]> {
  return (await store.readAll({ limit: 1_000_000 })).map(toProjectedEvent);
}

describe('projections over generated histories', () => {
  it('live = full rebuild, for every projection', async () => {
    const { store, file } = await aStoreWith(history);
    const runner = new ProjectionRunner({ store, snapshots: openSqliteSnapshotStore(file), projections, snapshotEvery: 700 });
    await runner.start();
    const events = await allEvents(store);
    for (const projection of projections as readonly AnyProjection[]) {
      const p = projection as unknown as Projection<unknown>;
      expect(runner.current(p), p.name).toEqual(replay(p, events));
    }
    await runner.stop();
    await store.close();
  });

  it('resuming from a snapshot taken at any point gives the full rebuild', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: history.length - 1 }), async (cut) => {
        // given a runner that saw only the first `cut` events and stopped (snapshotting there)
        const { store, file, setClock } = await aStoreWith(history.slice(0, cut));
        const snapshots = openSqliteSnapshotStore(file);
        const first = new ProjectionRunner({ store, snapshots, projections, snapshotEvery: 1_000_000 });
        await first.start();
        await first.stop();
        // when the rest is appended and another runner resumes from that snapshot
        const versions = new Map<string, number>();
        for (const e of await store.readAll({ limit: 1_000_000 })) versions.set(e.streamId, e.streamVersion);
        const rest = history.slice(cut);
        for (const planned of rest) {
          setClock(new Date(planned.recordedAt));
          const v = versions.get(planned.streamId);
          const { nextExpectedVersion } = await store.appendToStream(
            planned.streamId,
            [{ eventId: ulid(), type: planned.event.type, data: planned.event.data as Record<string, unknown>, metadata: { occurredAt: new Date(planned.occurredAt).toISOString(), actor: 'g', correlationId: 'c', causationId: 'c', schemaVersion: planned.event.type === 'CustomerRegistered' ? 2 : 1 } }],
            { expectedVersion: v === undefined ? 'noStream' : v },
          );
          versions.set(planned.streamId, nextExpectedVersion);
        }
        const second = new ProjectionRunner({ store, snapshots, projections, snapshotEvery: 1_000_000 });
        await second.start();
        // then it equals replaying everything from the first event
        const events = await allEvents(store);
        for (const projection of projections as readonly AnyProjection[]) {
          const p = projection as unknown as Projection<unknown>;
          expect(second.current(p), p.name).toEqual(replay(p, events));
        }
        await second.stop();
        await store.close();
      }),
      { numRuns: 4 },
    );
  }, 120_000);

  it.each([salesProjection, customersProjection] as Projection<unknown>[])('$name: splitting the history into any batches, with a snapshot round trip between them, gives the same state', async (projection) => {
    const { store } = await aStoreWith(history);
    const events = await allEvents(store);
    const whole = replay(projection, events);
    const codec = projection.codec;
    if (!codec) throw new Error(`the ${projection.name} projection snapshots through its own codec`);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: events.length - 1 }), { maxLength: 8 }), (cuts) => {
        const bounds = [0, ...[...cuts].sort((a, b) => a - b), events.length];
        let state = projection.init();
        for (let i = 1; i < bounds.length; i++) {
          for (const event of events.slice(bounds[i - 1], bounds[i])) if (projection.eventTypes.includes(event.type)) projection.apply(state, event);
          state = codec.decode(codec.encode(state));
        }
        expect(state).toEqual(whole);
      }),
      { numRuns: 20 },
    );
    await store.close();
  });

  it('asOf and knownAt equal replaying the brute-force filtered history; knownAt = now equals live', async () => {
    const { store, file } = await aStoreWith(history);
    const runner = new ProjectionRunner({ store, snapshots: openSqliteSnapshotStore(file), projections, snapshotEvery: 500 });
    await runner.start();
    const events = await allEvents(store);
    const first = events[0]?.occurredAt ?? 0;
    const last = events.at(-1)?.recordedAt ?? 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: first, max: last }), fc.integer({ min: first, max: last }), fc.constantFrom(...projections), async (asOf, knownAt, projection) => {
        const p = projection as unknown as Projection<unknown>;
        const known = await runner.stateAt(p, { knownAt: new Date(knownAt) });
        expect(known.state).toEqual(replay(p, events.filter((e) => e.recordedAt <= knownAt)));
        const asof = await runner.stateAt(p, { asOf: new Date(asOf) });
        expect(asof.state).toEqual(replay(p, events.filter((e) => e.occurredAt <= asOf)));
        const both = await runner.stateAt(p, { asOf: new Date(asOf), knownAt: new Date(knownAt) });
        expect(both.state).toEqual(replay(p, events.filter((e) => e.occurredAt <= asOf && e.recordedAt <= knownAt)));
      }),
      { numRuns: 25 },
    );
    const now = await runner.stateAt(salesProjection, { knownAt: new Date(last + 1) });
    expect(now.state).toBe(runner.current(salesProjection));
    await runner.stop();
    await store.close();
  }, 120_000);
});
