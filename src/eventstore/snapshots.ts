import type { Position } from './port.js';

/** What a snapshot covers: every event up to `position`; the latest business and system times among them. */
export type SnapshotMeta = {
  projection: string;
  version: number;
  position: Position;
  maxOccurredAt: number;
  maxRecordedAt: number;
  takenAt: number;
  /** For a delta snapshot, the position of the full snapshot it applies to; null for a full one. */
  base: Position | null;
  /**
   * The id of the first event of the log the snapshot was taken of: a snapshot is only of use with
   * that log (another one, of as many events or more, would pass for it). Null when not known: a
   * snapshot of an empty log, or one stored before snapshots said.
   */
  firstEventId: string | null;
};

export type Snapshot = { meta: SnapshotMeta; state: Uint8Array };

/** A snapshot as found for a restore: a full one, or a delta with the state of its full snapshot. */
export type FoundSnapshot = Snapshot & { baseState?: Uint8Array };

/** A stored snapshot whose bytes are not those that were saved (a damaged disk, a hand edit): it must not be restored. */
export class SnapshotDamagedError extends Error {
  constructor(projection: string, position: Position) {
    super(`the snapshot of ${projection} at position ${position} is damaged: its bytes do not match the checksum saved with them`);
    this.name = 'SnapshotDamagedError';
  }
}

/** Where projection snapshots are kept. A cache: deleting every snapshot changes no answer, only speed. */
export interface SnapshotStore {
  save(snapshot: Snapshot): Promise<void>;
  /**
   * The snapshot with the greatest position for this projection version, within the bounds given;
   * a delta comes with its base's state, and a delta whose base is gone is never returned. Rejects
   * with SnapshotDamagedError when its bytes (or its base's) are not those saved.
   */
  nearest(projection: string, version: number, bounds?: { maxOccurredAt?: number; maxRecordedAt?: number }): Promise<FoundSnapshot | null>;
  list(projection: string): Promise<SnapshotMeta[]>;
  /**
   * Keeps the `keep` newest full snapshots of a projection version and the deltas on them; deletes
   * older ones, and every snapshot of an earlier version (no runner restores those).
   */
  prune(projection: string, version: number, keep: number): Promise<void>;
  /** Drops the snapshots of a projection (all versions), or of every projection. */
  deleteAll(projection?: string): Promise<void>;
  close(): Promise<void>;
}

