import { hash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { SnapshotDamagedError } from '../snapshots.js';
import type { FoundSnapshot, SnapshotMeta, SnapshotStore } from '../snapshots.js';
import { Database } from './driver.js';
import type { Connection } from './driver.js';
import { ANSWER_REQUESTS, RequestThread } from './requestThread.js';

// Positions can exceed 64 bits (EventStoreDB's are packed pairs): stored as fixed-width decimals, they sort as numbers.
const POSITION_DIGITS = 40;
const encodePosition = (position: bigint): string => position.toString().padStart(POSITION_DIGITS, '0');

type MetaRow = { projection: string; version: number; position: string; max_occurred_at: number; max_recorded_at: number; taken_at: number; base: string | null; first_event_id: string | null };
type Row = MetaRow & { state: Buffer; base_state: Buffer | null };

const toMeta = (row: MetaRow): SnapshotMeta => ({
  projection: row.projection,
  version: row.version,
  position: BigInt(row.position),
  maxOccurredAt: row.max_occurred_at,
  maxRecordedAt: row.max_recorded_at,
  takenAt: row.taken_at,
  base: row.base === null ? null : BigInt(row.base),
  firstEventId: row.first_event_id ?? null,
});

const toSnapshot = (row: Row): FoundSnapshot => ({ meta: toMeta(row), state: row.state, ...(row.base_state ? { baseState: row.base_state } : {}) });

// Everything older than the `keep`-th newest full snapshot goes, and so do the deltas on a full snapshot that goes.
const DOOMED = `projection = @projection AND (version < @version OR (version = @version AND (position < @oldest OR base < @oldest)))`.replaceAll(
  '@oldest',
  `(SELECT min(position) FROM (SELECT position FROM snapshot_meta
     WHERE projection = @projection AND version = @version AND base IS NULL ORDER BY position DESC LIMIT @keep))`,
);

// It runs, in one transaction, the statements it is sent by name.
const WRITER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('synchronous = NORMAL');
db.pragma('busy_timeout = 5000');
// Hashed here, off the event loop (30 MB took some 15 ms): saveState stores a state's checksum beside it.
const { hash } = require('node:crypto');
db.function('sha256', { deterministic: true }, (bytes) => hash('sha256', bytes, 'hex'));
const statements = Object.fromEntries(Object.entries(workerData.sql).map(([name, sql]) => [name, db.prepare(sql)]));
const handle = db.transaction((steps) => { for (const [name, params] of steps) statements[name].run(...params); });
${ANSWER_REQUESTS}`;

type Step = [name: string, params: readonly unknown[]];

/**
 * The snapshot store's writes, on a thread with a connection of its own. A full snapshot of the
 * sales projection at 100,000 deals is 30 MB: written on the event loop it held every request for
 * 190–280 ms, every `snapshotEvery` events. Writes run in the order sent; each settles once
 * committed, so a read after it sees it.
 */
class SnapshotWriter {
  private readonly thread: RequestThread<void>;

  constructor(file: string, sql: Record<string, string>) {
    this.thread = new RequestThread('snapshot writer', WRITER_SOURCE, { file: resolve(file), sql });
  }

  /** Runs the steps in one transaction on the writer's thread; `transfer` hands buffers over rather than copying them. */
  async run(steps: readonly Step[], transfer: ArrayBuffer[] = []): Promise<void> {
    try {
      await this.thread.request(steps, transfer);
    } catch (error) {
      throw new Error(`snapshot write failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  close(): Promise<void> {
    return this.thread.close();
  }
}

const columnsOf = (db: Connection, schema: string, table: string): string[] =>
  db.prepare<[], string>(`SELECT name FROM pragma_table_info('${table}', '${schema}')`).pluck().all();

/** The columns of snapshot_meta that every version of this store has had (first_event_id came later). */
const META_COLUMNS = 'projection, version, position, max_occurred_at, max_recorded_at, taken_at, base';

/**
 * Moves into this store's tables the snapshots `schema` keeps elsewhere, and drops them there:
 * a file from before delta snapshots kept full ones in one table, and before snapshots had a file
 * of their own, they sat in the event file. One transaction, which SQLite commits file by file
 * when both are in WAL mode: after a crash between the two, the next open copies again, ignoring
 * what is already here, or, the copy lost, the projections replay the log (snapshots are a cache).
 */
function takeOverSnapshots(db: Connection, schema: 'main' | 'earlier'): void {
  const tables = new Set(db.prepare<[], string>(`SELECT name FROM ${schema}.sqlite_master WHERE type = 'table'`).pluck().all());
  const moves: string[] = [];
  if (tables.has('projection_snapshots')) {
    moves.push(`INSERT OR IGNORE INTO main.snapshot_meta (${META_COLUMNS}) SELECT projection, version, position, max_occurred_at, max_recorded_at, taken_at, NULL FROM ${schema}.projection_snapshots;
                INSERT OR IGNORE INTO main.snapshot_state (projection, version, position, state) SELECT projection, version, position, state FROM ${schema}.projection_snapshots;
                DROP TABLE ${schema}.projection_snapshots;`);
  }
  if (schema !== 'main') {
    for (const table of ['snapshot_meta', 'snapshot_state']) {
      const named = table === 'snapshot_meta' && columnsOf(db, schema, table).includes('first_event_id');
      const columns = table === 'snapshot_meta' ? `${META_COLUMNS}${named ? ', first_event_id' : ''}` : 'projection, version, position, state';
      if (tables.has(table)) moves.push(`INSERT OR IGNORE INTO main.${table} (${columns}) SELECT ${columns} FROM ${schema}.${table}; DROP TABLE ${schema}.${table};`);
    }
  }
  if (moves.length > 0) db.transaction(() => db.exec(moves.join('\n')))();
}

export type SqliteSnapshotStoreOptions = {
  /** A file whose snapshots move into this store when it opens (the event file, where earlier versions kept them). */
  movingFrom?: string;
};

/**
 * The file open, with its tables as this version keeps them. A damaged file (a torn copy, a full
 * disk) stopped the engine with "database disk image is malformed", naming neither file nor way out.
 */
function openSnapshotFile(file: string): Connection {
  let db: Connection | undefined;
  try {
    db = new Database(file);
    prepareSnapshotFile(db);
    return db;
  } catch (error) {
    db?.close();
    throw new Error(
      `the snapshot file ${file} cannot be read (${error instanceof Error ? error.message : String(error)}); it holds a cache only: delete it (and its -wal and -shm files) and start again, and the projections replay the event log`,
      { cause: error },
    );
  }
}

function prepareSnapshotFile(db: Connection): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec(`
    CREATE TABLE IF NOT EXISTS snapshot_meta (
      projection      TEXT    NOT NULL,
      version         INTEGER NOT NULL,
      position        TEXT    NOT NULL,
      max_occurred_at INTEGER NOT NULL,
      max_recorded_at INTEGER NOT NULL,
      taken_at        INTEGER NOT NULL,
      base            TEXT,
      first_event_id  TEXT,
      PRIMARY KEY (projection, version, position)
    ) STRICT;
    CREATE TABLE IF NOT EXISTS snapshot_state (
      projection TEXT    NOT NULL,
      version    INTEGER NOT NULL,
      position   TEXT    NOT NULL,
      state      BLOB    NOT NULL,
      checksum   TEXT,
      PRIMARY KEY (projection, version, position)
    ) STRICT;
  `);
  // Files from before checksums: their states say null, and are restored unchecked.
  if (!columnsOf(db, 'main', 'snapshot_state').includes('checksum')) db.exec('ALTER TABLE snapshot_state ADD COLUMN checksum TEXT');
  // A file from before snapshots named their log: its snapshots say null, and are not restored.
  if (!columnsOf(db, 'main', 'snapshot_meta').includes('first_event_id')) db.exec('ALTER TABLE snapshot_meta ADD COLUMN first_event_id TEXT');
  takeOverSnapshots(db, 'main');
}

/**
 * Projection snapshots in a SQLite file of their own, beside the event file or an EventStoreDB:
 * in the event file, a 30 MB snapshot held its write lock, and every append waited for it. Unlike
 * events, snapshots are a cache and may be replaced or deleted.
 * What a search filters on sits apart from the states: SQLite reads a row's columns in order, and
 * a column stored after a 20 MB state would cost a walk through all of its pages.
 */
export function openSqliteSnapshotStore(file: string, options: SqliteSnapshotStoreOptions = {}): SnapshotStore {
  mkdirSync(dirname(file), { recursive: true });
  const db = openSnapshotFile(file);
  if (options.movingFrom !== undefined && existsSync(options.movingFrom)) {
    db.prepare('ATTACH ? AS earlier').run(resolve(options.movingFrom));
    try {
      takeOverSnapshots(db, 'earlier');
    } finally {
      db.exec('DETACH earlier');
    }
  }
  const writer = new SnapshotWriter(file, {
    saveMeta: `INSERT OR REPLACE INTO snapshot_meta (${META_COLUMNS}, first_event_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    saveState: 'INSERT OR REPLACE INTO snapshot_state (projection, version, position, state, checksum) VALUES (?, ?, ?, ?, sha256(?))',
    pruneStates: `DELETE FROM snapshot_state WHERE (projection, version, position) IN (SELECT projection, version, position FROM snapshot_meta WHERE ${DOOMED})`,
    pruneMeta: `DELETE FROM snapshot_meta WHERE ${DOOMED}`,
    deleteStates: 'DELETE FROM snapshot_state WHERE projection = ?',
    deleteMeta: 'DELETE FROM snapshot_meta WHERE projection = ?',
    deleteAllStates: 'DELETE FROM snapshot_state',
    deleteAllMeta: 'DELETE FROM snapshot_meta',
  });
  // A delta is usable only with its base: the search skips a delta whose base is gone.
  const nearest = db.prepare<[string, number, number, number], MetaRow>(
    `SELECT s.* FROM snapshot_meta s
     WHERE s.projection = ? AND s.version = ? AND s.max_occurred_at <= ? AND s.max_recorded_at <= ?
       AND (s.base IS NULL OR EXISTS (SELECT 1 FROM snapshot_meta b WHERE b.projection = s.projection AND b.version = s.version AND b.position = s.base AND b.base IS NULL))
     ORDER BY s.position DESC LIMIT 1`,
  );
  const state = db.prepare<[string, number, string], { state: Buffer; checksum: string | null }>('SELECT state, checksum FROM snapshot_state WHERE projection = ? AND version = ? AND position = ?');
  const checked = (projection: string, position: string, row: { state: Buffer; checksum: string | null }): Buffer => {
    if (row.checksum !== null && hash('sha256', row.state, 'hex') !== row.checksum) throw new SnapshotDamagedError(projection, BigInt(position));
    return row.state;
  };
  const list = db.prepare<[string], MetaRow>('SELECT * FROM snapshot_meta WHERE projection = ? ORDER BY position');
  const read = db.transaction((projection: string, version: number, bounds: { maxOccurredAt?: number; maxRecordedAt?: number }): Row | null => {
    const meta = nearest.get(projection, version, bounds.maxOccurredAt ?? Number.MAX_SAFE_INTEGER, bounds.maxRecordedAt ?? Number.MAX_SAFE_INTEGER);
    if (!meta) return null;
    const own = state.get(projection, version, meta.position);
    const base = meta.base === null ? undefined : state.get(projection, version, meta.base);
    if (!own || (meta.base !== null && !base)) return null;
    return { ...meta, state: checked(projection, meta.position, own), base_state: base && meta.base !== null ? checked(projection, meta.base, base) : null };
  });

  return {
    // async: a failure before the write is sent rejects, as the port promises, rather than throwing.
    async save({ meta, state }) {
      const position = encodePosition(meta.position);
      // A copy in a buffer of its own, handed over whole: the state's buffer may be shared (a Buffer's pool, the live projection's).
      const bytes = new Uint8Array(state);
      return writer.run(
        [
          ['saveMeta', [meta.projection, meta.version, position, meta.maxOccurredAt, meta.maxRecordedAt, meta.takenAt, meta.base === null ? null : encodePosition(meta.base), meta.firstEventId]],
          ['saveState', [meta.projection, meta.version, position, bytes, bytes]],
        ],
        [bytes.buffer],
      );
    },
    async nearest(projection, version, bounds = {}) {
      const row = read(projection, version, bounds);
      return row ? toSnapshot(row) : null;
    },
    async prune(projection, version, keep) {
      const args = { projection, version, keep };
      return writer.run([['pruneStates', [args]], ['pruneMeta', [args]]]);
    },
    async list(projection): Promise<SnapshotMeta[]> {
      return list.all(projection).map(toMeta);
    },
    async deleteAll(projection) {
      return writer.run(projection === undefined ? [['deleteAllStates', []], ['deleteAllMeta', []]] : [['deleteStates', [projection]], ['deleteMeta', [projection]]]);
    },
    async close() {
      await writer.close();
      db.close();
    },
  };
}
