import { join } from 'node:path';
import { Database } from '../../src/eventstore/sqlite/driver.js';
import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { openSqliteSnapshotStore } from '../../src/eventstore/sqlite/snapshots.js';
import { openSqliteStore } from '../../src/eventstore/sqlite/store.js';
import type { EventStore } from '../../src/eventstore/port.js';
import type { ProjectedEvent } from '../../src/projections/events.js';
import { toProjectedEvent } from '../../src/projections/events.js';
import { funnel } from '../../src/projections/funnel.js';
import { replay } from '../../src/projections/projection.js';
import { ProjectionRunner, TimeTravelLimitError } from '../../src/projections/runner.js';
import { salesProjection } from '../../src/projections/sales.js';
import { History, day } from '../support/history.js';
import { loadHistory } from '../support/loadHistory.js';
import { aTempDir } from '../support/tempDir.js';

const dir = aTempDir();

/** 20 deals over July, each led, moved and closed; some entered a week late. Returned in recording order. */
function julyHistory(): ProjectedEvent[] {
  const h = new History().standardPipeline('2026-06-01').rep('ann', 'north', '2026-06-01').customer('acme', '2026-06-01');
  const late: [string, () => void][] = [];
  for (let i = 1; i <= 20; i++) {
    const dd = String(i).padStart(2, '0');
    h.lead(`d${i}`, `2026-07-${dd}`);
    h.move(`d${i}`, 'lead', 'qualified', `2026-07-${dd}T12:00:00.000Z`);
    if (i % 4 === 0) late.push([`2026-07-${dd}`, () => h.sign(`d${i}`, 10_000 * i, `2026-07-${dd}T15:00:00.000Z`, 'qualified', `2026-07-${String(i + 7).padStart(2, '0')}T08:00:00.000Z`)]);
    else if (i % 4 === 1) h.lose(`d${i}`, 'price', 'qualified', `2026-07-${dd}T16:00:00.000Z`);
  }
  // the late signatures are recorded a week after they happened: append them in recording order
  const events = [...h.events];
  for (const [, sign] of late) sign();
  const lateEvents = h.events.slice(events.length);
  return [...events, ...lateEvents].sort((a, b) => a.recordedAt - b.recordedAt || Number(a.position - b.position));
}

async function aRunnerWorld(options: { snapshotEvery?: number; deltaEvery?: number } = {}) {
  const file = join(dir, `${ulid()}.db`);
  let clock = new Date('2026-06-01T00:00:00Z');
  const store = openSqliteStore({ file, now: () => clock, pollIntervalMs: 20 });
  const snapshots = openSqliteSnapshotStore(file);
  const positions = await loadHistory(store, (at) => (clock = at), julyHistory());
  const stored = (await store.readAll({ limit: 10_000 })).map(toProjectedEvent);
  const runner = () => new ProjectionRunner({ store, snapshots, projections: [salesProjection], snapshotEvery: options.snapshotEvery ?? 10, deltaEvery: options.deltaEvery });
  return { store, snapshots, positions, stored, runner, file, setClock: (at: Date) => (clock = at) };
}

/**
 * A log of more than one batch (2,000 events): 800 deals led on 07-01, qualified on the 2nd and
 * lost on the 3rd. `reads` names each read of the log once the runner has started.
 */
async function aLongWorld() {
  const h = new History().standardPipeline('2026-06-01').rep('ann', 'north', '2026-06-01').customer('acme', '2026-06-01');
  for (let i = 1; i <= 800; i++) {
    h.lead(`d${i}`, '2026-07-01');
    h.move(`d${i}`, 'lead', 'qualified', '2026-07-02T12:00:00.000Z');
    h.lose(`d${i}`, 'price', 'qualified', '2026-07-03T12:00:00.000Z');
  }
  let clock = new Date('2026-06-01T00:00:00Z');
  const file = join(dir, `${ulid()}.db`);
  const store = openSqliteStore({ file, now: () => clock });
  await loadHistory(store, (at) => (clock = at), h.events);
  const reads: string[] = [];
  let started = false;
  const watched: EventStore = { ...store, readAll: (options) => (started && reads.push(options?.after === undefined ? 'first batch' : 'next batch'), store.readAll(options)) };
  const runner = new ProjectionRunner({ store: watched, snapshots: openSqliteSnapshotStore(file), projections: [salesProjection] });
  await runner.start();
  started = true;
  return { runner, store, reads };
}

/**
 * The July world's snapshots beside a new event file holding `other`, as when events.db is
 * replaced and projections.db kept; `runner()` runs on them, its errors in `errors`.
 */
async function snapshotsBesideAnotherLog(other: History) {
  const world = await aRunnerWorld({ snapshotEvery: 10 });
  const first = world.runner();
  await first.start();
  await first.stop();
  await world.store.close();
  let clock = new Date('2026-06-01T00:00:00Z');
  const store = openSqliteStore({ file: join(dir, `${ulid()}.db`), now: () => clock, pollIntervalMs: 20 });
  await loadHistory(store, (at) => (clock = at), other.events);
  const errors: unknown[] = [];
  const runner = () => new ProjectionRunner({ store, snapshots: world.snapshots, projections: [salesProjection], snapshotEvery: 10, onError: (error) => errors.push(error) });
  return { store, errors, runner, setClock: (at: Date) => (clock = at) };
}

const julyFunnel = { pipelineId: 'standard', mode: 'cohort' as const, from: day('2026-07-01T00:00:00Z'), to: day('2026-08-01T00:00:00Z') };

describe('projection runner', () => {
  it('catches up with the log on start: live equals a full replay', async () => {
    const world = await aRunnerWorld();
    const runner = world.runner();
    await runner.start();
    expect(runner.current(salesProjection)).toEqual(replay(salesProjection, world.stored));
    await runner.stop();
    await world.store.close();
  });

  it('follows appends made after it started, and lets a reader wait for its own write', async () => {
    const world = await aRunnerWorld();
    const runner = world.runner();
    await runner.start();
    world.setClock(new Date('2026-08-01T10:00:00Z'));
    const extra = new History().lead('late-deal', '2026-08-01T09:00:00.000Z').events;
    const [position] = await loadHistory(world.store, world.setClock, extra.map((e) => ({ ...e, streamId: 'deal-late-deal' })));
    expect(await runner.waitFor(position ?? 0n, 5_000)).toBe(true);
    expect(runner.current(salesProjection).deals.has('late-deal')).toBe(true);
    expect(await runner.waitFor((position ?? 0n) + 100n, 50)).toBe(false);
    await runner.stop();
    await world.store.close();
  });

  it('snapshots at regular intervals, and a restart resumes from the last one with the same answers', async () => {
    const world = await aRunnerWorld({ snapshotEvery: 10 });
    const first = world.runner();
    await first.start();
    const answer = funnel(first.current(salesProjection), julyFunnel);
    await first.stop();
    const taken = await world.snapshots.list('sales');
    expect(taken.length).toBeGreaterThanOrEqual(world.stored.length / 10 - 1);

    const second = world.runner();
    await second.start();
    expect(funnel(second.current(salesProjection), julyFunnel)).toEqual(answer);
    await second.stop();

    // a read model is a cache: without any snapshot, the same answers
    await world.snapshots.deleteAll();
    const third = world.runner();
    await third.start();
    expect(funnel(third.current(salesProjection), julyFunnel)).toEqual(answer);
    await third.stop();
    await world.store.close();
  });

  it('given snapshots of a longer log (the event file replaced, the snapshot file kept), deletes them, says so, and follows the new log from its start', async () => {
    // A shorter history: one deal led and qualified.
    const h = new History().standardPipeline('2026-06-01').rep('ann', 'north', '2026-06-01').customer('acme', '2026-06-01');
    h.lead('d1', '2026-07-01');
    h.move('d1', 'lead', 'qualified', '2026-07-01T12:00:00.000Z');
    const { store, errors, runner, setClock } = await snapshotsBesideAnotherLog(h);
    const second = runner();
    await second.start();

    expect(String(errors[0])).toMatch(/snapshot of sales at position \d+ is past the event log's head \(\d+\): the snapshots are of another log/);
    const stored = (await store.readAll({ limit: 100 })).map(toProjectedEvent);
    expect(second.current(salesProjection)).toEqual(replay(salesProjection, stored));
    // What is appended next is applied, not skipped as if the old snapshot held it.
    const loss = h.lose('d1', 'price', 'qualified', '2026-07-02T00:00:00.000Z').events.at(-1) as ProjectedEvent;
    setClock(new Date(loss.recordedAt));
    const { position } = await store.appendToStream(loss.streamId, [{ eventId: ulid(), type: loss.type, data: loss.data as Record<string, unknown>, metadata: { occurredAt: new Date(loss.occurredAt).toISOString(), actor: loss.actor, correlationId: loss.correlationId, causationId: loss.causationId, schemaVersion: 1 } }], { expectedVersion: 1 });
    expect(await second.waitFor(position, 2_000)).toBe(true);
    expect(second.current(salesProjection).deals.get('d1')?.status).toBe('lost');
    await second.stop();
    await store.close();
  });

  it('given snapshots of another log as long or longer (a new seed in place of the event file), deletes them, says so, and replays this one', async () => {
    // Another history, of more events than the snapshots' positions.
    const h = new History().standardPipeline('2026-06-01').rep('bo', 'south', '2026-06-01').customer('zeta', '2026-06-01');
    for (let i = 1; i <= 60; i++) h.lead(`other${i}`, '2026-07-01');
    const { store, errors, runner } = await snapshotsBesideAnotherLog(h);
    const second = runner();
    await second.start();

    expect(String(errors[0])).toMatch(/snapshot of sales at position \d+ was taken of a log whose first event is \S+, not \S+: the snapshots are of another log/);
    const stored = (await store.readAll({ limit: 100 })).map(toProjectedEvent);
    expect(second.current(salesProjection)).toEqual(replay(salesProjection, stored));
    expect(second.current(salesProjection).deals.has('d1')).toBe(false);
    // and the snapshots it takes from now on name this log, so the next start restores them
    await second.stop();
    const third = runner();
    await third.start();
    expect(errors).toHaveLength(1);
    expect(third.current(salesProjection)).toEqual(replay(salesProjection, stored));
    await third.stop();
    await store.close();
  });

  it('given a damaged snapshot (its bytes not those saved), deletes the snapshots, says so, and replays the log, at start and in time travel', async () => {
    const world = await aRunnerWorld({ snapshotEvery: 10 });
    const first = world.runner();
    await first.start();
    await first.stop();
    // The newest snapshot's first byte changed, as a damaged disk or a hand edit would change it.
    const damage = (position: bigint | undefined) => {
      const db = new Database(world.file);
      db.prepare('UPDATE snapshot_state SET state = CAST(? || substr(CAST(state AS TEXT), 2) AS BLOB) WHERE position = ?').run('~', String(position).padStart(40, '0'));
      db.close();
    };
    const newest = (await world.snapshots.list('sales')).at(-1);
    damage(newest?.position);
    const errors: unknown[] = [];
    const second = new ProjectionRunner({ store: world.store, snapshots: world.snapshots, projections: [salesProjection], snapshotEvery: 10, onError: (error) => errors.push(error) });
    await second.start();
    expect(String(errors[0])).toMatch(new RegExp(`snapshot of sales at position ${newest?.position} is damaged: .*; all snapshots are deleted and the projections replay the log`));
    expect(second.current(salesProjection)).toEqual(replay(salesProjection, world.stored));
    // and a knownAt read that would restore a damaged snapshot replays the log instead
    await second.stop();
    const middle = (await world.snapshots.list('sales'))[1];
    damage(middle?.position);
    const knownAt = middle?.maxRecordedAt ?? 0;
    const then = await second.stateAt(salesProjection, { knownAt: new Date(knownAt) });
    expect(then.state).toEqual(replay(salesProjection, world.stored.filter((e) => e.recordedAt <= knownAt)));
    expect(String(errors[1])).toMatch(new RegExp(`snapshot of sales at position ${middle?.position} is damaged`));
    await world.store.close();
  });

  it('keeps only the newest full snapshots, and the deltas taken on them', async () => {
    // given a runner that takes a full snapshot every 12 events and a delta every 3, keeping 3 full ones
    const world = await aRunnerWorld();
    const runner = new ProjectionRunner({ store: world.store, snapshots: world.snapshots, projections: [salesProjection], snapshotEvery: 12, deltaEvery: 3, keepSnapshots: 3 });
    // when it has read the whole log and stopped
    await runner.start();
    await runner.stop();
    // then 3 full snapshots are left, every delta left is on one of them, and none is older than the oldest kept
    const kept = await world.snapshots.list('sales');
    const fulls = kept.filter((meta) => meta.base === null).map((meta) => meta.position);
    expect(fulls).toHaveLength(3);
    expect(kept.filter((meta) => meta.base !== null).every((meta) => fulls.includes(meta.base as bigint))).toBe(true);
    expect(kept.every((meta) => meta.position >= (fulls[0] as bigint))).toBe(true);
    expect(kept.length).toBeGreaterThan(3);
    expect(kept.at(-1)?.position).toBe(runner.livePosition);
    await world.store.close();
  });

  it('takes no delta before its first full snapshot: without regular full snapshots, none at all until it stops', async () => {
    // given a runner whose full snapshots never fall due, with deltas every 2 events
    const world = await aRunnerWorld();
    const runner = new ProjectionRunner({ store: world.store, snapshots: world.snapshots, projections: [salesProjection], snapshotEvery: Number.MAX_SAFE_INTEGER, deltaEvery: 2 });
    // when it reads the whole log, then stops
    await runner.start();
    const following = await world.snapshots.list('sales');
    await runner.stop();
    // then it took nothing while following, and one full snapshot on stop
    expect(following).toEqual([]);
    expect((await world.snapshots.list('sales')).map((meta) => meta.base)).toEqual([null]);
    await world.store.close();
  });

  it('takes delta snapshots between full ones; a restart and a knownAt query restore from them with the same answers', async () => {
    // given a runner that took a full snapshot every 20 events and a delta every 4, and stopped
    const world = await aRunnerWorld({ snapshotEvery: 20, deltaEvery: 4 });
    const first = world.runner();
    await first.start();
    await first.stop();
    const taken = await world.snapshots.list('sales');
    expect(taken.filter((meta) => meta.base !== null).length).toBeGreaterThan(taken.filter((meta) => meta.base === null).length);
    // when another runner starts from them, then the live state is the full replay
    const second = world.runner();
    await second.start();
    expect(second.current(salesProjection)).toEqual(replay(salesProjection, world.stored));
    // and every knownAt answer equals the replay of what was recorded by then; after the first full snapshot, with at most 4 events replayed
    const firstFull = taken.find((meta) => meta.base === null)?.maxRecordedAt ?? Number.POSITIVE_INFINITY;
    for (let i = 1; i < world.stored.length; i += 3) {
      const knownAt = (world.stored[i] as ProjectedEvent).recordedAt;
      const answer = await second.stateAt(salesProjection, { knownAt: new Date(knownAt) });
      expect(answer.state).toEqual(replay(salesProjection, world.stored.filter((e) => e.recordedAt <= knownAt)));
      if (knownAt >= firstFull) expect(answer.replayed).toBeLessThanOrEqual(4 + world.stored.filter((e) => e.recordedAt === knownAt).length);
    }
    await second.stop();
    await world.store.close();
  });

  it('after a restart from a delta, takes a full snapshot at once, so deltas go on every deltaEvery events', async () => {
    // given a runner (a full snapshot every 20 events, a delta every 4) that stopped on a delta
    const world = await aRunnerWorld({ snapshotEvery: 20, deltaEvery: 4 });
    const first = world.runner();
    await first.start();
    await first.stop();
    const last = (await world.snapshots.list('sales')).at(-1);
    expect(last?.base).not.toBeNull();
    // when another starts from it, and 6 events are appended
    const second = world.runner();
    await second.start();
    world.setClock(new Date('2026-08-02T10:00:00Z'));
    const more = new History();
    for (let i = 1; i <= 6; i++) more.lead(`more${i}`, '2026-08-02T09:00:00.000Z');
    const positions = await loadHistory(world.store, world.setClock, more.events);
    expect(await second.waitFor(positions.at(-1) as bigint, 5_000)).toBe(true);
    await second.stop();
    // then it took a full snapshot where it started, a delta on it 4 events later (not 20), and another on stop
    const taken = await world.snapshots.list('sales');
    expect(taken.find((meta) => meta.position === last?.position)?.base).toBeNull();
    expect(taken.filter((meta) => meta.base === last?.position).map((meta) => meta.position)).toEqual([positions[3], positions[5]]);
    await world.store.close();
  });

  it('rebuilds by itself when the projection version changes', async () => {
    const world = await aRunnerWorld();
    const v1 = world.runner();
    await v1.start();
    await v1.stop();
    const v2 = { ...salesProjection, version: salesProjection.version + 1 };
    const runner = new ProjectionRunner({ store: world.store, snapshots: world.snapshots, projections: [v2], snapshotEvery: 10 });
    await runner.start();
    expect(runner.current(v2)).toEqual(replay(salesProjection, world.stored));
    expect(runner.status()[0]).toMatchObject({ name: 'sales', version: salesProjection.version + 1 });
    await runner.stop();
    // and the snapshots of the earlier version are gone from disk
    expect(new Set((await world.snapshots.list('sales')).map((meta) => meta.version))).toEqual(new Set([v2.version]));
    await world.store.close();
  });

  describe('time travel', () => {
    it('answers knownAt as a replay of what was recorded by then, from a snapshot, not from the start', async () => {
      const world = await aRunnerWorld({ snapshotEvery: 10 });
      const runner = world.runner();
      await runner.start();
      const knownAt = new Date('2026-07-15T23:00:00Z');
      const answer = await runner.stateAt(salesProjection, { knownAt });
      expect(answer.state).toEqual(replay(salesProjection, world.stored.filter((e) => e.recordedAt <= knownAt.getTime())));
      expect(answer.from).not.toBe('start');
      expect(answer.replayed).toBeLessThanOrEqual(10);
      await runner.stop();
      await world.store.close();
    });

    it('answers asOf as a replay of what occurred by then, late entries included', async () => {
      const world = await aRunnerWorld({ snapshotEvery: 10 });
      const runner = world.runner();
      await runner.start();
      const asOf = new Date('2026-07-12T23:00:00Z');
      const answer = await runner.stateAt(salesProjection, { asOf });
      expect(answer.state).toEqual(replay(salesProjection, world.stored.filter((e) => e.occurredAt <= asOf.getTime())));
      // d12 was signed on 07-12 but recorded on 07-19: as of the 12th it is won
      expect(answer.state.deals.get('d12')?.status).toBe('won');
      await runner.stop();
      await world.store.close();
    });

    it('gives way to other work between the batches of a long replay', async () => {
      const { runner, store } = await aLongWorld();

      // when a read as of the 2nd runs, and other work is due right after it starts
      const order: string[] = [];
      const read = runner.stateAt(salesProjection, { asOf: new Date('2026-07-02T23:00:00Z') }).then((answer) => order.push(`replay of ${answer.replayed}`));
      setImmediate(() => order.push('other work'));
      await read;

      // then the other work was done while the replay went on, not after it
      // (the replay applies all but the 800 losses of the 2,404 events it reads)
      expect(order).toEqual(['other work', 'replay of 1604']);
      await runner.stop();
      await store.close();
    });

    it('runs two replays at once, and the next when one of them is done', async () => {
      const { runner, store, reads } = await aLongWorld();

      // when three reads at three points in time come together
      await Promise.all(['2026-07-01T23:00:00Z', '2026-07-02T23:00:00Z', '2026-07-03T23:00:00Z'].map((asOf) => runner.stateAt(salesProjection, { asOf: new Date(asOf) })));

      // then each reads the log in two batches, and the third begins only when the first has read its last
      expect(reads).toEqual(['first batch', 'first batch', 'next batch', 'first batch', 'next batch', 'next batch']);
      await runner.stop();
      await store.close();
    });

    it('answers both together: what we believed on the 15th about the 12th', async () => {
      const world = await aRunnerWorld({ snapshotEvery: 10 });
      const runner = world.runner();
      await runner.start();
      const asOf = day('2026-07-12T23:00:00Z');
      const knownAt = day('2026-07-15T23:00:00Z');
      const answer = await runner.stateAt(salesProjection, { asOf: new Date(asOf), knownAt: new Date(knownAt) });
      expect(answer.state).toEqual(replay(salesProjection, world.stored.filter((e) => e.recordedAt <= knownAt && e.occurredAt <= asOf)));
      // on the 15th nobody knew yet that d12 had been signed
      expect(answer.state.deals.get('d12')?.status).toBe('open');
      await runner.stop();
      await world.store.close();
    });

    it('answers knownAt = now with the live state', async () => {
      const world = await aRunnerWorld();
      const runner = world.runner();
      await runner.start();
      const answer = await runner.stateAt(salesProjection, { knownAt: new Date('2030-01-01T00:00:00Z') });
      expect(answer.from).toBe('live');
      expect(answer.state).toBe(runner.current(salesProjection));
      await runner.stop();
      await world.store.close();
    });

    it('refuses a point in time that needs more replay than allowed', async () => {
      const world = await aRunnerWorld();
      const runner = world.runner();
      await runner.start();
      await expect(runner.stateAt(salesProjection, { asOf: new Date('2026-07-02T00:00:00Z') }, { maxReplay: 5 })).rejects.toBeInstanceOf(TimeTravelLimitError);
      await runner.stop();
      await world.store.close();
    });

    it('holds the replay limit exactly, also when knownAt ends the read within one batch', async () => {
      const world = await aRunnerWorld();
      const runner = world.runner();
      await runner.start();
      const at = { knownAt: new Date('2026-07-02T00:00:00Z') };
      const { replayed } = await runner.stateAt(salesProjection, at);
      expect(replayed).toBeGreaterThan(1);
      await expect(runner.stateAt(salesProjection, at, { maxReplay: replayed - 1 })).rejects.toBeInstanceOf(TimeTravelLimitError);
      expect((await runner.stateAt(salesProjection, at, { maxReplay: replayed })).replayed).toBe(replayed);
      await runner.stop();
      await world.store.close();
    });
  });

  it('while a projection rebuilds, live reads are answered from its old state, which the live loop keeps current and does not snapshot', async () => {
    const world = await aRunnerWorld({ snapshotEvery: 10 });
    let gate: Promise<void> | null = null;
    let release: () => void = () => undefined;
    let reached: () => void = () => undefined;
    const atGate = new Promise<void>((resolve) => (reached = resolve));
    // The rebuild's reads wait at the gate (its snapshots deleted by then), so the reads below come while it runs.
    const gated: EventStore = { ...world.store, readAll: async (options) => (gate && (reached(), await gate), world.store.readAll(options)) };
    const runner = new ProjectionRunner({ store: gated, snapshots: world.snapshots, projections: [salesProjection], snapshotEvery: 10 });
    await runner.start();
    gate = new Promise((resolve) => (release = resolve));
    const rebuilding = runner.rebuild('sales');
    await atGate;

    world.setClock(new Date('2026-08-02T10:00:00Z'));
    const during = new History();
    for (let i = 1; i <= 12; i++) during.lead(`during${i}`, '2026-08-02T09:00:00.000Z');
    const positions = await loadHistory(world.store, world.setClock, during.events);
    expect(await runner.waitFor(positions.at(-1) as bigint, 5_000)).toBe(true);
    const read = await runner.stateAt(salesProjection, {});
    expect(read.from).toBe('live');
    expect(read.state.deals.has('during12')).toBe(true);
    expect(runner.status().find((s) => s.name === 'sales')?.rebuilding).toBe(true);
    // 12 events past a snapshot interval of 10: the old state took none over the rebuild's deleted ones.
    expect(await world.snapshots.list('sales')).toEqual([]);

    release();
    await rebuilding;
    expect(runner.current(salesProjection)).toEqual(replay(salesProjection, (await world.store.readAll({ limit: 10_000 })).map(toProjectedEvent)));
    await runner.stop();
    await world.store.close();
  });

  it('after a rebuild, a knownAt read before the last events, of types it does not read, says the position it knew', async () => {
    // given a log whose last event is one the sales projection does not read, recorded after all the others
    const world = await aRunnerWorld();
    const other = new History().add('k1', { type: 'ComplaintAcknowledged', data: { complaintId: 'k1' } } as never, '2026-09-01').events;
    const [otherPosition] = await loadHistory(world.store, world.setClock, other);
    const runner = world.runner();
    await runner.start();
    // when the projection is rebuilt, and read as known before that last event
    await runner.rebuild('sales');
    const read = await runner.stateAt(salesProjection, { knownAt: new Date('2026-08-25T00:00:00Z') });
    // then the answer is at the projection's last event, not at the log's head, known only later
    const stored = await world.store.readAll({ limit: 10_000 });
    expect(read.position).toBe(stored.at(-2)?.position);
    expect(stored.at(-1)?.position).toBe(otherPosition);
    expect(read.state).toEqual(runner.current(salesProjection));
    await runner.stop();
    await world.store.close();
  });

  it('rebuilds on demand with progress, and hands over to the live loop with no gap', async () => {
    const world = await aRunnerWorld({ snapshotEvery: 10 });
    const runner = world.runner();
    await runner.start();
    const progress: number[] = [];
    const rebuilding = runner.rebuild('sales', (p) => progress.push(p.events));
    // an append while the rebuild runs must not be lost
    world.setClock(new Date('2026-08-02T10:00:00Z'));
    const [position] = await loadHistory(world.store, world.setClock, new History().lead('during', '2026-08-02T09:00:00.000Z').events);
    const done = await rebuilding;
    expect(done).toMatchObject({ projection: 'sales', done: true, etaSeconds: 0 });
    expect(progress.at(-1)).toBeGreaterThan(0);
    expect(await runner.waitFor(position ?? 0n, 5_000)).toBe(true);
    expect(runner.current(salesProjection).deals.has('during')).toBe(true);
    expect(runner.current(salesProjection)).toEqual(replay(salesProjection, (await world.store.readAll({ limit: 10_000 })).map(toProjectedEvent)));
    await runner.stop();
    await world.store.close();
  });
});

describe('projection runner stopping during a rebuild', () => {
  it('stops the rebuild at a batch edge, reports no failure, snapshots the others only, and the next start goes on from the snapshots the rebuild took', async () => {
    // given a log of more than one batch, and a runner of sales that took its snapshots at start
    const world = await aLongWorld();
    await world.runner.stop();
    const file = join(dir, `${ulid()}.db`);
    const snapshots = openSqliteSnapshotStore(file);
    const errors: unknown[] = [];
    const runner = new ProjectionRunner({ store: world.store, snapshots, projections: [salesProjection], snapshotEvery: 1_000, onError: (error) => errors.push(error) });
    await runner.start();
    // when a rebuild starts and the runner is stopped (SIGTERM) before it ends
    const rebuilding = runner.rebuild('sales').catch((error: unknown) => error);
    await runner.stop();
    // then the rebuild ended, saying why, and nothing was reported as failing
    expect(await rebuilding).toMatchObject({ message: expect.stringMatching(/^the rebuild of sales was stopped with the server, after \d+ events: the next start goes on from its last snapshot, or from the first event if it took none$/) });
    expect(errors).toEqual([]);
    // and the old state took no snapshot at the head in place of the deleted ones: those left are the rebuild's own, short of it
    const head = await world.store.headPosition();
    expect((await snapshots.list('sales')).filter((snapshot) => snapshot.position === head)).toEqual([]);
    // and the next start replays the rest of the log into the state a fresh replay gives
    const restarted = new ProjectionRunner({ store: world.store, snapshots, projections: [salesProjection] });
    await restarted.start();
    expect(restarted.current(salesProjection)).toEqual(replay(salesProjection, (await world.store.readAll({ limit: 10_000 })).map(toProjectedEvent)));
    await restarted.stop();
    await world.store.close();
  });
});

describe('projection runner under failure', () => {
  it('after a failed rebuild, the projection still holds every event, those appended meanwhile included', async () => {
    const world = await aRunnerWorld();
    const runner = world.runner();
    await runner.start();
    // a projection whose rebuild fails part-way (its first apply to the fresh state throws; the live state's go on)
    const entry = (runner as unknown as { live: Map<string, { projection: { apply: (s: unknown, e: unknown) => void } }> }).live.get('sales');
    const original = entry?.projection.apply;
    const liveState = runner.current(salesProjection);
    let fail = true;
    if (entry && original) entry.projection = { ...entry.projection, apply: (s, e) => (fail && s !== liveState ? ((fail = false), (() => { throw new Error('disk on fire'); })()) : original(s, e)) };
    const rebuilding = runner.rebuild('sales').catch((error: unknown) => error);
    world.setClock(new Date('2026-08-03T10:00:00Z'));
    await loadHistory(world.store, world.setClock, new History().lead('meanwhile', '2026-08-03T09:00:00.000Z').events);
    expect(await rebuilding).toMatchObject({ message: 'disk on fire' });
    if (entry && original) entry.projection = { ...entry.projection, apply: original };
    const [position] = await loadHistory(world.store, world.setClock, new History().lead('after', '2026-08-03T11:00:00.000Z').events.map((e) => ({ ...e, recordedAt: day('2026-08-03T11:00:00Z') })));
    expect(await runner.waitFor(position ?? 0n, 5_000)).toBe(true);
    const deals = runner.current(salesProjection).deals;
    expect(deals.has('meanwhile')).toBe(true);
    expect(deals.has('after')).toBe(true);
    expect(runner.current(salesProjection)).toEqual(replay(salesProjection, (await world.store.readAll({ limit: 10_000 })).map(toProjectedEvent)));
    await runner.stop();
    await world.store.close();
  });

  it('when following the log fails, it says it is not caught up, then resubscribes and catches up', async () => {
    const world = await aRunnerWorld();
    let failures = 1;
    const flaky = {
      ...world.store,
      subscribe: (options: Parameters<typeof world.store.subscribe>[0]) => {
        const subscription = world.store.subscribe(options);
        if (failures-- <= 0) return subscription;
        const iterator = subscription[Symbol.asyncIterator]();
        let delivered = 0;
        return {
          close: () => subscription.close(),
          [Symbol.asyncIterator]: () => ({ next: async () => (++delivered > 3 ? Promise.reject(new Error('connection reset')) : iterator.next()) }),
        };
      },
    };
    const errors: unknown[] = [];
    const runner = new ProjectionRunner({ store: flaky, snapshots: openSqliteSnapshotStore(world.file), projections: [salesProjection], onError: (e) => errors.push(e) });
    const started = runner.start();
    await expect.poll(() => errors.length).toBeGreaterThan(0);
    expect(runner.isCaughtUp).toBe(false);
    await started;
    await expect.poll(() => runner.isCaughtUp, { timeout: 5_000 }).toBe(true);
    expect(runner.current(salesProjection)).toEqual(replay(salesProjection, world.stored));
    await runner.stop();
    await world.store.close();
  });
});
