import { resolve } from 'node:path';
import { runInThisContext } from 'node:vm';
import type { ExpectedVersion, NewEvent } from '../port.js';
import { categoryOf } from '../port.js';
import { Database } from './driver.js';
import type { Connection } from './driver.js';
import { WRITER_AUTOCHECKPOINT_PAGES } from './checkpointer.js';
import { ANSWER_REQUESTS, RequestThread } from './requestThread.js';

/** One append as the store hands it to the writer, which sends the thread its events' data and metadata as JSON. */
export type AppendRequest = { streamId: string; expectedVersion: ExpectedVersion; events: readonly NewEvent[] };

/** An append as the thread takes it: each event as [id, type, data's JSON, metadata's JSON before the stamp]. */
export type EncodedAppend = { streamId: string; category: string; expectedVersion: ExpectedVersion; events: [string, string, string, string][] };

export const encodeAppend = ({ streamId, expectedVersion, events }: AppendRequest): EncodedAppend => ({
  streamId,
  category: categoryOf(streamId),
  expectedVersion,
  events: events.map((e) => [e.eventId, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata)]),
});

/**
 * What became of one append of a batch: written (its last event's version and position, and the
 * batch's `recordedAt` stamp); refused before writing, the stream being at `current` (null:
 * absent); or failed while writing (a constraint), its writes undone.
 */
export type AppendOutcome =
  | { kind: 'written'; version: number; position: number; recordedAt: string }
  | { kind: 'conflict'; current: number | null }
  | { kind: 'failed'; code: string; message: string };

/**
 * Given a writing connection, prepares its statements and returns `writeBatch(appends, stamped)`.
 * Plain JavaScript, so that one source serves the writer thread and `writeBatchOn` alike. The
 * rules stay with the store; this checks versions and writes.
 */
const BATCH_WRITER = `(db) => {
const currentVersion = db.prepare('SELECT stream_version FROM events WHERE stream_id = ? ORDER BY stream_version DESC LIMIT 1').pluck();
const insert = db.prepare('INSERT INTO events (event_id, stream_id, stream_version, category, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?, ?)');
const lastRecordedAt = db.prepare("SELECT json_extract(metadata, '$.recordedAt') FROM events ORDER BY position DESC LIMIT 1").pluck();
// Changes only when another connection commits: until then this connection's last stamp is the last one.
const dataVersion = db.prepare('PRAGMA data_version').pluck();
const [begin, commit, rollback, savepoint, rollbackToSavepoint, releaseSavepoint] =
  ['BEGIN IMMEDIATE', 'COMMIT', 'ROLLBACK', 'SAVEPOINT append', 'ROLLBACK TO append', 'RELEASE append'].map((sql) => db.prepare(sql));
let lastStamp = null;

const meets = (expected, current) =>
  expected === 'any' || (expected === 'noStream' && current === null) || (expected === 'streamExists' && current !== null) || expected === current;

// The metadata's JSON ends with its closing brace: recordedAt goes in as its last field.
const stampedMetadata = (json, recordedAt) => (json === '{}' ? '{' : json.slice(0, -1) + ',') + '"recordedAt":' + JSON.stringify(recordedAt) + '}';

return function writeBatch(appends, stamped) {
  const outcomes = [];
  begin.run();
  try {
    // Inside the write lock: if another connection appended since this one's last commit, its stamp is read back.
    const version = dataVersion.get();
    const previous = lastStamp && lastStamp.dataVersion === version ? lastStamp.recordedAt : lastRecordedAt.get();
    const recordedAt = previous !== undefined && previous !== null && previous > stamped ? previous : stamped;
    for (const append of appends) {
      const current = currentVersion.get(append.streamId) ?? null;
      if (!meets(append.expectedVersion, current)) {
        outcomes.push({ kind: 'conflict', current });
        continue;
      }
      savepoint.run();
      try {
        let streamVersion = current ?? -1;
        let position = 0;
        for (const [eventId, type, data, metadata] of append.events) {
          streamVersion += 1;
          position = Number(insert.run(eventId, append.streamId, streamVersion, append.category, type, data, stampedMetadata(metadata, recordedAt)).lastInsertRowid);
        }
        releaseSavepoint.run();
        outcomes.push({ kind: 'written', version: streamVersion, position, recordedAt });
      } catch (error) {
        rollbackToSavepoint.run();
        releaseSavepoint.run();
        outcomes.push({ kind: 'failed', code: String(error && error.code), message: String(error && error.message) });
      }
    }
    commit.run();
    lastStamp = { dataVersion: dataVersion.get(), recordedAt };
    return outcomes;
  } catch (error) {
    if (db.inTransaction) rollback.run();
    throw error;
  }
};
}`;

const WRITER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = ' + workerData.busyTimeoutMs);
db.pragma('cache_size = -65536');
db.pragma('wal_autocheckpoint = ' + workerData.autocheckpointPages);
const writeBatch = (${BATCH_WRITER})(db);
const handle = ({ appends, stamped }) => writeBatch(appends, stamped);
${ANSWER_REQUESTS}`;

/** Writes the appends in one transaction, each refused or failing alone; throws if the transaction as a whole fails. */
type WriteBatch = (appends: readonly EncodedAppend[], stamped: string) => AppendOutcome[];

/**
 * The writer's batch writing on a connection of the calling thread (synchronous=FULL, as the
 * thread's): the commit and its fsync then hold this thread, but never a wait for the write lock.
 * If another connection holds it, nothing is written and the answer is `'locked'`.
 */
export function writeBatchOn(db: Connection, busyTimeoutMs: number): (appends: readonly EncodedAppend[], stamped: string) => AppendOutcome[] | 'locked' {
  const writeBatch = (runInThisContext(BATCH_WRITER, { filename: 'sqlite-batch-writer.js' }) as (db: Connection) => WriteBatch)(db);
  const noWait = db.prepare('PRAGMA busy_timeout = 0');
  const wait = db.prepare(`PRAGMA busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
  return (appends, stamped) => {
    noWait.run();
    try {
      return writeBatch(appends, stamped);
    } catch (error) {
      // writeBatch has rolled back whatever it began: a busy lock leaves nothing written.
      if (error instanceof Database.SqliteError && error.code.startsWith('SQLITE_BUSY')) return 'locked';
      throw error;
    } finally {
      wait.run();
    }
  };
}

/**
 * The event store's writes, on a thread with a connection of its own: a batch's inserts, its
 * COMMIT and the fsync under it no longer hold the event loop, so reads go on while appends are
 * made durable (under an offer load, the event loop's p99 delay fell from 24–25 to 9–10 ms). A batch
 * settles once committed; batches are written one at a time, in the order sent.
 */
export class AppendWriter {
  private readonly thread: RequestThread<AppendOutcome[]>;

  constructor(file: string, busyTimeoutMs: number) {
    this.thread = new RequestThread('the store\'s writer', WRITER_SOURCE, { file: resolve(file), busyTimeoutMs, autocheckpointPages: WRITER_AUTOCHECKPOINT_PAGES });
  }

  /** Writes the appends in one transaction, each refused or failing alone; rejects if the transaction as a whole fails. */
  write(appends: readonly EncodedAppend[], stamped: string): Promise<AppendOutcome[]> {
    return this.thread.request({ stamped, appends });
  }

  /** After the batches already sent: closes the writer's connection and ends its thread. */
  close(): Promise<void> {
    return this.thread.close();
  }
}
