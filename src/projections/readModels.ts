import type { EventStore, Position } from '../eventstore/port.js';
import { complaintStats, complaintsProjection } from './complaints.js';
import type { ComplaintSla } from './complaints.js';
import { customersProjection } from './customers.js';
import { readDealTimeline } from './dealTimeline.js';
import { funnel } from './funnel.js';
import type { FunnelQuery } from './funnel.js';
import { customerLifecycles, lifecycleCounts } from './lifecycle.js';
import type { LifecycleThresholds } from './lifecycle.js';
import { channelPerformance, salesPerformance, stalledDeals } from './performance.js';
import type { ProjectionRunner, PointInTime } from './runner.js';
import { salesProjection } from './sales.js';
import { reevaluateTargets, targetProgress } from './targetProgress.js';
import type { AttributionRules, PaceThresholds } from './targetProgress.js';
import { targetsProjection } from './targets.js';

/** Every answer says which point in time it is about and how far into the log it reaches. */
export type Answer<T> = { at: { asOf: string | null; knownAt: string | null; now: string }; position: string | null; replayed: number; result: T };

export type ReadModelSettings = {
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
export class ReadModels {
  constructor(
    private readonly runner: ProjectionRunner,
    private readonly store: EventStore,
    private readonly clock: () => Date,
    private readonly settings: ReadModelSettings = {},
  ) {}

  /** The base states at a point in time, for resource reads and lists. */
  statesAt(at: PointInTime) {
    return this.states(at);
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

  async funnel(query: FunnelQuery, at: PointInTime = {}) {
    const sales = await this.runner.stateAt(salesProjection, at, { maxReplay: this.settings.maxReplay });
    return this.answer(at, [sales], funnel(sales.state, query));
  }

  async targetProgress(targetIds: readonly string[] | undefined, at: PointInTime = {}, rules?: AttributionRules) {
    const { sales, targets } = await this.states(at);
    const context = { sales: sales.state, targets: targets.state, now: this.now(at).getTime(), rules, pace: this.settings.pace };
    return this.answer(at, [sales, targets], targetProgress(context, targetIds));
  }

  /** What-if: target progress under alternative rules beside the actual rules. Nothing is written. */
  async reevaluateTargets(alternative: Partial<AttributionRules>, targetIds: readonly string[] | undefined, at: PointInTime = {}) {
    const { sales, targets } = await this.states(at);
    const context = { sales: sales.state, targets: targets.state, now: this.now(at).getTime(), pace: this.settings.pace };
    return this.answer(at, [sales, targets], reevaluateTargets(context, alternative, targetIds));
  }

  async customerLifecycles(at: PointInTime = {}, options: { explain?: boolean } = {}) {
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

  async complaintStats(at: PointInTime = {}, window: { from?: number; to?: number } = {}) {
    const complaints = await this.runner.stateAt(complaintsProjection, at, { maxReplay: this.settings.maxReplay });
    return this.answer(at, [complaints], complaintStats(complaints.state, this.now(at).getTime(), { ...window, sla: this.settings.complaintSla }));
  }

  async salesPerformance(query: { by: 'rep' | 'team'; from: number; to: number }, at: PointInTime = {}) {
    const { sales, complaints } = await this.states(at);
    return this.answer(at, [sales, complaints], salesPerformance(sales.state, complaints.state, query));
  }

  async channels(query: { from: number; to: number }, at: PointInTime = {}) {
    const sales = await this.runner.stateAt(salesProjection, at, { maxReplay: this.settings.maxReplay });
    return this.answer(at, [sales], channelPerformance(sales.state, query));
  }

  async stalledDeals(at: PointInTime = {}) {
    const sales = await this.runner.stateAt(salesProjection, at, { maxReplay: this.settings.maxReplay });
    return this.answer(at, [sales], stalledDeals(sales.state, this.now(at).getTime(), this.settings.rottingDays));
  }

  /** The audit view of one deal, read from its own stream. */
  async dealTimeline(dealId: string, at: PointInTime = {}) {
    const entries = await readDealTimeline(this.store, dealId, at);
    const last = entries.at(-1);
    return this.answer(at, [{ position: last ? BigInt(last.position) : null, replayed: entries.length }], entries);
  }
}
