import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { channelSchema, idSchema, instantSchema } from '../domain/shared/schemas.js';
import { answerOf } from '../projections/answer.js';
import { complaintStatsSchema } from '../projections/complaints.js';
import { timelineEntrySchema } from '../projections/dealTimeline.js';
import type { TimelineEntry } from '../projections/dealTimeline.js';
import { funnelReportSchema } from '../projections/funnel.js';
import { customerLifecycleSchema, lifecycleCountsSchema } from '../projections/lifecycle.js';
import { channelRowSchema, performanceRowSchema, stalledDealSchema } from '../projections/performance.js';
import type { ReadModels } from '../projections/readModels.js';
import { reevaluationSchema, targetProgressSchema } from '../projections/targetProgress.js';
import type { TargetProgress } from '../projections/targetProgress.js';
import type { ProjectionRunner } from '../projections/runner.js';
import { salesProjection } from '../projections/sales.js';
import { targetsProjection } from '../projections/targets.js';
import type { Role } from './auth.js';
import type { RoleCheck } from './authPlugin.js';
import { MAX_PAGE, orderBy, pageQuery, paginate } from './pagination.js';
import type { Order } from './pagination.js';
import { pointInTimeQuery as basePointInTime, pointInTimeResolver } from './pointInTime.js';
import { answers, invalidRequest, sendNotFound, sendProblem } from './problem.js';
import type { ReadBudget } from './readBudget.js';
import { serializedOnce } from './serializedOnce.js';
import { filterValue, idListValue } from './filterQuery.js';

const pointInTimeQuery = basePointInTime.extend({
  explain: z.enum(['true', 'false']).optional().describe('include the deals, customers and event positions behind each figure'),
});
/** A window's bound: an instant, or a day meaning its start in UTC (to=2026-04-01 ends the window with March). */
const bound = z.union([instantSchema, z.iso.date()], { error: 'must be an ISO 8601 date-time, or a date YYYY-MM-DD (its start, UTC)' });
const windowQuery = z.object({
  from: bound.describe('start of the window (inclusive): a date-time, or a date for its start in UTC'),
  to: bound.describe('end of the window (exclusive): a date-time, or a date for its start in UTC'),
});

/** A query with a window: `to` must come after `from` (a window the wrong way round would read as all zeros). */
const windowed = <Q extends z.ZodType<{ from?: string; to?: string }>>(query: Q) =>
  query.refine((q) => q.from === undefined || q.to === undefined || Date.parse(q.from) < Date.parse(q.to), { path: ['to'], message: 'must be later than from' });
const answered = <Result extends z.ZodType>(result: Result) => answers(answerOf(result));

/** The ids asked for that name nothing, each as an issue of the field that named it. */
const unknownIds = (field: string, asked: readonly string[], exists: (id: string) => boolean, what: string) =>
  asked.filter((id) => !exists(id)).map((id) => ({ field, rule: `${id} is not ${what}` }));

/** A target's figures without its contributions (sent with explain=true only): how many deals contributed instead. */
const targetFiguresSchema = targetProgressSchema.omit({ contributions: true }).extend({ contributingDeals: z.number().int() });
const targetSchema = z.union([targetProgressSchema, targetFiguresSchema]).describe('with explain=true, the contributions; otherwise their count, contributingDeals');
const withChildren = { childTargets: z.array(targetSchema).optional().describe("with children=true: each child target's progress") };
const targetTreeSchema = z.union([targetProgressSchema.extend(withChildren), targetFiguresSchema.extend(withChildren)]);

// The answers serialized once per log position (serializedOnce): one schema each, for the route and its serializer.
const funnelAnswer = answerOf(z.array(funnelReportSchema));
const targetsAnswer = answerOf(z.array(targetSchema));
const targetTreeAnswer = answerOf(targetTreeSchema);
const lifecycleCountsAnswer = answerOf(lifecycleCountsSchema);
const customerLifecycleAnswer = answerOf(customerLifecycleSchema);
const dimension = z.enum(['owner', 'team', 'region', 'productLine', 'channel', 'segment', 'month', 'quarter']);
const ms = (iso: string) => Date.parse(iso);

/**
 * A target's contributing deals are the provenance of its actual: sent with `explain=true`. An
 * organisation's yearly target can have tens of thousands, too many for every dashboard poll.
 */
const withContributions = (target: TargetProgress, explain: boolean): z.infer<typeof targetSchema> => {
  if (explain) return target;
  const { contributions, ...figures } = target;
  return { ...figures, contributingDeals: contributions.length };
};

export type ReadRouteDeps = { readModels: ReadModels; runner: ProjectionRunner; minPositionWaitMs: number; readBudget?: ReadBudget };

/**
 * A deal's timeline is read whole by most (a few dozen events): a page holds as many as any list
 * allows. Pages bound the answer of a deal with thousands of activities (18,723 of them made a
 * 103 MB answer, held in full for each client that read it slowly).
 */
const timelinePage = pageQuery.extend({ limit: pageQuery.shape.limit.unwrap().default(MAX_PAGE) });
const byStreamVersion: Order<TimelineEntry> = { name: 'streamVersion', keyOf: (e) => e.streamVersion };

/** The projections over HTTP: every read takes asOf, knownAt, minPosition and explain. */
export function registerReadRoutes(app: FastifyInstance, deps: ReadRouteDeps, requireRole: (role: Role) => RoleCheck): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const { readModels, runner } = deps;
  const viewer = requireRole('viewer');
  const security = [{ bearer: [] }];

  const pointInTime = pointInTimeResolver(runner, deps.minPositionWaitMs, deps.readBudget);
  const sendFunnel = serializedOnce(funnelAnswer);
  const sendTargets = serializedOnce(targetsAnswer);
  const sendTarget = serializedOnce(targetTreeAnswer);
  const sendLifecycleCounts = serializedOnce(lifecycleCountsAnswer);
  const sendCustomerLifecycle = serializedOnce(customerLifecycleAnswer);

  typed.get(
    '/funnel',
    {
      onRequest: viewer,
      schema: {
        summary: 'Funnel of a pipeline over a window (cohort or flow), whole or sliced',
        tags: ['projections'],
        security,
        querystring: windowed(pointInTimeQuery.extend(windowQuery.shape).extend({
          pipelineId: filterValue.default('standard'),
          mode: z.enum(['cohort', 'flow']).default('cohort'),
          sliceBy: dimension.optional(),
          owner: filterValue.optional(),
          team: filterValue.optional(),
          region: filterValue.optional(),
          productLine: filterValue.optional(),
          channel: channelSchema.optional(),
          segment: filterValue.optional(),
        })),
        response: answers(funnelAnswer),
      },
      config: { resourceNotFound: 'PIPELINE_NOT_FOUND' },
    },
    async (request, reply) => {
      const q = request.query;
      const at = await pointInTime(q, reply);
      if (!at) return reply;
      const filter = Object.fromEntries(
        (['owner', 'team', 'region', 'productLine', 'channel', 'segment'] as const).flatMap((k) => (q[k] === undefined ? [] : [[k, q[k]]])),
      );
      const answer = await readModels.funnel(
        { pipelineId: q.pipelineId, mode: q.mode, from: ms(q.from), to: ms(q.to), sliceBy: q.sliceBy, filter, explain: q.explain === 'true' },
        at,
      );
      return sendFunnel(reply, answer, '', () => answer);
    },
  );

  typed.get(
    '/targets/progress',
    {
      onRequest: viewer,
      schema: {
        summary: 'Progress of every target, or of those named',
        tags: ['projections'],
        security,
        querystring: pointInTimeQuery.extend({ targetIds: idListValue.optional().describe('comma-separated target ids') }),
        response: answers(targetsAnswer),
      },
    },
    async (request, reply) => {
      const at = await pointInTime(request.query, reply);
      if (!at) return reply;
      const asked = request.query.targetIds?.split(',').filter(Boolean);
      const answer = await readModels.targetProgress(asked, at);
      // A misspelt id would otherwise answer an empty list, which reads as "no such targets set".
      const found = new Set(answer.result.map((t) => t.targetId));
      const unknown = unknownIds('querystring.targetIds', asked ?? [], (id) => found.has(id), 'a target at that point in time');
      if (unknown.length > 0) return sendProblem(reply, invalidRequest(unknown));
      const explain = request.query.explain === 'true';
      return sendTargets(reply, answer, String(explain), () => ({ ...answer, result: answer.result.map((t) => withContributions(t, explain)) }));
    },
  );

  typed.get(
    '/targets/:id/progress',
    {
      onRequest: viewer,
      schema: {
        summary: 'Progress of one target, or with children=true of the tree of it and its child targets',
        tags: ['projections'],
        security,
        params: z.object({ id: idSchema }),
        querystring: pointInTimeQuery.extend({ children: z.enum(['true', 'false']).optional().describe("add childTargets: each child target's progress") }),
        response: answers(targetTreeAnswer),
      },
    },
    async (request, reply) => {
      const at = await pointInTime(request.query, reply);
      if (!at) return reply;
      const all = await readModels.targetProgress(undefined, at);
      const target = all.result.find((t) => t.targetId === request.params.id);
      if (!target) return sendNotFound(reply, 'TARGET_NOT_FOUND', request.params.id);
      const explain = request.query.explain === 'true';
      const tree = request.query.children === 'true';
      return sendTarget(reply, all, `${target.targetId}|${String(explain)}|${String(tree)}`, () => {
        const one = withContributions(target, explain);
        if (!tree) return { ...all, result: one };
        const children = all.result.filter((t) => t.parentTargetId === target.targetId);
        return { ...all, result: { ...one, childTargets: children.map((t) => withContributions(t, explain)) } };
      });
    },
  );

  typed.post(
    '/targets/what-if',
    {
      onRequest: viewer,
      schema: {
        summary: 'Re-evaluate targets under other rules, beside the actual ones; nothing is written',
        tags: ['projections'],
        security,
        // The point in time is in the query, as for every read; the body is the rules asked about.
        querystring: basePointInTime,
        // Closed, as every body (closedInputs): a misspelt rule would otherwise be dropped, and the answer would show the actual rules as the alternative.
        body: z.object({
          targetIds: z.array(z.string()).optional(),
          attribution: z.enum(['ownerAtSigning', 'ownerAtLead']).optional(),
          creditOn: z.enum(['occurredAt', 'recordedAt']).optional(),
          stageProbabilities: z.record(z.string(), z.number().min(0).max(1)).optional(),
          targetAmounts: z.record(z.string(), z.number().int().positive().max(Number.MAX_SAFE_INTEGER)).optional(),
        }),
        response: answered(z.array(reevaluationSchema)),
      },
    },
    async (request, reply) => {
      const at = await pointInTime(request.query, reply);
      if (!at) return reply;
      const { targetIds, ...rules } = request.body;
      // Rules about targets or stages that do not exist would change nothing, and the answer would look as if they had been applied.
      const [targets, sales] = await Promise.all([readModels.stateOf(targetsProjection, at), readModels.stateOf(salesProjection, {})]);
      const stages = new Set([...sales.state.pipelines.values()].flatMap((p) => (p.status === 'defined' ? p.stages.map((stage) => stage.stageId) : [])));
      const unknown = [
        ...unknownIds('body.targetIds', targetIds ?? [], (id) => targets.state.targets.has(id), 'a target at that point in time'),
        ...unknownIds('body.targetAmounts', Object.keys(rules.targetAmounts ?? {}), (id) => targets.state.targets.has(id), 'a target at that point in time'),
        ...unknownIds('body.stageProbabilities', Object.keys(rules.stageProbabilities ?? {}), (id) => stages.has(id), 'a stage of any pipeline'),
      ];
      if (unknown.length > 0) return sendProblem(reply, invalidRequest(unknown));
      return readModels.reevaluateTargets(rules, targetIds, at);
    },
  );

  typed.get(
    '/customers/lifecycle',
    {
      onRequest: viewer,
      schema: {
        // Every customer's row was megabytes at ten thousand customers: the rows are GET /customers, a page at a time.
        summary: 'How many customers are in each lifecycle stage and class (each customer: GET /customers?lifecycleStage=…&class=…)',
        tags: ['projections'],
        security,
        querystring: pointInTimeQuery,
        response: answers(lifecycleCountsAnswer),
      },
    },
    async (request, reply) => {
      const at = await pointInTime(request.query, reply);
      if (!at) return reply;
      const answer = await readModels.customerLifecycles(at, { explain: request.query.explain === 'true' });
      return sendLifecycleCounts(reply, answer, '', () => ({ ...answer, result: answer.result.counts }));
    },
  );

  typed.get(
    '/customers/:id/lifecycle',
    {
      onRequest: viewer,
      schema: {
        summary: "One customer's lifecycle stage, its transitions, class and figures",
        tags: ['projections'],
        security,
        params: z.object({ id: idSchema }),
        querystring: pointInTimeQuery,
        response: answers(customerLifecycleAnswer),
      },
    },
    async (request, reply) => {
      const at = await pointInTime(request.query, reply);
      if (!at) return reply;
      // The class ranks a customer against all the others, so one customer's lifecycle is read from everyone's.
      const all = await readModels.customerLifecycles(at, { explain: request.query.explain === 'true' });
      const customer = all.result.customers.find((c) => c.customerId === request.params.id);
      if (!customer) return sendNotFound(reply, 'CUSTOMER_NOT_FOUND', request.params.id);
      return sendCustomerLifecycle(reply, all, customer.customerId, () => ({ ...all, result: customer }));
    },
  );

  typed.get(
    '/complaints/stats',
    {
      onRequest: viewer,
      schema: { summary: 'Complaint counts, response and resolution times, SLA breaches, reopen rate', tags: ['projections'], security, querystring: windowed(pointInTimeQuery.extend(windowQuery.partial().shape)), response: answered(complaintStatsSchema) },
    },
    async (request, reply) => {
      const at = await pointInTime(request.query, reply);
      if (!at) return reply;
      const { from, to, explain } = request.query;
      return readModels.complaintStats(at, { from: from ? ms(from) : undefined, to: to ? ms(to) : undefined, explain: explain === 'true' });
    },
  );

  typed.get(
    '/performance',
    {
      onRequest: viewer,
      schema: { summary: 'Sales performance per rep or team, ranked', tags: ['projections'], security, querystring: windowed(pointInTimeQuery.extend(windowQuery.shape).extend({ by: z.enum(['rep', 'team']).default('rep') })), response: answered(z.array(performanceRowSchema)) },
    },
    async (request, reply) => {
      const at = await pointInTime(request.query, reply);
      if (!at) return reply;
      const q = request.query;
      return readModels.salesPerformance({ by: q.by, from: ms(q.from), to: ms(q.to), explain: q.explain === 'true' }, at);
    },
  );

  typed.get(
    '/channels',
    { onRequest: viewer, schema: { summary: 'Performance per channel', tags: ['projections'], security, querystring: windowed(pointInTimeQuery.extend(windowQuery.shape)), response: answered(z.array(channelRowSchema)) } },
    async (request, reply) => {
      const at = await pointInTime(request.query, reply);
      if (!at) return reply;
      const q = request.query;
      return readModels.channels({ from: ms(q.from), to: ms(q.to), explain: q.explain === 'true' }, at);
    },
  );

  typed.get(
    '/deals/stalled',
    {
      onRequest: viewer,
      schema: {
        summary: 'Open deals untouched for longer than their stage allows, longest untouched first, a page at a time',
        tags: ['projections'],
        security,
        querystring: pointInTimeQuery.extend(pageQuery.shape).extend({ owner: filterValue.optional(), stage: filterValue.optional() }),
        response: answered(z.object({ items: z.array(stalledDealSchema), nextCursor: z.string().nullable().describe('the cursor of the next page; null on the last') })),
      },
    },
    async (request, reply) => {
      const q = request.query;
      const at = await pointInTime(q, reply);
      if (!at) return reply;
      const answer = await readModels.stalledDeals(at, { explain: q.explain === 'true' });
      const rows = answer.result.filter((d) => (q.owner === undefined || d.owner === q.owner) && (q.stage === undefined || d.stageId === q.stage));
      // Keyed on the last touch, not on daysStalled: a day passing between two pages moves no deal.
      const order = orderBy('lastTouchAt', { lastTouchAt: (d: (typeof rows)[number]) => d.lastTouchAt });
      return { ...answer, result: paginate('stalled deals', rows, (d) => d.dealId, order, q) };
    },
  );

  typed.get(
    '/deals/:id/timeline',
    {
      onRequest: viewer,
      schema: {
        summary: 'Every event of a deal with both clocks, who and why, and the deal after it (audit view), oldest first, a page at a time; each entry is its own provenance (event id and position), with or without explain',
        tags: ['projections'],
        security,
        params: z.object({ id: idSchema }),
        querystring: pointInTimeQuery.extend(timelinePage.shape),
        response: answered(z.object({ items: z.array(timelineEntrySchema), nextCursor: z.string().nullable().describe('the cursor of the next page; null on the last') })),
      },
    },
    async (request, reply) => {
      const q = request.query;
      const at = await pointInTime(q, reply);
      if (!at) return reply;
      const timeline = await readModels.dealTimeline(request.params.id, at);
      if (timeline.result.length === 0) return sendNotFound(reply, 'DEAL_NOT_FOUND', request.params.id);
      return { ...timeline, result: paginate(`timeline of ${request.params.id}`, timeline.result, (e) => e.position, byStreamVersion, q) };
    },
  );
}
