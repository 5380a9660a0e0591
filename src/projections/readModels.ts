import { refuse } from '../domain/errors.js';
import type { EventStore, Position } from '../eventstore/port.js';
import type { Answer } from './answer.js';
import { AnswerCache } from './answerCache.js';
import { complaintStats, complaintsProjection } from './complaints.js';
import type { ComplaintSla } from './complaints.js';
import { customersProjection } from './customers.js';
import { readDealTimeline } from './dealTimeline.js';
import { funnel } from './funnel.js';
import type { FunnelQuery } from './funnel.js';
import { customerLifecycles, lifecycleCounts } from './lifecycle.js';
import type { LifecycleThresholds } from './lifecycle.js';
import { channelPerformance, salesPerformance, stalledDeals } from './performance.js';
import type { Projection } from './projection.js';
import type { ProjectionRunner, PointInTime } from './runner.js';
import { meteredWork } from './runnerTypes.js';
import { salesProjection } from './sales.js';
import { reevaluateTargets, targetProgress } from './targetProgress.js';
import type { AttributionRules, PaceThresholds } from './targetProgress.js';
import { targetsProjection } from './targets.js';

export type ReadModelSettings = {
  /** How long a live answer may be served again while no event is appended (ms; 0 turns caching off). */
  liveCacheMs?: number;
  pace?: PaceThresholds;
  lifecycle?: LifecycleThresholds;
  complaintSla?: ComplaintSla;
  rottingDays?: Record<string, number>;
  /** Events a single point-in-time read may replay before it is refused. */
  maxReplay?: number;
};

/**
 * The views people read, each at any point in time: resolves the states a view needs through the
 * runner (live, or replayed from the nearest snapshot) and runs the view's query on them, with
 * "now" being the point in time asked about.
 */
const LIVE_CACHE_ENTRIES = 256;

export class ReadModels {
  /** Live answers by view, arguments and log position: a new event changes the key, so nothing stale is served. */
  private readonly cache: AnswerCache;

  constructor(
    private readonly runner: ProjectionRunner,
    private readonly store: EventStore,
    private readonly clock: () => Date,
    private readonly settings: ReadModelSettings = {},
  ) {
    this.cache = new AnswerCache(settings.liveCacheMs ?? 1000, LIVE_CACHE_ENTRIES);
  }

  /**
   * Serves a live read from the cache when the same read was answered at the same log position
   * within `liveCacheMs` (1 s by default: figures that depend on the clock, such as expected to
   * date, are then at most that old). Point-in-time reads are not cached.
   */
  private cached<T>(view: string, args: unknown, at: PointInTime, work: () => Promise<T>): Promise<T> {
    // Metered when computed: an answer served again costs its reader nothing.
    const compute = () => meteredWork(at, work);
    if ((this.settings.liveCacheMs ?? 1000) <= 0 || at.asOf !== undefined || at.knownAt !== undefined) return compute();
    return this.cache.answer(`${view}|${String(this.runner.livePosition)}|${JSON.stringify(args)}`, this.clock().getTime(), compute);
  }

  /** One projection's state at a point in time. */
  stateOf<State>(projection: Projection<State>, at: PointInTime) {
    const read = () => this.runner.stateAt(projection, at, { maxReplay: this.settings.maxReplay });
    // The live state is there already; only a replay is work.
    return at.asOf === undefined && at.knownAt === undefined ? read() : meteredWork(at, read);
  }

  private async states(at: PointInTime) {
    const limits = { maxReplay: this.settings.maxReplay };
    const [sales, targets, customers, complaints] = await Promise.all([
      this.runner.stateAt(salesProjection, at, limits),
      this.runner.stateAt(targetsProjection, at, limits),
      this.runner.stateAt(customersProjection, at, limits),
      this.runner.stateAt(complaintsProjection, at, limits),
    ]);
    return { sales, targets, customers, complaints };
  }

  private answer<T>(at: PointInTime, parts: { position: Position | null; replayed: number }[], result: T): Answer<T> {
    const positions = parts.map((p) => p.position).filter((p): p is Position => p !== null);
    return {
      at: { asOf: at.asOf?.toISOString() ?? null, knownAt: at.knownAt?.toISOString() ?? null, now: this.now(at).toISOString() },
      position: positions.length > 0 ? String(positions.reduce((a, b) => (a > b ? a : b))) : null,
      replayed: parts.reduce((sum, p) => sum + p.replayed, 0),
      result,
    };
  }

  /** The reference instant of a read: the business time asked about, else the system time, else now. */
  now(at: PointInTime): Date {
    return at.asOf ?? at.knownAt ?? this.clock();
  }

  funnel(query: FunnelQuery, at: PointInTime = {}) {
    return this.cached('funnel', query, at, () => this.funnelNow(query, at));
  }

  private async funnelNow(query: FunnelQuery, at: PointInTime) {
    const sales = await this.runner.stateAt(salesProjection, at, { maxReplay: this.settings.maxReplay });
    // A pipeline not (yet) defined has no funnel: all zeros would pass for one.
    if (sales.state.pipelines.get(query.pipelineId)?.status !== 'defined') refuse('PIPELINE_NOT_FOUND', query.pipelineId);
    return this.answer(at, [sales], funnel(sales.state, query));
  }

  targetProgress(targetIds: readonly string[] | undefined, at: PointInTime = {}, rules?: AttributionRules) {
    return this.cached('targetProgress', [targetIds, rules], at, () => this.targetProgressNow(targetIds, at, rules));
  }

  private async targetProgressNow(targetIds: readonly string[] | undefined, at: PointInTime, rules?: AttributionRules) {
    const { sales, targets } = await this.states(at);
    const context = { sales: sales.state, targets: targets.state, now: this.now(at).getTime(), rules, pace: this.settings.pace };
    return this.answer(at, [sales, targets], targetProgress(context, targetIds));
  }

  /** What-if: target progress under alternative rules beside the actual rules. Nothing is written. */
  reevaluateTargets(alternative: Partial<AttributionRules>, targetIds: readonly string[] | undefined, at: PointInTime = {}) {
    return meteredWork(at, async () => {
      const { sales, targets } = await this.states(at);
      const context = { sales: sales.state, targets: targets.state, now: this.now(at).getTime(), pace: this.settings.pace };
      return this.answer(at, [sales, targets], reevaluateTargets(context, alternative, targetIds));
    });
  }

  customerLifecycles(at: PointInTime = {}, options: { explain?: boolean } = {}) {
    // One key for "no explain" however it is asked for, so every reader shares one live answer.
    const explain = options.explain === true;
    return this.cached('lifecycles', { explain }, at, () => this.customerLifecyclesNow(at, { explain }));
  }

  private async customerLifecyclesNow(at: PointInTime, options: { explain?: boolean }) {
    const { sales, customers, complaints } = await this.states(at);
    const rows = customerLifecycles({
      sales: sales.state,
      customers: customers.state,
      complaints: complaints.state,
      now: this.now(at).getTime(),
      thresholds: this.settings.lifecycle,
      explain: options.explain,
    });
    return this.answer(at, [sales, customers, complaints], { customers: rows, counts: lifecycleCounts(rows, options.explain) });
  }

  complaintStats(at: PointInTime = {}, options: { from?: number; to?: number; explain?: boolean } = {}) {
    return meteredWork(at, async () => {
      const complaints = await this.runner.stateAt(complaintsProjection, at, { maxReplay: this.settings.maxReplay });
      return this.answer(at, [complaints], complaintStats(complaints.state, this.now(at).getTime(), { ...options, sla: this.settings.complaintSla }));
    });
  }

  salesPerformance(query: Parameters<typeof salesPerformance>[2], at: PointInTime = {}) {
    return meteredWork(at, async () => {
      const { sales, complaints } = await this.states(at);
      return this.answer(at, [sales, complaints], salesPerformance(sales.state, complaints.state, query));
    });
  }

  channels(query: Parameters<typeof channelPerformance>[1], at: PointInTime = {}) {
    return meteredWork(at, async () => {
      const sales = await this.runner.stateAt(salesProjection, at, { maxReplay: this.settings.maxReplay });
      return this.answer(at, [sales], channelPerformance(sales.state, query));
    });
  }

  stalledDeals(at: PointInTime = {}, options: { explain?: boolean } = {}) {
    return meteredWork(at, async () => {
      const sales = await this.runner.stateAt(salesProjection, at, { maxReplay: this.settings.maxReplay });
      return this.answer(at, [sales], stalledDeals(sales.state, this.now(at).getTime(), this.settings.rottingDays, options));
    });
  }

  /** The audit view of one deal, read from its own stream. */
  dealTimeline(dealId: string, at: PointInTime = {}) {
    return meteredWork(at, async () => {
      const entries = await readDealTimeline(this.store, dealId, at);
      const last = entries.at(-1);
      return this.answer(at, [{ position: last ? BigInt(last.position) : null, replayed: entries.length }], entries);
    });
  }
}
