import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Snapshot, SnapshotMeta, SnapshotStore } from '../snapshots.js';

// Positions can exceed 64 bits (EventStoreDB's are packed pairs): stored as fixed-width decimals, they sort as numbers.
const POSITION_DIGITS = 40;
const encodePosition = (position: bigint): string => position.toString().padStart(POSITION_DIGITS, '0');

type Row = { projection: string; version: number; position: string; max_occurred_at: number; max_recorded_at: number; taken_at: number; state: Buffer };

const toSnapshot = (row: Row): Snapshot => ({
  meta: {
    projection: row.projection,
    version: row.version,
    position: BigInt(row.position),
    maxOccurredAt: row.max_occurred_at,
    maxRecordedAt: row.max_recorded_at,
    takenAt: row.taken_at,
  },
  state: row.state,
});

/**
 * Projection snapshots in a SQLite file: the event store's own file by default, a file of their
 * own beside an EventStoreDB. Unlike events, snapshots are a cache and may be replaced or deleted.
 */
export function openSqliteSnapshotStore(file: string): SnapshotStore {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec(`
    CREATE TABLE IF NOT EXISTS projection_snapshots (
      projection      TEXT    NOT NULL,
      version         INTEGER NOT NULL,
      position        TEXT    NOT NULL,
      max_occurred_at INTEGER NOT NULL,
      max_recorded_at INTEGER NOT NULL,
      taken_at        INTEGER NOT NULL,
      state           BLOB    NOT NULL,
      PRIMARY KEY (projection, version, position)
    ) STRICT;
  `);
  const save = db.prepare(
    `INSERT OR REPLACE INTO projection_snapshots (projection, version, position, max_occurred_at, max_recorded_at, taken_at, state)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const nearest = db.prepare<[string, number, number, number], Row>(
    `SELECT * FROM projection_snapshots WHERE projection = ? AND version = ? AND max_occurred_at <= ? AND max_recorded_at <= ?
     ORDER BY position DESC LIMIT 1`,
  );
  const list = db.prepare<[string], Omit<Row, 'state'>>(
    'SELECT projection, version, position, max_occurred_at, max_recorded_at, taken_at FROM projection_snapshots WHERE projection = ? ORDER BY position',
  );
  const deleteOne = db.prepare('DELETE FROM projection_snapshots WHERE projection = ?');
  const prune = db.prepare(
    `DELETE FROM projection_snapshots WHERE projection = ? AND (version < ? OR (version = ? AND position NOT IN
       (SELECT position FROM projection_snapshots WHERE projection = ? AND version = ? ORDER BY position DESC LIMIT ?)))`,
  );
  const deleteAll = db.prepare('DELETE FROM projection_snapshots');

  return {
    async save({ meta, state }) {
      save.run(meta.projection, meta.version, encodePosition(meta.position), meta.maxOccurredAt, meta.maxRecordedAt, meta.takenAt, state);
    },
    async nearest(projection, version, bounds = {}) {
      const row = nearest.get(projection, version, bounds.maxOccurredAt ?? Number.MAX_SAFE_INTEGER, bounds.maxRecordedAt ?? Number.MAX_SAFE_INTEGER);
      return row ? toSnapshot(row) : null;
    },
    async prune(projection, version, keep) {
      prune.run(projection, version, version, projection, version, keep);
    },
    async list(projection): Promise<SnapshotMeta[]> {
      return list.all(projection).map((row) => toSnapshot({ ...row, state: Buffer.alloc(0) }).meta);
    },
    async deleteAll(projection) {
      if (projection === undefined) deleteAll.run();
      else deleteOne.run(projection);
    },
    async close() {
      db.close();
    },
  };
}
