/**
 * Live answers kept by key for a short time, so that readers asking the same thing at the same
 * log position share one answer. An entry past its time to live can never be served again, so it
 * is dropped at the next insert instead of waiting for the count cap to push it out: a dashboard
 * polling a funnel with `explain=true` while events were appended left an answer of about 46 MB
 * (100,000 deals) a second, and 256 such entries are more heap than a Node process has.
 */
export class AnswerCache {
  private readonly entries = new Map<string, { at: number; answer: Promise<unknown> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  /** Answers kept, fresh or not yet swept. */
  get size(): number {
    return this.entries.size;
  }

  /** The answer kept under `key` if it is younger than the time to live at `now`; else `compute`'s, kept. A failed answer is not kept. */
  answer<T>(key: string, now: number, compute: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && now - hit.at < this.ttlMs) return hit.answer as Promise<T>;
    this.sweep(now);
    const entry = { at: now, answer: compute() };
    // Deleted first, so that the map stays in the order of `at`, which the sweep relies on.
    this.entries.delete(key);
    this.entries.set(key, entry);
    entry.answer.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    return entry.answer as Promise<T>;
  }

  /** Drops the entries past their time to live: the oldest come first, so it stops at the first fresh one. */
  private sweep(now: number): void {
    for (const [key, entry] of this.entries) {
      if (now - entry.at < this.ttlMs) return;
      this.entries.delete(key);
    }
  }
}
