import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Database } from '../../src/eventstore/sqlite/driver.js';
import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { DuplicateEventIdError } from '../../src/eventstore/errors.js';
import { Checkpointer } from '../../src/eventstore/sqlite/checkpointer.js';
import { prepareDatabase } from '../../src/eventstore/sqlite/schema.js';
import { openSqliteStore } from '../../src/eventstore/sqlite/store.js';
import { aStream, anEvent, someEvents } from '../support/events.js';
import { aTempDir } from '../support/tempDir.js';
import { describeEventStoreContract } from './contract.js';

const dir = aTempDir();
const aFile = () => join(dir, `${ulid()}.db`);

describeEventStoreContract(
  'sqlite',
  async () => {
    const file = aFile();
    const store = openSqliteStore({ file, pollIntervalMs: 20 });
    return {
      store,
      reopen: async () => {
        await store.close();
        return openSqliteStore({ file, pollIntervalMs: 20 });
      },
    };
  },
  { durable: true },
);

describe('sqlite store', () => {
  it('refuses any UPDATE or DELETE of an event, whoever issues it', async () => {
    const file = aFile();
    const store = openSqliteStore({ file });
    await store.appendToStream(aStream(), someEvents(2), { expectedVersion: 'noStream' });
    await store.close();

    const db = new Database(file);
    expect(() => db.prepare("UPDATE events SET data = '{}'").run()).toThrow(/append-only: UPDATE refused/);
    expect(() => db.prepare('DELETE FROM events').run()).toThrow(/append-only: DELETE refused/);
    expect(db.prepare('SELECT count(*) AS n FROM events').get()).toEqual({ n: 2 });
    db.close();
  });

  it('runs in WAL mode with synchronous=FULL: a commit is on disk before it is acknowledged', async () => {
    const file = aFile();
    const store = openSqliteStore({ file });
    await store.close();
    const db = new Database(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    // synchronous is a setting of each connection: the writer's is the one the store prepares.
    prepareDatabase(db, 5000);
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    db.close();
  });

  it('checkpoints the WAL into the database file from its own thread, and closes it with the store', async () => {
    const file = aFile();
    const store = openSqliteStore({ file, checkpointIntervalMs: 20 });
    // Far below the writer's own autocheckpoint: only the thread moves these pages.
    for (let i = 0; i < 50; i++) await store.appendToStream(aStream(), someEvents(5), { expectedVersion: 'noStream' });
    const checkpointed = () => statSync(file).size >= 50 * 5 * 100;

    for (let waited = 0; !checkpointed() && waited < 5000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    await store.close();

    expect(checkpointed()).toBe(true);
    // The last connection to close checkpoints and removes the WAL: the thread's had closed first.
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it('says when its checkpoint thread cannot work, and refuses an interval below 1 ms', async () => {
    const problems: string[] = [];
    const checkpointer = new Checkpointer(join(dir, 'missing', 'nothing.db'), (problem) => problems.push(problem));

    for (let waited = 0; problems.length === 0 && waited < 5000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    await checkpointer.close();

    expect(problems[0]).toMatch(/checkpoint thread failed: .*(unable to open|does not exist|SQLITE_CANTOPEN)/i);
    expect(() => new Checkpointer(aFile(), () => undefined, 0)).toThrow(/at least 1/);
  });

  it('refuses an event id already used in another stream, and stores nothing of that append', async () => {
    const store = openSqliteStore({ file: aFile() });
    const shared = anEvent();
    await store.appendToStream(aStream(), [shared], { expectedVersion: 'noStream' });
    const other = aStream();
    await expect(store.appendToStream(other, [anEvent(), shared], { expectedVersion: 'any' })).rejects.toBeInstanceOf(
      DuplicateEventIdError,
    );
    expect(await store.readStream(other)).toEqual([]);
    await store.close();
  });

  it('group commit: concurrent appends share a transaction, and a conflicting one fails alone', async () => {
    const store = openSqliteStore({ file: aFile() });
    const contested = aStream();
    await store.appendToStream(contested, someEvents(1), { expectedVersion: 'noStream' });
    const streams = Array.from({ length: 30 }, () => aStream());
    const results = await Promise.allSettled([
      ...streams.map((s) => store.appendToStream(s, someEvents(2), { expectedVersion: 'noStream' })),
      store.appendToStream(contested, someEvents(1), { expectedVersion: 0 }),
      store.appendToStream(contested, someEvents(1), { expectedVersion: 0 }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(31);
    expect(results[30]?.status).toBe('fulfilled');
    expect(results[31]).toMatchObject({ status: 'rejected', reason: { name: 'ConcurrencyError', actualVersion: 1 } });
    for (const s of streams) expect(await store.readStream(s)).toHaveLength(2);
    expect(await store.readStream(contested)).toHaveLength(2);
    // One transaction: every event of the batch carries the same recordedAt.
    const recordedAt = new Set((await store.readAll({ limit: 100 })).slice(1).map((e) => e.metadata.recordedAt));
    expect(recordedAt.size).toBe(1);
    await store.close();
  });

  it('never waits for the write lock on the event loop: while another connection holds it, the append waits on the writer thread and reads go on', async () => {
    // given a stream, and another connection holding the file's write lock
    const file = aFile();
    const store = openSqliteStore({ file });
    const first = aStream();
    await store.appendToStream(first, someEvents(1), { expectedVersion: 'noStream' });
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    // when an append is asked for
    const second = aStream();
    let acknowledged = false;
    const append = store.appendToStream(second, someEvents(1), { expectedVersion: 'noStream' }).then((result) => {
      acknowledged = true;
      return result;
    });
    // then timers fire and reads answer while it waits, and it is not acknowledged before it is written
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await store.readStream(first)).toHaveLength(1);
    expect(acknowledged).toBe(false);
    // and once the lock is released, it is written
    other.exec('COMMIT');
    other.close();
    await expect(append).resolves.toMatchObject({ nextExpectedVersion: 0 });
    expect(await store.readStream(second)).toHaveLength(1);
    await store.close();
  });

  it('the same append sent twice at once is stored once: both callers get its version and position, the second told it was stored already', async () => {
    const store = openSqliteStore({ file: aFile() });
    const stream = aStream();
    const events = someEvents(3);
    const [first, second] = await Promise.all([
      store.appendToStream(stream, events, { expectedVersion: 'any' }),
      store.appendToStream(stream, events, { expectedVersion: 'any' }),
    ]);
    expect(first).toEqual({ nextExpectedVersion: 2, position: 3n, alreadyStored: false });
    expect(second).toEqual({ ...first, alreadyStored: true });
    expect(await store.readStream(stream)).toHaveLength(3);
    await store.close();
  });

  it('a subscription sees appends made by another process on the same file', async () => {
    const file = aFile();
    const reader = openSqliteStore({ file, pollIntervalMs: 20 });
    const stream = aStream();
    const subscription = reader.subscribe();
    const received = (async () => {
      for await (const event of subscription) return event;
      return undefined;
    })();
    // A second connection stands for the other process: it shares nothing in memory with `reader`.
    const writer = openSqliteStore({ file });
    await writer.appendToStream(stream, someEvents(1), { expectedVersion: 'noStream' });
    expect((await received)?.streamId).toBe(stream);
    await subscription.close();
    await writer.close();
    await reader.close();
  });

  it('a live subscription gets every event once, in order and as stored, while another process appends between its commits', async () => {
    // given a store followed live, and a second store on the same file standing for another process
    const file = aFile();
    const local = openSqliteStore({ file, pollIntervalMs: 20 });
    const foreign = openSqliteStore({ file });
    const subscription = local.subscribe();
    const expected = 60;
    const received = (async () => {
      const events = [];
      for await (const event of subscription) {
        events.push(event);
        if (events.length === expected) break;
      }
      return events;
    })();
    // when both append, in turns and at once, several events per append
    for (let round = 0; round < 5; round++) {
      await local.appendToStream(aStream(), someEvents(3), { expectedVersion: 'noStream' });
      await foreign.appendToStream(aStream(), someEvents(2), { expectedVersion: 'noStream' });
      await Promise.all([
        local.appendToStream(aStream(), someEvents(2), { expectedVersion: 'noStream' }),
        foreign.appendToStream(aStream(), someEvents(1), { expectedVersion: 'noStream' }),
        local.appendToStream(aStream(), someEvents(4), { expectedVersion: 'noStream' }),
      ]);
    }
    // then the subscription got the log exactly as a fresh connection reads it, field order of the metadata included
    const events = await received;
    const reader = openSqliteStore({ file });
    const stored = await reader.readAll({ limit: 1000 });
    expect(stored).toHaveLength(expected);
    expect(events.map((e) => JSON.stringify({ ...e, position: String(e.position) }))).toEqual(stored.map((e) => JSON.stringify({ ...e, position: String(e.position) })));
    await subscription.close();
    await Promise.all([reader.close(), foreign.close(), local.close()]);
  });

  it('never stamps a recordedAt earlier than the last one, even when the clock steps back', async () => {
    let clock = new Date('2026-07-01T10:00:00.000Z');
    const store = openSqliteStore({ file: aFile(), now: () => clock });
    await store.appendToStream(aStream(), someEvents(1), { expectedVersion: 'noStream' });
    clock = new Date('2026-07-01T09:59:00.000Z');
    await store.appendToStream(aStream(), someEvents(1), { expectedVersion: 'noStream' });
    const stamps = (await store.readAll()).map((e) => e.metadata.recordedAt);
    expect(stamps).toEqual(['2026-07-01T10:00:00.000Z', '2026-07-01T10:00:00.000Z']);
    expect(await store.headPosition()).toBe(2n);
    await store.close();
  });

  it('writes lone appends on the event loop and bursts on the writer thread, interleaved: positions follow on, stamps never go back', async () => {
    // given a clock that steps back and forth between writes
    let clock = new Date('2026-07-01T10:00:00.000Z');
    const store = openSqliteStore({ file: aFile(), now: () => clock });
    const burst = (count: number) => Promise.all(Array.from({ length: count }, () => store.appendToStream(aStream(), someEvents(2), { expectedVersion: 'noStream' })));
    // when a lone append (this thread's connection) and bursts (the writer's connection) alternate
    const lone = aStream();
    await store.appendToStream(lone, someEvents(1), { expectedVersion: 'noStream' });
    clock = new Date('2026-07-01T09:00:00.000Z');
    await burst(3);
    clock = new Date('2026-07-01T11:00:00.000Z');
    await burst(2);
    clock = new Date('2026-07-01T08:00:00.000Z');
    const last = await store.appendToStream(lone, someEvents(1), { expectedVersion: 0 });
    // then each connection stamped after the other's last commit, and positions follow on
    const events = await store.readAll();
    expect(events.map((e) => e.metadata.recordedAt)).toEqual([
      '2026-07-01T10:00:00.000Z',
      ...Array<string>(6).fill('2026-07-01T10:00:00.000Z'),
      ...Array<string>(4).fill('2026-07-01T11:00:00.000Z'),
      '2026-07-01T11:00:00.000Z',
    ]);
    expect(events.map((e) => e.position)).toEqual(Array.from({ length: 12 }, (_, i) => BigInt(i + 1)));
    expect(last).toEqual({ nextExpectedVersion: 1, position: 12n, alreadyStored: false });
    await store.close();
  });

  it('never stamps earlier than another process did on the same file, even with a clock behind', async () => {
    const file = aFile();
    const ahead = openSqliteStore({ file, now: () => new Date('2026-07-01T10:00:00.000Z') });
    const behind = openSqliteStore({ file, now: () => new Date('2026-07-01T09:00:00.000Z') });
    await behind.appendToStream(aStream(), someEvents(1), { expectedVersion: 'noStream' });
    await ahead.appendToStream(aStream(), someEvents(1), { expectedVersion: 'noStream' });
    await behind.appendToStream(aStream(), someEvents(1), { expectedVersion: 'noStream' });
    const stamps = (await behind.readAll()).map((e) => e.metadata.recordedAt);
    expect(stamps).toEqual(['2026-07-01T09:00:00.000Z', '2026-07-01T10:00:00.000Z', '2026-07-01T10:00:00.000Z']);
    await ahead.close();
    await behind.close();
  });

  it('close waits for appends already requested', async () => {
    const file = aFile();
    const store = openSqliteStore({ file });
    const stream = aStream();
    const pending = store.appendToStream(stream, someEvents(3), { expectedVersion: 'noStream' });
    await store.close();
    await expect(pending).resolves.toMatchObject({ nextExpectedVersion: 2 });
    await expect(store.appendToStream(stream, someEvents(1), { expectedVersion: 2 })).rejects.toThrow(/closed/);
    const reopened = openSqliteStore({ file });
    expect(await reopened.readStream(stream)).toHaveLength(3);
    await reopened.close();
  });
});
