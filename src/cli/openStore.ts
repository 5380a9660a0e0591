import { join } from 'node:path';
import { openEventStoreDb } from '../eventstore/eventstoredb.js';
import { createMemoryStore } from '../eventstore/memory.js';
import { createMemorySnapshotStore } from '../eventstore/memorySnapshots.js';
import type { SnapshotStore } from '../eventstore/snapshots.js';
import { openSqliteSnapshotStore } from '../eventstore/sqlite/snapshots.js';
import type { EventStore } from '../eventstore/port.js';
import { openSqliteStore } from '../eventstore/sqlite/store.js';
import type { Config } from './config.js';

export const SQLITE_FILE_NAME = 'events.db';
/** Projection snapshots: a file of their own, so that writing one never holds the event file's write lock. */
export const SNAPSHOT_FILE_NAME = 'projections.db';

/** The composition root's one choice of adapter; nothing else knows which store is plugged in. */
export function openStore(config: Config, options: { now?: () => Date } = {}): EventStore {
  switch (config.STORE) {
    case 'sqlite':
      return openSqliteStore({ file: join(config.DATA_DIR, SQLITE_FILE_NAME), pollIntervalMs: config.SQLITE_POLL_INTERVAL_MS, now: options.now });
    case 'eventstoredb':
      if (!config.EVENTSTORE_CONNECTION_STRING) throw new Error('EVENTSTORE_CONNECTION_STRING is required when STORE=eventstoredb');
      return openEventStoreDb({ connectionString: config.EVENTSTORE_CONNECTION_STRING, now: options.now });
    case 'memory':
      return createMemoryStore({ now: options.now });
  }
}

/** Projection snapshots in a file of their own; with sqlite, those that earlier versions kept in the event file move there. */
export function openSnapshotStore(config: Config): SnapshotStore {
  switch (config.STORE) {
    case 'sqlite':
      return openSqliteSnapshotStore(join(config.DATA_DIR, SNAPSHOT_FILE_NAME), { movingFrom: join(config.DATA_DIR, SQLITE_FILE_NAME) });
    case 'eventstoredb':
      return openSqliteSnapshotStore(join(config.DATA_DIR, SNAPSHOT_FILE_NAME));
    case 'memory':
      return createMemorySnapshotStore();
  }
}

export function describeStore(config: Config): string {
  switch (config.STORE) {
    case 'sqlite':
      return `sqlite at ${join(config.DATA_DIR, SQLITE_FILE_NAME)}`;
    case 'eventstoredb':
      return 'EventStoreDB';
    case 'memory':
      return 'memory (nothing survives a restart)';
  }
}
