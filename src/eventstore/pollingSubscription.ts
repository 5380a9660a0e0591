import { setImmediate as giveWay } from 'node:timers/promises';
import type { Position, RecordedEvent, Subscription } from './port.js';

/**
 * Wakes subscribers when this process appends. The counter lets a subscriber notice an append
 * that landed between its last read and its wait, so no wake-up is ever missed.
 */
export class AppendNotifier {
  private appends = 0;
  private waiters = new Set<() => void>();

  get count(): number {
    return this.appends;
  }

  notify(): void {
    this.appends += 1;
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake();
  }

  /** Resolves on the next append after `seen`, after `timeoutMs` (when set), or on `abort`. */
  wait(seen: number, timeoutMs: number | null, abort: AbortSignal): Promise<void> {
    if (this.appends !== seen || abort.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.waiters.delete(done);
        if (timer) clearTimeout(timer);
        abort.removeEventListener('abort', done);
        resolve();
      };
      const timer = timeoutMs === null ? undefined : setTimeout(done, timeoutMs);
      this.waiters.add(done);
      abort.addEventListener('abort', done, { once: true });
    });
  }
}

export type BatchReader = (after: Position | undefined, limit: number) => Promise<RecordedEvent[]>;

const BATCH = 500;

/**
 * Catch-up then live, for stores that can be read by position: read batches after the last
 * position read until a short batch, then wait for an append (or the poll interval, which is how
 * appends by another process on the same file are seen) and read again. Always reading after the
 * last position read is what makes it gap-free and duplicate-free. `keep` delivers only some of
 * the events read; the others still move the position on.
 */
export function pollingSubscription(
  readBatch: BatchReader,
  notifier: AppendNotifier,
  options: { after?: Position; pollIntervalMs: number | null; keep?: (event: RecordedEvent) => boolean },
): Subscription {
  const abort = new AbortController();
  let after = options.after;

  async function* events(): AsyncGenerator<RecordedEvent> {
    while (!abort.signal.aborted) {
      const seen = notifier.count;
      const batch = await readBatch(after, BATCH);
      for (const event of batch) {
        if (abort.signal.aborted) return;
        after = event.position;
        if (options.keep === undefined || options.keep(event)) yield event;
      }
      if (batch.length < BATCH) await notifier.wait(seen, options.pollIntervalMs, abort.signal);
      // Catching up, the event loop answers other requests between batches: a store's reads may
      // settle without I/O, and with `keep` a whole log may be read before an event is delivered.
      else await giveWay();
    }
  }

  const iterator = events();
  return {
    [Symbol.asyncIterator]: () => iterator,
    close: async () => {
      abort.abort();
      await iterator.return(undefined);
    },
  };
}
