import type { Position } from '../eventstore/port.js';
import { SnapshotDamagedError } from '../eventstore/snapshots.js';
import type { FoundSnapshot, SnapshotStore } from '../eventstore/snapshots.js';

/**
 * The snapshots a runner may restore: those of the log it follows, whole. Snapshots are a cache:
 * when one is not of this log, or is damaged, all of them go (saying why), and the projections
 * replay the log.
 */
export class SnapshotGuard {
  constructor(
    private readonly snapshots: SnapshotStore,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** The nearest snapshot, as the store finds it; a damaged one (its bytes not those saved) has every snapshot deleted, and none is used. */
  async nearest(name: string, version: number, bounds?: { maxOccurredAt?: number; maxRecordedAt?: number }): Promise<FoundSnapshot | null> {
    try {
      return await this.snapshots.nearest(name, version, bounds);
    } catch (error) {
      if (!(error instanceof SnapshotDamagedError)) throw error;
      this.onError(new Error(`${error.message}; all snapshots are deleted and the projections replay the log`, { cause: error }));
      await this.snapshots.deleteAll();
      return null;
    }
  }

  /**
   * A snapshot is of this log only if it names the log's first event, and lies at most at its head.
   * Otherwise the event file was replaced (a new seed, another data directory, a backup) and the
   * snapshot file kept: restored, the snapshot would hold facts this log does not, and its events
   * up to the snapshot's position would be skipped as already applied.
   */
  async forgetSnapshotsOfAnotherLog(projections: readonly { name: string; version: number }[], head: Position | null, firstEventId: string | null): Promise<void> {
    for (const { name, version } of projections) {
      const snapshot = await this.nearest(name, version);
      if (snapshot === null) continue;
      const { position } = snapshot.meta;
      const reason =
        head === null || position > head
          ? `is past the event log's head (${head ?? 'an empty log'})`
          : snapshot.meta.firstEventId === null
            ? 'does not name the first event of its log (taken by an earlier version)'
            : snapshot.meta.firstEventId !== firstEventId
              ? `was taken of a log whose first event is ${snapshot.meta.firstEventId}, not ${firstEventId ?? 'none'}`
              : null;
      if (reason === null) continue;
      this.onError(new Error(`the snapshot of ${name} at position ${position} ${reason}: the snapshots are of another log; all are deleted and the projections replay this one`));
      await this.snapshots.deleteAll();
      return;
    }
  }
}
