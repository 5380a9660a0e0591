import type { Connection } from './driver.js';

const SCHEMA_VERSION = 1;

/**
 * Append-only by construction: the triggers make any UPDATE or DELETE of an event fail, whoever
 * issues it (this code, a CLI, a person with the sqlite3 shell). They stop a mistaken statement,
 * not a writer of the file set on a change: INSERT OR REPLACE deletes without firing a trigger
 * (unless recursive_triggers is on), and a trigger can be dropped.
 */
const DDL = `
CREATE TABLE IF NOT EXISTS events (
  position       INTEGER PRIMARY KEY,
  event_id       TEXT    NOT NULL,
  stream_id      TEXT    NOT NULL,
  stream_version INTEGER NOT NULL CHECK (stream_version >= 0),
  category       TEXT    NOT NULL,
  type           TEXT    NOT NULL,
  data           TEXT    NOT NULL,
  metadata       TEXT    NOT NULL,
  CONSTRAINT events_event_id_unique UNIQUE (event_id),
  CONSTRAINT events_stream_version_unique UNIQUE (stream_id, stream_version)
) STRICT;

CREATE TRIGGER IF NOT EXISTS events_are_never_updated BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only: UPDATE refused'); END;

CREATE TRIGGER IF NOT EXISTS events_are_never_deleted BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only: DELETE refused'); END;
`;

export function prepareDatabase(db: Connection, busyTimeoutMs: number): void {
  db.pragma('journal_mode = WAL');
  // FULL: a commit is on disk (WAL fsynced) before the append is acknowledged.
  db.pragma('synchronous = FULL');
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  db.pragma('cache_size = -65536');
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new Error(`event store file has schema version ${version}; this engine knows up to ${SCHEMA_VERSION}`);
  }
  db.exec(DDL);
  db.pragma(`user_version = ${SCHEMA_VERSION}`);
}
