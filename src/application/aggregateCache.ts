import type { Position } from '../eventstore/port.js';

/** The answer a command gave: what the handler returns and what a retry under its key returns again. */
export type Answered = { streamVersion: number | null; position: Position | null; events: { eventId: string; type: string }[] };

/** What a command needs of its stream, folded: the state, the version, the last business time, and the earlier answers by idempotency key. */
export type Loaded<State> = {
  state: State;
  version: number | null;
  lastOccurredAt: Date | null;
  /** The stream's last event, as a no-op command answers with it. */
  last: Answered;
  /**
   * Per actor and idempotency key: the command fingerprints stored under it (more than one means
   * the key was misused) and the events. One map for a fold and the folds that follow from it by
   * this process's writes, each adding its key: a fold sees only the answers at or before its
   * version (`keyedAt`). Copied at every write, a stream of 40,000 keyed writes made each write
   * take 15 ms instead of 1.5.
   */
  keyed: Map<string, { hashes: readonly (string | undefined)[]; answer: Answered }>;
};

/** The answer kept under `key` for a fold at `version`: none written after it. */
export function keyedAt(loaded: Pick<Loaded<unknown>, 'keyed' | 'version'>, key: string) {
  const kept = loaded.keyed.get(key);
  return kept && (kept.answer.streamVersion ?? -1) <= (loaded.version ?? -1) ? kept : undefined;
}

/**
 * Folded streams, least recently used evicted, so that a command on a stream this process wrote
 * reads nothing. An entry may be behind appends made by another process: the append's expected
 * version catches that, and the handler decides again on a fresh read. Entries are not changed,
 * but for their `keyed` answers, which only grow (see `Loaded.keyed`).
 */
export class AggregateCache {
  private readonly entries = new Map<string, Loaded<unknown>>();

  constructor(private readonly capacity: number) {}

  get<State>(streamId: string): Loaded<State> | undefined {
    const entry = this.entries.get(streamId);
    if (entry) {
      this.entries.delete(streamId);
      this.entries.set(streamId, entry);
    }
    return entry as Loaded<State> | undefined;
  }

  /** Keeps `loaded` unless a newer version of the stream is already kept. */
  set<State>(streamId: string, loaded: Loaded<State>): void {
    if (this.capacity <= 0) return;
    const kept = this.entries.get(streamId);
    if (kept && (kept.version ?? -1) > (loaded.version ?? -1)) return;
    this.entries.delete(streamId);
    this.entries.set(streamId, loaded);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }

  /** Forgets the stream, if what is kept is no newer than `stale` (a newer entry stays). */
  forget(streamId: string, stale: Loaded<unknown>): void {
    const kept = this.entries.get(streamId);
    if (kept && (kept.version ?? -1) <= (stale.version ?? -1)) this.entries.delete(streamId);
  }
}
