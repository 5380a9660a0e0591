import { truncateSync } from 'node:fs';
import { join } from 'node:path';
import { Database } from '../../src/eventstore/sqlite/driver.js';
import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { createMemorySnapshotStore } from '../../src/eventstore/memorySnapshots.js';
import { SnapshotDamagedError } from '../../src/eventstore/snapshots.js';
import type { Snapshot, SnapshotStore } from '../../src/eventstore/snapshots.js';
import { openSqliteSnapshotStore } from '../../src/eventstore/sqlite/snapshots.js';
import { openSqliteStore } from '../../src/eventstore/sqlite/store.js';
import { aTempDir } from '../support/tempDir.js';

const dir = aTempDir();

/** A snapshot of `sales` at `position` (a full one, or a delta on `base`), its state the bytes of its position. */
function aSnapshot(position: number, base: number | null = null, version = 1): Snapshot {
  return {
    meta: { projection: 'sales', version, position: BigInt(position), maxOccurredAt: position * 10, maxRecordedAt: position * 10, takenAt: 0, base: base === null ? null : BigInt(base), firstEventId: 'e1' },
    state: new Uint8Array([position, base ?? 0]),
  };
}

const stores: [string, () => SnapshotStore][] = [
  ['memory', createMemorySnapshotStore],
  ['sqlite', () => openSqliteSnapshotStore(join(dir, `${ulid()}.db`))],
];

describe.each(stores)('%s snapshot store', (_, open) => {
  it('finds a delta with the state of its base, within the bounds asked', async () => {
    // given a full snapshot at 10 and deltas on it at 12 and 14
    const snapshots = open();
    for (const s of [aSnapshot(10), aSnapshot(12, 10), aSnapshot(14, 10)]) await snapshots.save(s);
    // when the nearest is asked for, with and without a bound
    const newest = await snapshots.nearest('sales', 1);
    const bounded = await snapshots.nearest('sales', 1, { maxRecordedAt: 130 });
    // then each is the delta, with its base's state beside it
    expect(newest?.meta.position).toBe(14n);
    expect(newest?.meta.base).toBe(10n);
    expect([...(newest?.baseState ?? [])]).toEqual([10, 0]);
    expect(bounded?.meta.position).toBe(12n);
    expect((await snapshots.nearest('sales', 1, { maxRecordedAt: 100 }))?.baseState).toBeUndefined();
    await snapshots.close();
  });

  it('never returns a delta whose base is gone', async () => {
    // given a full snapshot at 10 and a delta at 14 on a base at 12 that is not there
    const snapshots = open();
    for (const s of [aSnapshot(10), aSnapshot(14, 12)]) await snapshots.save(s);
    // then the nearest usable snapshot is the full one
    expect((await snapshots.nearest('sales', 1))?.meta.position).toBe(10n);
    await snapshots.close();
  });

  it('prunes to the newest full snapshots and the deltas on them, and drops earlier versions', async () => {
    // given fulls at 10, 20, 30 with two deltas each, and a snapshot of an earlier version
    const snapshots = open();
    for (const full of [10, 20, 30]) for (const s of [aSnapshot(full), aSnapshot(full + 3, full), aSnapshot(full + 6, full)]) await snapshots.save(s);
    await snapshots.save(aSnapshot(40, null, 0));
    // when pruned to two full snapshots
    await snapshots.prune('sales', 1, 2);
    // then what is left is the fulls at 20 and 30 and their deltas
    const left = (await snapshots.list('sales')).map((meta) => [Number(meta.position), meta.base === null ? null : Number(meta.base), meta.version]);
    expect(left.sort((a, b) => (a[0] as number) - (b[0] as number))).toEqual([
      [20, null, 1],
      [23, 20, 1],
      [26, 20, 1],
      [30, null, 1],
      [33, 30, 1],
      [36, 30, 1],
    ]);
    await snapshots.close();
  });
});

/** A file as snapshot stores left it before delta snapshots: one table of full ones, without a base column, holding one at 7. */
function aFileFromBeforeDeltas(file: string): void {
  const db = new Database(file);
  db.exec(`CREATE TABLE projection_snapshots (projection TEXT NOT NULL, version INTEGER NOT NULL, position TEXT NOT NULL,
    max_occurred_at INTEGER NOT NULL, max_recorded_at INTEGER NOT NULL, taken_at INTEGER NOT NULL, state BLOB NOT NULL,
    PRIMARY KEY (projection, version, position)) STRICT`);
  db.prepare('INSERT INTO projection_snapshots VALUES (?, ?, ?, ?, ?, ?, ?)').run('sales', 1, '7'.padStart(40, '0'), 70, 70, 0, Buffer.from([7]));
  db.close();
}

describe('sqlite snapshot store, opened on a file from before delta snapshots', () => {
  it('moves the snapshots already there over, as full ones', async () => {
    // given a file with the one snapshot table of before, without a base column
    const file = join(dir, `${ulid()}.db`);
    aFileFromBeforeDeltas(file);
    // when the store opens it
    const snapshots = openSqliteSnapshotStore(file);
    // then the old snapshot is found as a full one, and deltas can be saved beside it
    // (not saying which log it was of: that was not recorded then)
    expect((await snapshots.nearest('sales', 1))?.meta).toMatchObject({ position: 7n, base: null, firstEventId: null });
    await snapshots.save(aSnapshot(9, 7));
    expect((await snapshots.nearest('sales', 1))?.meta).toMatchObject({ position: 9n, base: 7n, firstEventId: 'e1' });
    expect((await snapshots.nearest('sales', 1))?.baseState).toEqual(Buffer.from([7]));
    await snapshots.close();
    // and the old table is gone
    const after = new Database(file);
    expect(after.prepare("SELECT name FROM sqlite_master WHERE name = 'projection_snapshots'").get()).toBeUndefined();
    after.close();
  });
});

describe('sqlite snapshot store, opening a file of an earlier version', () => {
  it('adds the column naming the log to a file without it; the snapshots there say null', async () => {
    // given a file whose snapshot_meta has no first_event_id, with one full snapshot
    const file = join(dir, `${ulid()}.db`);
    const db = new Database(file);
    db.exec(`CREATE TABLE snapshot_meta (projection TEXT NOT NULL, version INTEGER NOT NULL, position TEXT NOT NULL, max_occurred_at INTEGER NOT NULL,
               max_recorded_at INTEGER NOT NULL, taken_at INTEGER NOT NULL, base TEXT, PRIMARY KEY (projection, version, position)) STRICT;
             CREATE TABLE snapshot_state (projection TEXT NOT NULL, version INTEGER NOT NULL, position TEXT NOT NULL, state BLOB NOT NULL, PRIMARY KEY (projection, version, position)) STRICT;`);
    db.prepare('INSERT INTO snapshot_meta VALUES (?, ?, ?, ?, ?, ?, ?)').run('sales', 1, '5'.padStart(40, '0'), 50, 50, 0, null);
    db.prepare('INSERT INTO snapshot_state VALUES (?, ?, ?, ?)').run('sales', 1, '5'.padStart(40, '0'), Buffer.from([5]));
    db.close();
    // when the store opens it, then the snapshot is there, naming no log, and new ones name theirs
    const snapshots = openSqliteSnapshotStore(file);
    expect((await snapshots.nearest('sales', 1))?.meta).toMatchObject({ position: 5n, firstEventId: null });
    await snapshots.save(aSnapshot(6));
    expect((await snapshots.nearest('sales', 1))?.meta).toMatchObject({ position: 6n, firstEventId: 'e1' });
    await snapshots.close();
  });
});

/** Flips the first byte of a stored state, as a damaged disk or a hand edit would change it. */
function damage(file: string, position: number): void {
  const db = new Database(file);
  db.prepare("UPDATE snapshot_state SET state = CAST(char(unicode(CAST(state AS TEXT)) + 1) || substr(CAST(state AS TEXT), 2) AS BLOB) WHERE position = ?").run(String(position).padStart(40, '0'));
  db.close();
}

describe('sqlite snapshot store, given a damaged file', () => {
  it('refuses to restore a snapshot whose bytes are not those saved, or a delta whose base is damaged', async () => {
    // given a full snapshot at 10, a delta on it at 12, and another full at 20 whose bytes then change
    const file = join(dir, `${ulid()}.db`);
    const snapshots = openSqliteSnapshotStore(file);
    for (const s of [aSnapshot(10), aSnapshot(12, 10), aSnapshot(20)]) await snapshots.save(s);
    damage(file, 20);
    // when the newest is asked for, then it is refused as damaged, naming it
    await expect(snapshots.nearest('sales', 1)).rejects.toThrow(new SnapshotDamagedError('sales', 20n));
    // and an older one is still found whole; once its base is damaged, the delta on it is refused too
    expect((await snapshots.nearest('sales', 1, { maxRecordedAt: 150 }))?.meta.position).toBe(12n);
    damage(file, 10);
    await expect(snapshots.nearest('sales', 1, { maxRecordedAt: 150 })).rejects.toThrow(SnapshotDamagedError);
    await snapshots.close();
  });


  it('refuses to open it with one line naming the file and the way out: it is a cache, to delete', () => {
    // given a snapshot file with a snapshot in it, cut short as a torn copy would be
    const file = join(dir, `${ulid()}.db`);
    const db = new Database(file);
    db.exec('CREATE TABLE filler (x BLOB); INSERT INTO filler VALUES (randomblob(200000));');
    db.close();
    truncateSync(file, 50_000);
    // when a store opens it, then it names the file, and says what to do
    expect(() => openSqliteSnapshotStore(file)).toThrow(new RegExp(`^the snapshot file ${file} cannot be read \\(.+\\); it holds a cache only: delete it`));
  });
});

describe('sqlite snapshot store, writing on a thread of its own', () => {
  it('stores the saves asked before close, in order, and leaves the caller its bytes', async () => {
    // given saves asked without waiting, the last replacing a state saved before it
    const file = join(dir, `${ulid()}.db`);
    const snapshots = openSqliteSnapshotStore(file);
    const states = [aSnapshot(10), aSnapshot(12, 10), { ...aSnapshot(12, 10), state: new Uint8Array([99, 10]) }];
    const saves = states.map((s) => snapshots.save(s));
    // when the store closes
    await snapshots.close();
    await Promise.all(saves);
    // then all are on disk, the later save of position 12 last, and every caller still holds its own bytes
    const db = new Database(file, { readonly: true });
    const rows = db.prepare<[], { position: string; state: Buffer }>('SELECT position, state FROM snapshot_state ORDER BY position').all();
    db.close();
    expect(rows.map((row) => [Number(row.position), [...row.state]])).toEqual([
      [10, [10, 0]],
      [12, [99, 10]],
    ]);
    expect(states.map((s) => [...s.state])).toEqual([[10, 0], [12, 10], [99, 10]]);
  });

  it('rejects a write that fails, saying so, and goes on with the next', async () => {
    // given a store whose state table another connection has dropped
    const file = join(dir, `${ulid()}.db`);
    const snapshots = openSqliteSnapshotStore(file);
    await snapshots.save(aSnapshot(10));
    const other = new Database(file);
    other.exec('ALTER TABLE snapshot_state RENAME TO parked');
    // when a snapshot is saved, then it is refused with the reason, and nothing of it is kept
    await expect(snapshots.save(aSnapshot(20))).rejects.toThrow(/snapshot write failed: .*no such table: .*snapshot_state/);
    expect((await snapshots.list('sales')).map((meta) => meta.position)).toEqual([10n]);
    // and once the table is back, the next save is stored
    other.exec('ALTER TABLE parked RENAME TO snapshot_state');
    other.close();
    await snapshots.save(aSnapshot(30));
    expect((await snapshots.nearest('sales', 1))?.meta.position).toBe(30n);
    await snapshots.close();
  });
});

describe('sqlite snapshot store, opened beside an event file that holds snapshots (as before they had a file of their own)', () => {
  const tablesOf = (file: string): string[] => {
    const db = new Database(file, { readonly: true });
    const names = db.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    db.close();
    return names;
  };

  it('moves them into its own file and drops them from the event file, whose events stay', async () => {
    // given an event file with an event, a full snapshot and a delta on it
    const events = join(dir, `${ulid()}-events.db`);
    const store = openSqliteStore({ file: events });
    await store.appendToStream('deal-d1', [{ eventId: ulid(), type: 'Probe', data: {}, metadata: { occurredAt: new Date().toISOString(), actor: 'test', correlationId: 'c', causationId: 'c', schemaVersion: 1 } }], { expectedVersion: 'noStream' });
    const inEventFile = openSqliteSnapshotStore(events);
    for (const s of [aSnapshot(10), aSnapshot(12, 10)]) await inEventFile.save(s);
    await inEventFile.close();
    // when a snapshot store opens a file of its own, moving from the event file (twice, as two starts)
    const own = join(dir, `${ulid()}-projections.db`);
    for (let start = 0; start < 2; start++) {
      const snapshots = openSqliteSnapshotStore(own, { movingFrom: events });
      // then it finds the delta with its base
      const found = await snapshots.nearest('sales', 1);
      expect([found?.meta.position, found?.meta.firstEventId, [...(found?.baseState ?? [])]]).toEqual([12n, 'e1', [10, 0]]);
      await snapshots.close();
    }
    // and the event file keeps its events and no snapshot table
    expect(tablesOf(events)).toEqual(['events']);
    expect((await store.readStream('deal-d1')).map((e) => e.type)).toEqual(['Probe']);
    await store.close();
  });

  it('moves the one table of full snapshots of a file from before delta snapshots, too', async () => {
    const events = join(dir, `${ulid()}-events.db`);
    aFileFromBeforeDeltas(events);
    const snapshots = openSqliteSnapshotStore(join(dir, `${ulid()}-projections.db`), { movingFrom: events });
    expect((await snapshots.nearest('sales', 1))?.meta).toMatchObject({ position: 7n, base: null });
    await snapshots.close();
    expect(tablesOf(events)).toEqual([]);
  });
});
