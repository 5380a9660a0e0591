import { setImmediate as giveWay } from 'node:timers/promises';
import pLimit from 'p-limit';
import type { EventStore, Position, RecordedEvent, Subscription } from '../eventstore/port.js';
import type { SnapshotStore } from '../eventstore/snapshots.js';
import { toProjectedEvent } from './events.js';
import { BATCH, replayTo } from './pointInTimeReplay.js';
import type { Projection } from './projection.js';
import { SnapshotGuard } from './snapshotGuard.js';
import { decodeState, encodeState } from './snapshotState.js';
import type { PointInTime, ProjectionStatus, RebuildProgress, RunnerOptions, StateAt } from './runnerTypes.js';

export { TimeTravelLimitError } from './runnerTypes.js';
export type { PointInTime, ProjectionStatus, RebuildProgress, RunnerOptions, StateAt, WorkMeter } from './runnerTypes.js';

type Live = {
  projection: Projection<unknown>;
  handles: ReadonlySet<string>;
  state: unknown;
  position: Position | null;
  maxOccurredAt: number;
  maxRecordedAt: number;
  sinceSnapshot: number;
  sinceFull: number;
  lastSnapshot: Position | null;
  /** The full snapshot this state's deltas are taken against; null until one is taken (after a restore too). */
  deltaBase: Position | null;
  rebuilding: boolean;
};

/**
 * Point-in-time replays under way at once; the others wait their turn. Each builds a state of its
 * own (eight at once took a server of 100,000 deals from 415 to 620 MB), and as replays give way
 * between batches, all the reads that come together would otherwise grow side by side.
 */
const CONCURRENT_REPLAYS = 2;

const max = (a: number, b: number): number => (a > b ? a : b);

/**
 * Keeps every projection live in memory: catches up from its last snapshot, then follows the
 * store. Snapshots are taken every `snapshotEvery` events and on stop; a projection whose version
 * changed finds no snapshot of its version and rebuilds from the first event by itself.
 */
export class ProjectionRunner {
  private readonly live = new Map<string, Live>();
  private readonly store: EventStore;
  private readonly snapshots: SnapshotStore;
  /** The snapshots as restores read them: of this log, and whole. */
  private readonly guard: SnapshotGuard;
  private readonly snapshotEvery: number;
  private readonly deltaEvery: number;
  private readonly keepSnapshots: number;
  private readonly clock: () => Date;
  private readonly onError: (error: unknown) => void;
  private position: Position | null = null;
  /** The id of the log's first event, which every snapshot names (null while the log is empty). */
  private firstEventId: string | null = null;
  private subscription: Subscription | null = null;
  private following: Promise<void> | null = null;
  private failure: unknown = null;
  private caughtUp = false;
  private stopped = false;
  private readonly waiters = new Set<{ position: Position; done: (reached: boolean) => void }>();
  /** Snapshots being stored: the store may write them off the event loop, and `stop` waits for them. */
  private readonly snapshotWrites = new Set<Promise<void>>();
  private readonly replays = pLimit(CONCURRENT_REPLAYS);
  /** Rebuilds under way: `stop` waits for them to stop at a batch's edge before the snapshots are closed under them. */
  private readonly rebuildRuns = new Set<Promise<RebuildProgress>>();

  constructor(options: RunnerOptions) {
    this.store = options.store;
    this.snapshots = options.snapshots;
    this.snapshotEvery = options.snapshotEvery ?? 100_000;
    this.deltaEvery = options.deltaEvery ?? 10_000;
    this.keepSnapshots = options.keepSnapshots ?? 50;
    this.clock = options.clock ?? (() => new Date());
    this.onError = options.onError ?? (() => undefined);
    this.guard = new SnapshotGuard(this.snapshots, this.onError);
    // Each projection only ever receives the state its own init() made: erasing the state type here is safe.
    for (const projection of options.projections as unknown as readonly Projection<unknown>[]) {
      this.live.set(projection.name, {
        projection,
        handles: new Set(projection.eventTypes),
        state: projection.init(),
        position: null,
        maxOccurredAt: 0,
        maxRecordedAt: 0,
        sinceSnapshot: 0,
        sinceFull: 0,
        lastSnapshot: null,
        deltaBase: null,
        rebuilding: false,
      });
    }
  }

  /** Restores snapshots, catches up with the log as it is now (the snapshots it took on the way stored), then keeps following it. */
  async start(): Promise<void> {
    const head = await this.store.headPosition();
    this.firstEventId = (await this.store.readAll({ limit: 1 }))[0]?.eventId ?? null;
    await this.guard.forgetSnapshotsOfAnotherLog([...this.live.values()].map((entry) => entry.projection), head, this.firstEventId);
    for (const entry of this.live.values()) {
      const { name, version } = entry.projection;
      const snapshot = await this.guard.nearest(name, version);
      if (!snapshot) continue;
      entry.state = decodeState(entry.projection, snapshot);
      entry.position = snapshot.meta.position;
      entry.lastSnapshot = snapshot.meta.position;
      // A state decoded from a full snapshot is a base for deltas; one decoded from a delta is not (its base is another state).
      entry.deltaBase = snapshot.meta.base === null ? snapshot.meta.position : null;
      entry.maxOccurredAt = snapshot.meta.maxOccurredAt;
      entry.maxRecordedAt = snapshot.meta.maxRecordedAt;
    }
    const positions = [...this.live.values()].map((entry) => entry.position);
    const from = positions.includes(null) ? undefined : (positions as Position[]).reduce((a, b) => (a < b ? a : b));
    this.position = from ?? null;
    this.subscription = this.store.subscribe({ after: from });
    this.following = this.follow(this.subscription);
    if (head !== null && !(await this.waitFor(head, Number.POSITIVE_INFINITY))) throw this.failure;
    // Restored from a delta, a state is no base for deltas (its changes since the full one are not
    // marked): without a full snapshot now, none would be taken for up to `snapshotEvery` events, and
    // a known-at read of them would replay that many instead of at most `deltaEvery`.
    for (const entry of this.live.values()) if (entry.deltaBase === null && entry.lastSnapshot !== null && entry.projection.codec?.delta) this.takeSnapshot(entry, { full: true });
    // The snapshots taken while catching up are stored before it says so: time travel starts from them.
    await Promise.all(this.snapshotWrites);
    this.caughtUp = true;
  }

  /**
   * Follows the log; when reading or applying fails, the runner reports it (not caught up, so
   * /ready says so), then resubscribes from where it was, backing off up to 30 s between tries.
   */
  private async follow(subscription: Subscription): Promise<void> {
    let current = subscription;
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        for await (const recorded of current) {
          this.applyLive(recorded);
          attempt = 0;
        }
        return;
      } catch (error) {
        this.failure = error;
        this.caughtUp = false;
        this.onError(error);
        await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 500 * 2 ** attempt)));
        if (this.stopped) return;
        const positions = [...this.live.values()].map((entry) => entry.position);
        const from = positions.includes(null) ? undefined : (positions as Position[]).reduce((a, b) => (a < b ? a : b));
        current = this.store.subscribe({ after: from });
        this.subscription = current;
        const head = await this.store.headPosition().catch(() => null);
        void (head === null ? Promise.resolve(true) : this.waitFor(head, Number.POSITIVE_INFINITY)).then((reached) => {
          if (reached && !this.stopped) {
            this.caughtUp = true;
            this.failure = null;
          }
        });
      }
    }
  }

  private applyLive(recorded: RecordedEvent): void {
    // Started on an empty log, the first event followed is the log's first.
    this.firstEventId ??= recorded.eventId;
    const event = toProjectedEvent(recorded);
    for (const entry of this.live.values()) {
      if (entry.position !== null && recorded.position <= entry.position) continue;
      if (entry.handles.has(event.type)) {
        entry.projection.apply(entry.state, event);
        entry.sinceSnapshot += 1;
        entry.sinceFull += 1;
      }
      entry.position = recorded.position;
      entry.maxOccurredAt = max(entry.maxOccurredAt, event.occurredAt);
      entry.maxRecordedAt = max(entry.maxRecordedAt, event.recordedAt);
      // A rebuild snapshots its fresh state; the old one, still answering reads meanwhile, takes none.
      if (!entry.rebuilding) this.snapshotIfDue(entry);
    }
    this.position = recorded.position;
    for (const waiter of this.waiters) if (recorded.position >= waiter.position) waiter.done(true);
  }

  /** A full snapshot every `snapshotEvery` events; between them, a delta every `deltaEvery` once there is a full one to take it against. */
  private snapshotIfDue(entry: Live): void {
    const deltaDue = entry.deltaBase !== null && entry.sinceSnapshot >= this.deltaEvery && entry.projection.codec?.delta !== undefined;
    if (entry.sinceFull >= this.snapshotEvery || deltaDue) this.takeSnapshot(entry);
  }

  /**
   * A delta when the projection takes them and has a base (on stop too), else a full snapshot;
   * `full` asks for a full one, even at the position of the last snapshot (a delta's).
   */
  private takeSnapshot(entry: Live, { full = false } = {}): void {
    if (entry.position === null || (!full && entry.position === entry.lastSnapshot)) return;
    const { name, version } = entry.projection;
    const delta = entry.projection.codec?.delta;
    const base = !full && delta && entry.deltaBase !== null && entry.sinceFull < this.snapshotEvery ? entry.deltaBase : null;
    const snapshot = {
      meta: {
        projection: name,
        version,
        position: entry.position,
        maxOccurredAt: entry.maxOccurredAt,
        maxRecordedAt: entry.maxRecordedAt,
        takenAt: this.clock().getTime(),
        base,
        firstEventId: this.firstEventId,
      },
      // Serialised now, synchronously, so the snapshot is exactly the state at `position`.
      state: delta && base !== null ? delta.encode(entry.state) : encodeState(entry.projection, entry.state),
    };
    entry.sinceSnapshot = 0;
    entry.lastSnapshot = entry.position;
    if (base === null) {
      entry.sinceFull = 0;
      entry.deltaBase = entry.position;
    }
    const write = this.snapshots
      .save(snapshot)
      .then(() => this.snapshots.prune(name, version, this.keepSnapshots))
      .catch(this.onError)
      .finally(() => this.snapshotWrites.delete(write));
    this.snapshotWrites.add(write);
  }

  /** Resolves true once the live state includes `position`, false after `timeoutMs` (read-your-writes). */
  /**
   * Whether a position is one the log holds or held: at most its head. A position past the head was
   * returned by no write, and waiting for it could only time out.
   */
  async inLog(position: Position): Promise<boolean> {
    if (this.position !== null && this.position >= position) return true;
    const head = await this.store.headPosition();
    return head !== null && position <= head;
  }

  waitFor(position: Position, timeoutMs: number): Promise<boolean> {
    if (this.position !== null && this.position >= position) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = {
        position,
        done: (reached: boolean) => {
          this.waiters.delete(waiter);
          clearTimeout(timer);
          resolve(reached);
        },
      };
      const timer = Number.isFinite(timeoutMs) ? setTimeout(() => waiter.done(false), timeoutMs) : undefined;
      this.waiters.add(waiter);
    });
  }

  /** True once the live states include every event that was in the log when the runner started. */
  get isCaughtUp(): boolean {
    return this.caughtUp;
  }

  /** The last position the live loop has processed. */
  get livePosition(): Position | null {
    return this.position;
  }

  private entry<State>(projection: Projection<State>): Live {
    const entry = this.live.get(projection.name);
    if (!entry) throw new Error(`projection ${projection.name} is not run by this runner`);
    return entry;
  }

  /** The live state: current, as far as the runner has followed the log. Read it synchronously. */
  current<State>(projection: Projection<State>): State {
    return this.entry(projection).state as State;
  }

  /**
   * The projection's state at a point in time, by replaying from the nearest usable snapshot:
   * one that holds only events known by `knownAt` and occurred by `asOf`. Known-at is a prefix
   * of the log, so its replay is bounded by the snapshot interval; as-of skips later facts and
   * reads to the end of what is known, since a late entry may sit anywhere after the snapshot.
   */
  async stateAt<State>(projection: Projection<State>, at: PointInTime, limits: { maxReplay?: number } = {}): Promise<StateAt<State>> {
    const entry = this.entry(projection);
    const asOf = at.asOf?.getTime();
    const knownAt = at.knownAt?.getTime();
    // Live answers only once the runner has caught up: before that, the live state is partial.
    if (this.caughtUp && asOf === undefined && (knownAt === undefined || knownAt >= entry.maxRecordedAt)) {
      return { state: entry.state as State, position: entry.position, replayed: 0, from: 'live' };
    }
    return this.replays(() => replayTo(this.store, this.guard, projection, { asOf, knownAt }, limits.maxReplay ?? Number.POSITIVE_INFINITY));
  }

  /**
   * Rebuilds a projection from the first event into a fresh state, snapshotting as it goes, then
   * hands over to the live loop with no gap. Meanwhile the live loop keeps the old state current,
   * and live reads are answered from it (replayed from the first event instead, the snapshots
   * being deleted first, each took seconds, or was refused as too costly).
   */
  async rebuild(name: string, onProgress?: (progress: RebuildProgress) => void): Promise<RebuildProgress> {
    const run = this.rebuildNow(name, onProgress);
    this.rebuildRuns.add(run);
    try {
      return await run;
    } finally {
      this.rebuildRuns.delete(run);
    }
  }

  private async rebuildNow(name: string, onProgress?: (progress: RebuildProgress) => void): Promise<RebuildProgress> {
    const entry = this.live.get(name);
    if (!entry) throw new Error(`no projection named ${name}`);
    if (entry.rebuilding) throw new Error(`projection ${name} is already rebuilding`);
    entry.rebuilding = true;
    const { projection } = entry;
    try {
      // A runner that rebuilds without having started (the CLI's) has not read it yet: its snapshots name it too.
      this.firstEventId ??= (await this.store.readAll({ limit: 1 }))[0]?.eventId ?? null;
      await this.snapshots.deleteAll(name);
      const fresh: Live = { ...entry, state: projection.init(), position: null, maxOccurredAt: 0, maxRecordedAt: 0, sinceSnapshot: 0, sinceFull: 0, lastSnapshot: null, deltaBase: null };
      const started = performance.now();
      let events = 0;
      const report = (done: boolean, head: Position | null): RebuildProgress => {
        const seconds = (performance.now() - started) / 1000;
        const rate = seconds > 0 ? events / seconds : 0;
        const through = head && fresh.position ? Number(fresh.position) / Number(head) : null;
        const eta = done ? 0 : through && through > 0 && rate > 0 ? (seconds / through) * (1 - through) : null;
        const progress = { projection: name, events, eventsPerSecond: Math.round(rate), etaSeconds: eta, done };
        onProgress?.(progress);
        return progress;
      };
      for (;;) {
        const head = await this.store.headPosition();
        // Batches the size of a replay's, each followed by a turn of the event loop: a rebuild of 10,000 events at a
        // time held it for about 130 ms, and writes during the rebuild took 139 ms where they took 4.
        const batch = await this.store.readAll({ after: fresh.position ?? undefined, filter: { types: projection.eventTypes }, limit: BATCH });
        for (const recorded of batch) {
          const event = toProjectedEvent(recorded);
          projection.apply(fresh.state, event);
          events += 1;
          fresh.position = recorded.position;
          fresh.maxOccurredAt = max(fresh.maxOccurredAt, event.occurredAt);
          fresh.maxRecordedAt = max(fresh.maxRecordedAt, event.recordedAt);
          fresh.sinceSnapshot += 1;
          fresh.sinceFull += 1;
          this.snapshotIfDue(fresh);
        }
        if (batch.length === BATCH) {
          // Stopping: the rebuild ends at a batch's edge. The old snapshots are deleted, so the next start goes on from the rebuild's own.
          if (this.stopped) throw new Error(`the rebuild of ${name} was stopped with the server, after ${events} events: the next start goes on from its last snapshot, or from the first event if it took none`);
          report(false, head);
          await giveWay();
          continue;
        }
        // The log was read to `head`: every event up to it is in the fresh state (those of other types do not matter).
        const through = head !== null && (fresh.position === null || head > fresh.position) ? head : fresh.position;
        if (this.position === null || (through !== null && through >= this.position)) {
          // Snapshotted at the last event it applied, with that event's clocks: at `head`, a known-at
          // read between the two would say it knew the events of other types recorded after it.
          this.takeSnapshot(fresh);
          fresh.position = through;
          break;
        }
      }
      // The clocks of the events of other types up to `through` are the live loop's: it kept the old state current.
      const clocks = { maxOccurredAt: max(fresh.maxOccurredAt, entry.maxOccurredAt), maxRecordedAt: max(fresh.maxRecordedAt, entry.maxRecordedAt) };
      Object.assign(entry, { ...fresh, ...clocks, rebuilding: false });
      return report(true, entry.position);
    } finally {
      entry.rebuilding = false;
    }
  }

  status(): ProjectionStatus[] {
    return [...this.live.values()].map((entry) => ({
      name: entry.projection.name,
      version: entry.projection.version,
      position: entry.position,
      rebuilding: entry.rebuilding,
      lastSnapshot: entry.lastSnapshot,
    }));
  }

  /**
   * Stops following the log and saves a snapshot of every projection that moved since its last one;
   * returns once they are stored. A rebuild under way stops at its next batch first, and its
   * projection takes no snapshot: its old state is what the rebuild was asked to replace.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    const rebuilding = new Set([...this.live.values()].filter((entry) => entry.rebuilding));
    await Promise.allSettled(this.rebuildRuns);
    await this.subscription?.close();
    await this.following;
    for (const entry of this.live.values()) if (!rebuilding.has(entry)) this.takeSnapshot(entry);
    await Promise.all(this.snapshotWrites);
  }
}
