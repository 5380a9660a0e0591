import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { checkExpectedVersion, matchIdempotentRetry, validateAppend } from '../appendRules.js';
import { StoreClosedError, StoreUnavailableError } from '../errors.js';
import { AppendNotifier, pollingSubscription } from '../pollingSubscription.js';
import { DEFAULT_READ_ALL_LIMIT, categoryOf } from '../port.js';
import type {
  AppendResult,
  EventMetadata,
  EventStore,
  ExpectedVersion,
  JsonObject,
  NewEvent,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
} from '../port.js';
import { Checkpointer, WRITER_AUTOCHECKPOINT_PAGES } from './checkpointer.js';
import { prepareDatabase } from './schema.js';

export type SqliteStoreOptions = {
  /** Path of the database file; its directory is created if absent. */
  file: string;
  /** How often a live subscription looks for appends made by other processes (ms). */
  pollIntervalMs?: number;
  busyTimeoutMs?: number;
  /** Upper bound on appends coalesced into one transaction. */
  maxAppendsPerCommit?: number;
  /** How often a worker thread checkpoints the WAL into the database file (ms). */
  checkpointIntervalMs?: number;
  now?: () => Date;
};

type PendingAppend = {
  streamId: string;
  events: readonly NewEvent[];
  expectedVersion: ExpectedVersion;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
};

type Outcome = { ok: true; result: AppendResult } | { ok: false; error: unknown };

type EventRow = [number, string, string, number, string, string, string];

const COLUMNS = 'position, event_id, stream_id, stream_version, type, data, metadata';

function toRecorded(row: EventRow): RecordedEvent {
  return {
    position: BigInt(row[0]),
    eventId: row[1],
    streamId: row[2],
    streamVersion: row[3],
    type: row[4],
    data: JSON.parse(row[5]) as JsonObject,
    metadata: JSON.parse(row[6]) as EventMetadata,
  };
}

function isUniqueViolationOn(error: unknown, column: string): boolean {
  return (
    error instanceof Database.SqliteError &&
    error.code === 'SQLITE_CONSTRAINT_UNIQUE' &&
    error.message.includes(column)
  );
}

/**
 * The embedded default store: one SQLite file, WAL, synchronous=FULL.
 *
 * Group commit: appends requested during one event-loop turn are written in one transaction
 * (each in its own savepoint, so a conflicting append fails alone) and all acknowledged after
 * its single fsync. Under concurrent writers this turns N fsyncs into one. Most checkpoints run
 * on a worker thread (Checkpointer), so they do not stall the event loop.
 */
export function openSqliteStore(options: SqliteStoreOptions): EventStore {
  mkdirSync(dirname(options.file), { recursive: true });
  const db = new Database(options.file);
  prepareDatabase(db, options.busyTimeoutMs ?? 5000);
  db.pragma(`wal_autocheckpoint = ${WRITER_AUTOCHECKPOINT_PAGES}`);
  const now = options.now ?? (() => new Date());
  const maxAppendsPerCommit = options.maxAppendsPerCommit ?? 1000;
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const notifier = new AppendNotifier();

  const currentVersion = db.prepare<[string], number>(
    'SELECT stream_version FROM events WHERE stream_id = ? ORDER BY stream_version DESC LIMIT 1',
  ).pluck();
  const insert = db.prepare(
    'INSERT INTO events (event_id, stream_id, stream_version, category, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const storedById = db.prepare<[string], { streamId: string; streamVersion: number; position: number }>(
    'SELECT stream_id AS streamId, stream_version AS streamVersion, position FROM events WHERE event_id = ?',
  );
  const lastRecordedAt = db
    .prepare<[], string>("SELECT json_extract(metadata, '$.recordedAt') FROM events ORDER BY position DESC LIMIT 1")
    .pluck();
  const headPosition = db.prepare<[], number>('SELECT max(position) FROM events').pluck();
  // Changes only when another connection commits: until then our own last stamp is the last one.
  const dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
  let lastStamp: { dataVersion: number; recordedAt: string | undefined } | null = null;
  const begin = db.prepare('BEGIN IMMEDIATE');
  const commit = db.prepare('COMMIT');
  const rollback = db.prepare('ROLLBACK');
  const savepoint = db.prepare('SAVEPOINT append');
  const rollbackToSavepoint = db.prepare('ROLLBACK TO append');
  const releaseSavepoint = db.prepare('RELEASE append');
  const readForwards = db.prepare<[string, number, number], EventRow>(
    `SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND stream_version >= ? ORDER BY stream_version LIMIT ?`,
  ).raw();
  const readBackwards = db.prepare<[string, number, number], EventRow>(
    `SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND stream_version <= ? ORDER BY stream_version DESC LIMIT ?`,
  ).raw();
  const readAllStatements = {
    none: db.prepare<[number, number], EventRow>(
      `SELECT ${COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`,
    ).raw(),
    types: db.prepare<[number, string, number], EventRow>(
      `SELECT ${COLUMNS} FROM events WHERE position > ? AND type IN (SELECT value FROM json_each(?)) ORDER BY position LIMIT ?`,
    ).raw(),
    categories: db.prepare<[number, string, number], EventRow>(
      `SELECT ${COLUMNS} FROM events WHERE position > ? AND category IN (SELECT value FROM json_each(?)) ORDER BY position LIMIT ?`,
    ).raw(),
    both: db.prepare<[number, string, string, number], EventRow>(
      `SELECT ${COLUMNS} FROM events WHERE position > ? AND type IN (SELECT value FROM json_each(?))
         AND category IN (SELECT value FROM json_each(?)) ORDER BY position LIMIT ?`,
    ).raw(),
  };

  let closed = false;
  let closing: Promise<void> | null = null;
  let queue: PendingAppend[] = [];
  let flushScheduled = false;
  let idle: Promise<void> = Promise.resolve();
  let markIdle: () => void = () => undefined;

  /** Answers an append whose ids are already stored: the original result, or a DuplicateEventIdError. */
  function retryResult(pending: PendingAppend): AppendResult | null {
    const stored = pending.events.map((e) => storedById.get(e.eventId));
    const version = matchIdempotentRetry(pending.streamId, pending.events, stored);
    const last = stored[stored.length - 1];
    return version === null || !last ? null : { nextExpectedVersion: version, position: BigInt(last.position) };
  }

  /**
   * Writes one append inside the open transaction. A refusal decided before writing (version
   * conflict) is returned as an outcome; a failure while inserting throws, and its partial
   * writes must be rolled back by the caller.
   */
  function appendOne(pending: PendingAppend, recordedAt: string): Outcome {
    const { streamId, events } = pending;
    const current = currentVersion.get(streamId) ?? null;
    try {
      checkExpectedVersion(streamId, pending.expectedVersion, current);
    } catch (conflict) {
      try {
        const retry = retryResult(pending);
        return retry ? { ok: true, result: retry } : { ok: false, error: conflict };
      } catch (duplicate) {
        return { ok: false, error: duplicate };
      }
    }
    const category = categoryOf(streamId);
    let version = current ?? -1;
    let position = 0;
    for (const event of events) {
      version += 1;
      const metadata = JSON.stringify({ ...event.metadata, recordedAt });
      const info = insert.run(event.eventId, streamId, version, category, event.type, JSON.stringify(event.data), metadata);
      position = Number(info.lastInsertRowid);
    }
    return { ok: true, result: { nextExpectedVersion: version, position: BigInt(position) } };
  }

  /** After its writes were rolled back: a stored event id may mean the append is a retry of one already stored. */
  function settleFailedAppend(pending: PendingAppend, error: unknown): Outcome {
    if (!isUniqueViolationOn(error, 'events.event_id')) return { ok: false, error };
    try {
      const retry = retryResult(pending);
      return retry ? { ok: true, result: retry } : { ok: false, error };
    } catch (duplicate) {
      return { ok: false, error: duplicate };
    }
  }

  /**
   * One transaction for the whole batch. Inserts rarely fail, so the first attempt takes no
   * savepoints; if one does, the transaction is rolled back (null) and the batch is redone with
   * a savepoint per append, so the failing append fails alone.
   */
  function commitBatch(batch: readonly PendingAppend[], withSavepoints: boolean): Outcome[] | null {
    const outcomes: Outcome[] = [];
    begin.run();
    // Inside the write lock: if another process appended since our last commit, its stamp is read back.
    const stamped = now().toISOString();
    const version = dataVersion.get() as number;
    const previous = lastStamp && lastStamp.dataVersion === version ? lastStamp.recordedAt : lastRecordedAt.get();
    const recordedAt = previous !== undefined && previous > stamped ? previous : stamped;
    lastStamp = { dataVersion: version, recordedAt };
    for (const pending of batch) {
      if (withSavepoints) savepoint.run();
      try {
        outcomes.push(appendOne(pending, recordedAt));
      } catch (error) {
        if (!withSavepoints) {
          rollback.run();
          return null;
        }
        rollbackToSavepoint.run();
        outcomes.push(settleFailedAppend(pending, error));
      }
      if (withSavepoints) releaseSavepoint.run();
    }
    commit.run();
    return outcomes;
  }

  function flush(): void {
    flushScheduled = false;
    const batch = queue.slice(0, maxAppendsPerCommit);
    queue = queue.slice(batch.length);
    if (queue.length > 0) scheduleFlush();
    let outcomes: Outcome[];
    try {
      outcomes = commitBatch(batch, false) ?? commitBatch(batch, true) ?? [];
    } catch (error) {
      // The transaction as a whole failed (disk full, lock timeout): nothing of it is stored.
      if (db.inTransaction) rollback.run();
      const failure = new StoreUnavailableError(`append failed, nothing was stored: ${String(error)}`, { cause: error });
      for (const pending of batch) pending.reject(failure);
      settleIfIdle();
      return;
    }
    batch.forEach((pending, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok) pending.resolve(outcome.result);
      else pending.reject(outcome?.error);
    });
    if (outcomes.some((o) => o.ok)) notifier.notify();
    settleIfIdle();
  }

  function scheduleFlush(): void {
    if (flushScheduled) return;
    flushScheduled = true;
    setImmediate(flush);
  }

  function settleIfIdle(): void {
    if (queue.length === 0) markIdle();
  }

  function readAllSync({ after, filter, limit = DEFAULT_READ_ALL_LIMIT }: ReadAllOptions): RecordedEvent[] {
    const from = after === undefined ? 0 : Number(after);
    const types = filter?.types ? JSON.stringify(filter.types) : undefined;
    const categories = filter?.categories ? JSON.stringify(filter.categories) : undefined;
    let rows: EventRow[];
    if (types !== undefined && categories !== undefined) rows = readAllStatements.both.all(from, types, categories, limit);
    else if (types !== undefined) rows = readAllStatements.types.all(from, types, limit);
    else if (categories !== undefined) rows = readAllStatements.categories.all(from, categories, limit);
    else rows = readAllStatements.none.all(from, limit);
    return rows.map(toRecorded);
  }

  const ensureOpen = (): void => {
    if (closed) throw new StoreClosedError();
  };

  // Last, so that a failure above leaves no thread behind.
  let checkpointsTakenBack = false;
  const checkpointer = new Checkpointer(
    options.file,
    (problem) => {
      // The writer takes checkpoints back, at SQLite's default size, and says so once.
      if (checkpointsTakenBack || closed) return;
      checkpointsTakenBack = true;
      db.pragma('wal_autocheckpoint = 1000');
      process.emitWarning(`sqlite store ${options.file}: ${problem}; the writer checkpoints by itself from now on`, { code: 'SPE_CHECKPOINT' });
    },
    options.checkpointIntervalMs,
  );

  return {
    appendToStream(streamId, events, { expectedVersion }) {
      return new Promise<AppendResult>((resolve, reject) => {
        ensureOpen();
        validateAppend(streamId, events);
        if (queue.length === 0) idle = new Promise((settle) => (markIdle = settle));
        queue.push({ streamId, events, expectedVersion, resolve, reject });
        scheduleFlush();
      });
    },
    async readStream(streamId: string, { from, direction = 'forwards', limit }: ReadStreamOptions = {}) {
      ensureOpen();
      const max = limit ?? -1;
      const rows =
        direction === 'backwards'
          ? readBackwards.all(streamId, from ?? Number.MAX_SAFE_INTEGER, max)
          : readForwards.all(streamId, from ?? 0, max);
      return rows.map(toRecorded);
    },
    async readAll(options: ReadAllOptions = {}) {
      ensureOpen();
      return readAllSync(options);
    },
    subscribe(options = {}) {
      ensureOpen();
      const read = async (after: Position | undefined, limit: number): Promise<RecordedEvent[]> =>
        closed ? [] : readAllSync({ after, filter: options.filter, limit });
      return pollingSubscription(read, notifier, { after: options.after, pollIntervalMs });
    },
    async headPosition() {
      ensureOpen();
      const head = headPosition.get();
      return head === null || head === undefined ? null : BigInt(head);
    },
    async ping() {
      ensureOpen();
      try {
        db.prepare('SELECT 1').get();
      } catch (error) {
        throw new StoreUnavailableError(`sqlite store at ${options.file} does not answer: ${String(error)}`, { cause: error });
      }
    },
    close() {
      closing ??= (async () => {
        await idle;
        closed = true;
        notifier.notify();
        await checkpointer.close();
        db.close();
      })();
      return closing;
    },
  };
}
