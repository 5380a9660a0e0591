import type { PointInTime } from '../projections/runner.js';
import type { ReadModels } from '../projections/readModels.js';

/**
 * Resource views (a deal…) as JSON, kept while the log stays at the same position, like the read
 * models' live answers: the same reads of the same resources, from a dashboard, cost one build.
 * An entry is also kept at most `liveCacheMs`, since a view may depend on the clock (a rep's
 * team today). Point-in-time reads are never kept.
 */
export class LiveViews {
  private position: string | null = null;
  private readonly entries = new Map<string, { at: number; json: string }>();

  constructor(
    private readonly readModels: ReadModels,
    private readonly capacity = 10_000,
  ) {}

  /** The kept JSON of the resource `id` at `at`, if there is one still valid. */
  get(at: PointInTime, id: string): string | undefined {
    const live = this.readModels.liveKey(at);
    if (live === null || live !== this.position) return undefined;
    const hit = this.entries.get(id);
    return hit && this.readModels.now(at).getTime() - hit.at < this.readModels.liveCacheMs ? hit.json : undefined;
  }

  /** Keeps the JSON of a live view (a point-in-time one is not kept); returns it. */
  keep(at: PointInTime, id: string, json: string): string {
    const live = this.readModels.liveKey(at);
    if (live === null) return json;
    if (live !== this.position) {
      this.entries.clear();
      this.position = live;
    }
    this.entries.delete(id);
    this.entries.set(id, { at: this.readModels.now(at).getTime(), json });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return json;
  }
}
