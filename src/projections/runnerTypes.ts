/** What the projection runner is given and answers with (see runner.ts). */
import { z } from 'zod';
import type { EventStore, Position } from '../eventstore/port.js';
import type { SnapshotStore } from '../eventstore/snapshots.js';
import type { AnyProjection } from './projection.js';

export type RunnerOptions = {
  store: EventStore;
  snapshots: SnapshotStore;
  projections: readonly AnyProjection[];
  /** Events a projection applies between two full snapshots; bounds what a time-travel query replays. */
  snapshotEvery?: number;
  /**
   * Events between two delta snapshots (what changed since the last full one), for projections
   * whose codec takes them: a time-travel query on those replays at most this many events.
   */
  deltaEvery?: number;
  /** How many full snapshots of each projection are kept, the newest, with their deltas (older ones are deleted). */
  keepSnapshots?: number;
  clock?: () => Date;
  onError?: (error: unknown) => void;
};

/**
 * Runs the work of one read beyond the live state (a replay, a view computed anew) and counts
 * what it cost: the API charges it to the caller's key, and may refuse the work before it starts.
 */
export type WorkMeter = <T>(work: () => Promise<T>) => Promise<T>;

/**
 * When to read a projection: business time (`asOf`) and system time (`knownAt`), alone or
 * together (DESIGN.md §2); and the meter of the read's work, if someone counts it.
 */
export type PointInTime = { asOf?: Date; knownAt?: Date; meter?: WorkMeter };

/** A read's work, through its meter when it has one. */
export const meteredWork = <T>(at: PointInTime, work: () => Promise<T>): Promise<T> => (at.meter ? at.meter(work) : work());

export type StateAt<State> = {
  state: State;
  /** The last event position the answer includes (null: none). */
  position: Position | null;
  /** Events applied on top of the snapshot or live state to answer. */
  replayed: number;
  /** Where the replay started: 'live', a snapshot's position, or 'start'. */
  from: 'live' | 'start' | Position;
};

export const rebuildProgressSchema = z.object({
  projection: z.string(),
  events: z.number().int().describe('events applied so far'),
  eventsPerSecond: z.number().int(),
  etaSeconds: z.number().nullable().describe('seconds left at the current speed, from how far the position is through the log; null while unknown'),
  done: z.boolean(),
});
export type RebuildProgress = z.infer<typeof rebuildProgressSchema>;

export type ProjectionStatus = {
  name: string;
  version: number;
  position: Position | null;
  rebuilding: boolean;
  lastSnapshot: Position | null;
};

export class TimeTravelLimitError extends Error {
  readonly code = 'TIME_TRAVEL_TOO_COSTLY';
  constructor(limit: number) {
    super(`answering this point in time needs more than ${limit} events of replay; narrow it or retry later`);
    this.name = 'TimeTravelLimitError';
  }
}
