import type { Position } from './port.js';

/** What a snapshot covers: every event up to `position`; the latest business and system times among them. */
export type SnapshotMeta = {
  projection: string;
  version: number;
  position: Position;
  maxOccurredAt: number;
  maxRecordedAt: number;
  takenAt: number;
};

export type Snapshot = { meta: SnapshotMeta; state: Uint8Array };

/** Where projection snapshots are kept. A cache: deleting every snapshot changes no answer, only speed. */
export interface SnapshotStore {
  save(snapshot: Snapshot): Promise<void>;
  /** The snapshot with the greatest position for this projection version, within the bounds given. */
  nearest(projection: string, version: number, bounds?: { maxOccurredAt?: number; maxRecordedAt?: number }): Promise<Snapshot | null>;
  list(projection: string): Promise<SnapshotMeta[]>;
  /** Keeps the `keep` newest snapshots of a projection version; deletes the older ones, and every snapshot of an earlier version (no runner restores those). */
  prune(projection: string, version: number, keep: number): Promise<void>;
  /** Drops the snapshots of a projection (all versions), or of every projection. */
  deleteAll(projection?: string): Promise<void>;
  close(): Promise<void>;
}

