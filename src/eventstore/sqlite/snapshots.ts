import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { FoundSnapshot, SnapshotMeta, SnapshotStore } from '../snapshots.js';

// Positions can exceed 64 bits (EventStoreDB's are packed pairs): stored as fixed-width decimals, they sort as numbers.
const POSITION_DIGITS = 40;
const encodePosition = (position: bigint): string => position.toString().padStart(POSITION_DIGITS, '0');

type MetaRow = { projection: string; version: number; position: string; max_occurred_at: number; max_recorded_at: number; taken_at: number; base: string | null };
type Row = MetaRow & { state: Buffer; base_state: Buffer | null };

const toMeta = (row: MetaRow): SnapshotMeta => ({
  projection: row.projection,
  version: row.version,
  position: BigInt(row.position),
  maxOccurredAt: row.max_occurred_at,
  maxRecordedAt: row.max_recorded_at,
  takenAt: row.taken_at,
  base: row.base === null ? null : BigInt(row.base),
});

const toSnapshot = (row: Row): FoundSnapshot => ({ meta: toMeta(row), state: row.state, ...(row.base_state ? { baseState: row.base_state } : {}) });

/**
 * Projection snapshots in a SQLite file: the event store's own file by default, a file of their
 * own beside an EventStoreDB. Unlike events, snapshots are a cache and may be replaced or deleted.
 * What a search filters on sits apart from the states: SQLite reads a row's columns in order, and
 * a column stored after a 20 MB state would cost a walk through all of its pages.
 */
export function openSqliteSnapshotStore(file: string): SnapshotStore {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
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
      PRIMARY KEY (projection, version, position)
    ) STRICT;
    CREATE TABLE IF NOT EXISTS snapshot_state (
      projection TEXT    NOT NULL,
      version    INTEGER NOT NULL,
      position   TEXT    NOT NULL,
      state      BLOB    NOT NULL,
      PRIMARY KEY (projection, version, position)
    ) STRICT;
  `);
  // Files from before delta snapshots kept full snapshots in one table: they move over as full ones.
  const legacy = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'projection_snapshots'").get();
  if (legacy) {
    db.transaction(() => {
      db.exec(`INSERT OR IGNORE INTO snapshot_meta SELECT projection, version, position, max_occurred_at, max_recorded_at, taken_at, NULL FROM projection_snapshots;
               INSERT OR IGNORE INTO snapshot_state SELECT projection, version, position, state FROM projection_snapshots;
               DROP TABLE projection_snapshots;`);
    })();
  }
  const saveMeta = db.prepare(
    `INSERT OR REPLACE INTO snapshot_meta (projection, version, position, max_occurred_at, max_recorded_at, taken_at, base) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const saveState = db.prepare('INSERT OR REPLACE INTO snapshot_state (projection, version, position, state) VALUES (?, ?, ?, ?)');
  const save = db.transaction((meta: SnapshotMeta, state: Uint8Array) => {
    const position = encodePosition(meta.position);
    saveMeta.run(meta.projection, meta.version, position, meta.maxOccurredAt, meta.maxRecordedAt, meta.takenAt, meta.base === null ? null : encodePosition(meta.base));
    saveState.run(meta.projection, meta.version, position, state);
  });
  // A delta is usable only with its base: the search skips a delta whose base is gone.
  const nearest = db.prepare<[string, number, number, number], MetaRow>(
    `SELECT s.* FROM snapshot_meta s
     WHERE s.projection = ? AND s.version = ? AND s.max_occurred_at <= ? AND s.max_recorded_at <= ?
       AND (s.base IS NULL OR EXISTS (SELECT 1 FROM snapshot_meta b WHERE b.projection = s.projection AND b.version = s.version AND b.position = s.base AND b.base IS NULL))
     ORDER BY s.position DESC LIMIT 1`,
  );
  const state = db.prepare<[string, number, string], { state: Buffer }>('SELECT state FROM snapshot_state WHERE projection = ? AND version = ? AND position = ?');
  const list = db.prepare<[string], MetaRow>('SELECT * FROM snapshot_meta WHERE projection = ? ORDER BY position');
  // Everything older than the `keep`-th newest full snapshot goes, and so do the deltas on a full snapshot that goes.
  const doomed = `projection = @projection AND (version < @version OR (version = @version AND (position < @oldest OR base < @oldest)))`.replaceAll(
    '@oldest',
    `(SELECT min(position) FROM (SELECT position FROM snapshot_meta
       WHERE projection = @projection AND version = @version AND base IS NULL ORDER BY position DESC LIMIT @keep))`,
  );
  const pruneStates = db.prepare<{ projection: string; version: number; keep: number }>(
    `DELETE FROM snapshot_state WHERE (projection, version, position) IN (SELECT projection, version, position FROM snapshot_meta WHERE ${doomed})`,
  );
  const pruneMeta = db.prepare<{ projection: string; version: number; keep: number }>(`DELETE FROM snapshot_meta WHERE ${doomed}`);
  const prune = db.transaction((args: { projection: string; version: number; keep: number }) => {
    pruneStates.run(args);
    pruneMeta.run(args);
  });
  const deleteOne = db.transaction((projection: string) => {
    db.prepare('DELETE FROM snapshot_state WHERE projection = ?').run(projection);
    db.prepare('DELETE FROM snapshot_meta WHERE projection = ?').run(projection);
  });
  const deleteAll = db.transaction(() => {
    db.exec('DELETE FROM snapshot_state; DELETE FROM snapshot_meta;');
  });
  const read = db.transaction((projection: string, version: number, bounds: { maxOccurredAt?: number; maxRecordedAt?: number }): Row | null => {
    const meta = nearest.get(projection, version, bounds.maxOccurredAt ?? Number.MAX_SAFE_INTEGER, bounds.maxRecordedAt ?? Number.MAX_SAFE_INTEGER);
    if (!meta) return null;
    const own = state.get(projection, version, meta.position);
    const base = meta.base === null ? undefined : state.get(projection, version, meta.base);
    if (!own || (meta.base !== null && !base)) return null;
    return { ...meta, state: own.state, base_state: base?.state ?? null };
  });

  return {
    async save({ meta, state }) {
      save(meta, state);
    },
    async nearest(projection, version, bounds = {}) {
      const row = read(projection, version, bounds);
      return row ? toSnapshot(row) : null;
    },
    async prune(projection, version, keep) {
      prune({ projection, version, keep });
    },
    async list(projection): Promise<SnapshotMeta[]> {
      return list.all(projection).map(toMeta);
    },
    async deleteAll(projection) {
      if (projection === undefined) deleteAll();
      else deleteOne(projection);
    },
    async close() {
      db.close();
    },
  };
}
