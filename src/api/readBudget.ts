import type { WorkMeter } from '../projections/runner.js';

/** A read refused because its key has spent its budget of server time for the minute. */
export class ReadBudgetSpentError extends Error {
  readonly code = 'READ_BUDGET_SPENT';
  constructor(
    budgetMs: number,
    readonly retryAfterSeconds: number,
  ) {
    super(`the reads made with this key took more than ${budgetMs} ms of server time this minute; retry in ${retryAfterSeconds} s (cached and live answers are not counted)`);
    this.name = 'ReadBudgetSpentError';
  }
}

const WINDOW_MS = 60_000;

/** A third of a core's minute per key: reads answered from the live state or the cache are not counted. */
export const DEFAULT_READ_BUDGET_MS_PER_MINUTE = 20_000;

/**
 * Server time per API key and minute for reads that make the server work: a replay to a point
 * in time, a view computed anew, a list filtered over every record. The request rate limit counts
 * requests alike, and one key's distinct funnels with `explain=true` (a fraction of a second
 * each at 100,000 deals) could otherwise keep every core busy within that limit. A read is
 * admitted while its key has time left, and charged what it took (so one read may overrun).
 */
export class ReadBudget {
  private readonly windows = new Map<string, { start: number; spentMs: number }>();

  constructor(
    private readonly msPerMinute: number,
    private readonly clock: () => number = () => performance.timeOrigin + performance.now(),
  ) {}

  private windowOf(key: string, now: number): { start: number; spentMs: number } {
    let window = this.windows.get(key);
    if (window && now - window.start < WINDOW_MS) return window;
    // Keys of past minutes are dropped as they are found, so the map holds about the keys in use.
    if (this.windows.size > 10_000) for (const [k, w] of this.windows) if (now - w.start >= WINDOW_MS) this.windows.delete(k);
    window = { start: now, spentMs: 0 };
    this.windows.set(key, window);
    return window;
  }

  /** The meter of one request made with `key`: work nested in metered work is counted once, with it. */
  meterFor(key: string): WorkMeter {
    let depth = 0;
    return async (work) => {
      if (depth > 0) return work();
      const started = this.clock();
      const window = this.windowOf(key, started);
      if (window.spentMs >= this.msPerMinute) throw new ReadBudgetSpentError(this.msPerMinute, Math.max(1, Math.ceil((window.start + WINDOW_MS - started) / 1000)));
      depth += 1;
      try {
        return await work();
      } finally {
        depth -= 1;
        const ended = this.clock();
        this.windowOf(key, ended).spentMs += ended - started;
      }
    };
  }
}
