/** Makes written data durable, calling back when it is (an fdatasync on libuv's thread pool). */
export type SyncFile = (done: (error: Error | null) => void) => void;

type Commit = { first: number; resolve: () => void; reject: (error: unknown) => void; durable: Promise<void> };

/**
 * Group fsync of the WAL, off the event loop. The connection commits with synchronous=NORMAL,
 * which writes a transaction's WAL frames without syncing them; this syncs the WAL file once for
 * every commit made before the sync started, and only then are those commits durable. What is
 * acknowledged after `committed()` resolves is on disk exactly as with synchronous=FULL, but the
 * event loop goes on deciding and committing the next batch while the disk works.
 *
 * NORMAL keeps SQLite's own syncs where recovery needs them: the WAL before each checkpoint, the
 * database after it, and the WAL header when the file starts to be reused.
 */
export class WalSync {
  private waiting: Commit[] = [];
  private syncing: Commit[] = [];

  constructor(private readonly sync: SyncFile) {}

  /** A commit whose first event is at `first` has returned: resolves once it is on disk. */
  committed(first: number): Promise<void> {
    let resolve = (): void => undefined;
    let reject = (_: unknown): void => undefined;
    const durable = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Whoever waits on it handles a failure; unwaited, a failed sync must not crash the process.
    durable.catch(() => undefined);
    this.waiting.push({ first, resolve, reject, durable });
    this.startSync();
    return durable;
  }

  /** The lowest position committed but not yet on disk; Infinity when everything is. */
  get unsyncedFrom(): number {
    return this.syncing[0]?.first ?? this.waiting[0]?.first ?? Number.POSITIVE_INFINITY;
  }

  /** Resolves when every commit made so far is on disk (rejects if its sync failed). */
  settled(): Promise<void> {
    return (this.waiting[this.waiting.length - 1] ?? this.syncing[this.syncing.length - 1])?.durable ?? Promise.resolve();
  }

  /** Waits until `position` (if it is one of the unsynced commits') is on disk. */
  async durableThrough(position: number): Promise<void> {
    if (position >= this.unsyncedFrom) await this.settled();
  }

  private startSync(): void {
    if (this.syncing.length > 0 || this.waiting.length === 0) return;
    const round = this.waiting;
    this.syncing = round;
    this.waiting = [];
    this.sync((error) => {
      this.syncing = [];
      for (const commit of round) {
        if (error) commit.reject(error);
        else commit.resolve();
      }
      this.startSync();
    });
  }
}
