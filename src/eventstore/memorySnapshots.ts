import type { FoundSnapshot, Snapshot, SnapshotStore } from './snapshots.js';

/** Snapshots in memory: for tests and for the memory event store. */
export function createMemorySnapshotStore(): SnapshotStore {
  let snapshots: Snapshot[] = [];
  const baseOf = (snapshot: Snapshot): Snapshot | undefined =>
    snapshots.find((s) => s.meta.projection === snapshot.meta.projection && s.meta.version === snapshot.meta.version && s.meta.base === null && s.meta.position === snapshot.meta.base);
  return {
    save: async (snapshot) => {
      snapshots = snapshots.filter((s) => !(s.meta.projection === snapshot.meta.projection && s.meta.version === snapshot.meta.version && s.meta.position === snapshot.meta.position));
      snapshots.push(snapshot);
    },
    nearest: async (projection, version, bounds = {}) => {
      let best: FoundSnapshot | null = null;
      for (const s of snapshots) {
        const { meta } = s;
        if (meta.projection !== projection || meta.version !== version) continue;
        if (bounds.maxOccurredAt !== undefined && meta.maxOccurredAt > bounds.maxOccurredAt) continue;
        if (bounds.maxRecordedAt !== undefined && meta.maxRecordedAt > bounds.maxRecordedAt) continue;
        if (best && meta.position <= best.meta.position) continue;
        if (meta.base === null) best = s;
        else {
          const base = baseOf(s);
          if (base) best = { ...s, baseState: base.state };
        }
      }
      return best;
    },
    prune: async (projection, version, keep) => {
      const fulls = snapshots
        .filter((s) => s.meta.projection === projection && s.meta.version === version && s.meta.base === null)
        .map((s) => s.meta.position)
        .sort((a, b) => (a < b ? 1 : -1));
      const oldest = fulls.length > 0 ? fulls[Math.min(keep, fulls.length) - 1] : undefined;
      snapshots = snapshots.filter(({ meta }) => {
        if (meta.projection !== projection || meta.version > version) return true;
        if (meta.version < version) return false;
        return oldest === undefined || (meta.position >= oldest && (meta.base === null || meta.base >= oldest));
      });
    },
    list: async (projection) => snapshots.filter((s) => s.meta.projection === projection).map((s) => s.meta),
    deleteAll: async (projection) => {
      snapshots = projection === undefined ? [] : snapshots.filter((s) => s.meta.projection !== projection);
    },
    close: async () => undefined,
  };
}
