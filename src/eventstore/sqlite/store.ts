import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { checkExpectedVersion, matchIdempotentRetry, validateAppend } from '../appendRules.js';
import { StoreClosedError, StoreUnavailableError } from '../errors.js';
import { AppendNotifier, pollingSubscription } from '../pollingSubscription.js';
import { DEFAULT_READ_ALL_LIMIT, categoryOf } from '../port.js';
import { matchesFilter } from '../reading.js';
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
import { AppendWriter, encodeAppend, writeBatchOn } from './appendWriter.js';
import type { AppendOutcome, EncodedAppend } from './appendWriter.js';
import { Checkpointer, WRITER_AUTOCHECKPOINT_PAGES } from './checkpointer.js';
import { Database } from './driver.js';
import { RecentAppends } from './recentAppends.js';
import type { CommittedEvent } from './recentAppends.js';
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

type EventRow = [number, string, string, number, string, string, string];

/** Events of this process's last commits kept for its live subscriptions: several batches of a busy writer. */
const RECENT_EVENTS = 4096;

/**
 * Batches sent to the writer before the first is answered. With two, the writer starts the next
 * batch as soon as it has committed one, rather than after the event loop has taken the answer
 * and sent another: offers on the API rose 6-12 % (scratch runs, 50 connections); three or eight
 * did no better. The price: the store bench's 50 bare concurrent appenders, whose event loop does
 * nothing else, get smaller batches (38 against 40-41 thousand events/s; 5.7× raw either way).
 */
const MAX_BATCHES_IN_FLIGHT = 2;

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
 * Group commit: appends requested while the writer has batches to write are written together in
 * the next transaction (each in its own savepoint, so a conflicting append fails alone) and all
 * acknowledged after its single fsync. Under concurrent writers this turns N fsyncs into one.
 * Batches are written by a thread with a connection of its own (AppendWriter), so their commits
 * do not hold the event loop; a lone append with nothing in flight is committed here (see flush).
 * Reads use this thread's connection, and live subscriptions take this process's last commits
 * from memory (RecentAppends). Most checkpoints run on another thread (Checkpointer).
 */
export function openSqliteStore(options: SqliteStoreOptions): EventStore {
  mkdirSync(dirname(options.file), { recursive: true });
  const db = new Database(options.file);
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  prepareDatabase(db, busyTimeoutMs);
  const now = options.now ?? (() => new Date());
  const maxAppendsPerCommit = options.maxAppendsPerCommit ?? 1000;
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const notifier = new AppendNotifier();

  const storedById = db.prepare<[string], { streamId: string; streamVersion: number; position: number }>(
    'SELECT stream_id AS streamId, stream_version AS streamVersion, position FROM events WHERE event_id = ?',
  );
  const headPosition = db.prepare<[], number>('SELECT max(position) FROM events').pluck();
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
  let inFlight = 0;
  let idle: Promise<void> = Promise.resolve();
  let markIdle: () => void = () => undefined;
  const writer = new AppendWriter(options.file, busyTimeoutMs);
  // This connection writes lone appends too: it checkpoints by itself as rarely as the writer's.
  db.pragma(`wal_autocheckpoint = ${WRITER_AUTOCHECKPOINT_PAGES}`);
  const writeHere = writeBatchOn(db, busyTimeoutMs);
  const recent = new RecentAppends(RECENT_EVENTS);

  /** The events of the appends written, each at its position: an append's events take consecutive ones, its last is reported. */
  function committed(encoded: readonly EncodedAppend[], outcomes: readonly AppendOutcome[]): CommittedEvent[] {
    const events: CommittedEvent[] = [];
    encoded.forEach((append, i) => {
      const outcome = outcomes[i];
      if (outcome?.kind !== 'written') return;
      const count = append.events.length;
      append.events.forEach(([eventId, type, data, metadata], k) => {
        const back = count - 1 - k;
        events.push({ position: outcome.position - back, eventId, streamId: append.streamId, streamVersion: outcome.version - back, type, data, metadata, recordedAt: outcome.recordedAt });
      });
    });
    return events;
  }

  /** Answers an append whose ids are already stored: the original result, or a DuplicateEventIdError. */
  function retryResult(pending: PendingAppend): AppendResult | null {
    const stored = pending.events.map((e) => storedById.get(e.eventId));
    const version = matchIdempotentRetry(pending.streamId, pending.events, stored);
    const last = stored[stored.length - 1];
    return version === null || !last ? null : { nextExpectedVersion: version, position: BigInt(last.position), alreadyStored: true };
  }

  /**
   * Settles an append from what the writer made of it. Refused or failed, it may still be a retry
   * of an append already stored (the same event ids): read back once the batch is committed, its
   * ids say so, and it gets the first answer.
   */
  function settle(pending: PendingAppend, outcome: AppendOutcome | undefined): void {
    try {
      if (outcome === undefined) throw new StoreUnavailableError(`append to ${pending.streamId}: the writer gave no answer for it`);
      if (outcome.kind === 'written') return pending.resolve({ nextExpectedVersion: outcome.version, position: BigInt(outcome.position), alreadyStored: false });
      const failure = outcome.kind === 'failed' ? new Database.SqliteError(outcome.message, outcome.code) : null;
      if (failure && !isUniqueViolationOn(failure, 'events.event_id')) throw failure;
      const retry = retryResult(pending);
      if (retry) return pending.resolve(retry);
      if (failure) throw failure;
      checkExpectedVersion(pending.streamId, pending.expectedVersion, outcome.kind === 'conflict' ? outcome.current : null);
      throw new StoreUnavailableError(`append to ${pending.streamId}: the writer refused a version the store accepts`);
    } catch (error) {
      pending.reject(error);
    }
  }

  /** Settles a batch from the outcomes of its transaction, and tells the live subscriptions. */
  function written(batch: readonly PendingAppend[], encoded: readonly EncodedAppend[], outcomes: readonly AppendOutcome[]): void {
    recent.add(committed(encoded, outcomes));
    batch.forEach((pending, i) => settle(pending, outcomes[i]));
    if (outcomes.some((o) => o.kind === 'written')) notifier.notify();
  }

  /** The transaction as a whole failed (disk full, lock timeout, the thread gone): nothing of it is stored. */
  function failed(batch: readonly PendingAppend[], error: unknown): void {
    const failure = new StoreUnavailableError(`append failed, nothing was stored: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    for (const pending of batch) pending.reject(failure);
  }

  /**
   * Writes the next batch, unless enough are on their way: appends wait for one to be answered,
   * and go together. A lone append with nothing in flight is written here, on the event loop:
   * through the thread it cost a sequential writer about 100 µs more than raw SQLite (an echo
   * round trip to a thread alone takes 55 µs here), more than the commit holds the loop; and a
   * batch can only grow while another is being written. If another process holds the write
   * lock, it goes to the thread, which waits for the lock.
   */
  function flush(): void {
    flushScheduled = false;
    if (inFlight >= MAX_BATCHES_IN_FLIGHT || queue.length === 0) return;
    const batch = queue.slice(0, maxAppendsPerCommit);
    queue = queue.slice(batch.length);
    const encoded = batch.map(encodeAppend);
    const stamped = now().toISOString();
    if (inFlight === 0 && batch.length === 1 && settledHere(batch, encoded, stamped)) return afterBatch(scheduleFlush);
    inFlight += 1;
    writer
      .write(encoded, stamped)
      .then(
        (outcomes) => written(batch, encoded, outcomes),
        (error: unknown) => failed(batch, error),
      )
      .finally(() => {
        inFlight -= 1;
        afterBatch(flush);
      });
  }

  /** Writes the batch on this thread's connection and settles it; false, with nothing written, if another connection holds the write lock. */
  function settledHere(batch: readonly PendingAppend[], encoded: readonly EncodedAppend[], stamped: string): boolean {
    let outcomes: AppendOutcome[] | 'locked';
    try {
      outcomes = writeHere(encoded, stamped);
    } catch (error) {
      failed(batch, error);
      return true;
    }
    if (outcomes === 'locked') return false;
    written(batch, encoded, outcomes);
    return true;
  }

  /** `next` writes what queued meanwhile: at once after the thread's answer, on a later turn after a write here. */
  function afterBatch(next: () => void): void {
    if (queue.length > 0) next();
    else if (inFlight === 0) markIdle();
  }

  function scheduleFlush(): void {
    if (flushScheduled) return;
    flushScheduled = true;
    setImmediate(flush);
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

  // Last, so that a failure above leaves no thread behind but the writer's, which close() ends.
  let checkpointFailureSaid = false;
  const checkpointer = new Checkpointer(
    options.file,
    (problem) => {
      // The writer thread still checkpoints by itself (every WRITER_AUTOCHECKPOINT_PAGES), off the event loop; said once.
      if (checkpointFailureSaid || closed) return;
      checkpointFailureSaid = true;
      process.emitWarning(`sqlite store ${options.file}: ${problem}; the writer checkpoints by itself from now on`, { code: 'SPE_CHECKPOINT' });
    },
    options.checkpointIntervalMs,
  );

  return {
    appendToStream(streamId, events, { expectedVersion }) {
      return new Promise<AppendResult>((resolve, reject) => {
        ensureOpen();
        validateAppend(streamId, events);
        if (queue.length === 0 && inFlight === 0) idle = new Promise((settled) => (markIdle = settled));
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
      // A short read of what this process wrote last only makes the subscription wait for the next
      // append or poll, as it does after any read: another process's later events are read then.
      const read = async (after: Position | undefined, limit: number): Promise<RecordedEvent[]> => {
        if (closed) return [];
        const held = after !== undefined ? recent.after(Number(after), limit) : null;
        return held ?? readAllSync({ after, limit });
      };
      // Every event is read, and the filter picks: read by the filter, the subscription would go on
      // from its last match, and scan the log from there at every poll (from the first event, for a
      // type that never came: a quarter of a core for one idle stream at 315,000 events).
      const { filter } = options;
      const keep = filter === undefined ? undefined : (event: RecordedEvent) => matchesFilter(event.type, categoryOf(event.streamId), filter.types, filter.categories);
      return pollingSubscription(read, notifier, { after: options.after, pollIntervalMs, keep });
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
        await writer.close();
        await checkpointer.close();
        db.close();
      })();
      return closing;
    },
  };
}
