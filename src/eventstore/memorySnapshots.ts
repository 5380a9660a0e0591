import type { Snapshot, SnapshotStore } from './snapshots.js';

/** Snapshots in memory: for tests and for the memory event store. */
export function createMemorySnapshotStore(): SnapshotStore {
  let snapshots: Snapshot[] = [];
  return {
    save: async (snapshot) => {
      snapshots.push(snapshot);
    },
    nearest: async (projection, version, bounds = {}) => {
      let best: Snapshot | null = null;
      for (const s of snapshots) {
        const { meta } = s;
        if (meta.projection !== projection || meta.version !== version) continue;
        if (bounds.maxOccurredAt !== undefined && meta.maxOccurredAt > bounds.maxOccurredAt) continue;
        if (bounds.maxRecordedAt !== undefined && meta.maxRecordedAt > bounds.maxRecordedAt) continue;
        if (!best || meta.position > best.meta.position) best = s;
      }
      return best;
    },
    prune: async (projection, version, keep) => {
      const mine = snapshots.filter((s) => s.meta.projection === projection && s.meta.version === version).sort((a, b) => (a.meta.position < b.meta.position ? 1 : -1));
      const older = snapshots.filter((s) => s.meta.projection === projection && s.meta.version < version);
      const drop = new Set([...mine.slice(keep), ...older]);
      snapshots = snapshots.filter((s) => !drop.has(s));
    },
    list: async (projection) => snapshots.filter((s) => s.meta.projection === projection).map((s) => s.meta),
    deleteAll: async (projection) => {
      snapshots = projection === undefined ? [] : snapshots.filter((s) => s.meta.projection !== projection);
    },
    close: async () => undefined,
  };
}
