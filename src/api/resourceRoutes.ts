import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { periodContains, periodSchema } from '../domain/shared/period.js';
import { channelSchema, idSchema } from '../domain/shared/schemas.js';
import { OPEN_STATUSES, complaintStatusSchema } from '../domain/complaint/decider.js';
import { severitySchema } from '../domain/complaint/events.js';
import { scopeKindSchema, targetMetricSchema } from '../domain/target/events.js';
import { complaintsProjection } from '../projections/complaints.js';
import { customersProjection } from '../projections/customers.js';
import { dealStatusSchema } from '../projections/dealRecord.js';
import { customerClassSchema, lifecycleStageSchema } from '../projections/lifecycle.js';
import { meteredWork } from '../projections/runnerTypes.js';
import type { StateAt } from '../projections/runnerTypes.js';
import { salesProjection, teamOf } from '../projections/sales.js';
import { targetStatusSchema, targetsProjection } from '../projections/targets.js';
import type { Role } from './auth.js';
import type { RoleCheck } from './authPlugin.js';
import { orderBy, pageQuery, paginate, sortQuery } from './pagination.js';
import { pointInTimeQuery, pointInTimeResolver } from './pointInTime.js';
import { answers, sendNotFound } from './problem.js';
import type { ReadRouteDeps } from './readRoutes.js';
import { complaintPageSchema, complaintView, complaintViewSchema } from './views/complaint.js';
import { customerLifecyclePageSchema, customerView, customerViewSchema } from './views/customer.js';
import { dealPageSchema, dealView, dealViewSchema } from './views/deal.js';
import { pipelinePageSchema, pipelineView, pipelineViewSchema } from './views/pipeline.js';
import { repPageSchema, repView, repViewSchema } from './views/rep.js';
import { targetPageSchema, targetView, targetViewSchema } from './views/target.js';
import { membersByTeam, teamPageSchema, teamView, teamViewSchema } from './views/team.js';
import { filterValue } from './filterQuery.js';

const at = pointInTimeQuery;

/**
 * The entity tag of a resource read as it is now, for If-Match: its stream's version. A state in
 * the past (or replayed to an `asOf`) is not one to write against, so it gets none.
 */
function tag(reply: FastifyReply, read: Pick<StateAt<unknown>, 'from'>, record: { streamVersion: number }): void {
  if (read.from === 'live') reply.header('etag', `"${record.streamVersion}"`);
}

/** GET on every resource's current state (or its state at a point in time), and lists with filters, sorting and cursors. */
export function registerResourceRoutes(app: FastifyInstance, deps: ReadRouteDeps, requireRole: (role: Role) => RoleCheck): void {
  const { readModels, runner } = deps;
  const resolve = pointInTimeResolver(runner, deps.minPositionWaitMs, deps.readBudget);
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const viewer = requireRole('viewer');
  const route = <S extends object>(summary: string, tag: string, schema: S) => ({ onRequest: viewer, schema: { summary, tags: [tag], security: [{ bearer: [] }], ...schema } });
  const idParams = z.object({ id: idSchema });

  typed.get('/deals/:id', route('A deal', 'deal', { params: idParams, querystring: at, response: answers(dealViewSchema) }), async (request, reply) => {
    const pointInTime = await resolve(request.query, reply);
    if (!pointInTime) return reply;
    const sales = await readModels.stateOf(salesProjection, pointInTime);
    const deal = sales.state.deals.get(request.params.id);
    if (!deal) return sendNotFound(reply, 'DEAL_NOT_FOUND', request.params.id);
    tag(reply, sales, deal);
    return dealView(deal, sales.state, readModels.now(pointInTime).getTime());
  });

  typed.get(
    '/deals',
    route('Deals, filtered and sorted, a page at a time', 'deal', {
        querystring: at.extend(pageQuery.shape).extend({
          status: dealStatusSchema.optional(),
          stage: filterValue.optional(),
          owner: filterValue.optional(),
          team: filterValue.optional(),
          region: filterValue.optional(),
          productLine: filterValue.optional(),
          channel: channelSchema.optional(),
          customerId: filterValue.optional(),
          sort: sortQuery(['leadFoundAt', 'estimatedAmount']),
        }),
        response: answers(dealPageSchema),
      }),
    async (request, reply) => {
      const q = request.query;
      const pointInTime = await resolve(q, reply);
      if (!pointInTime) return reply;
      // A list is filtered and sorted over every record: work, metered.
      return meteredWork(pointInTime, async () => {
        const sales = await readModels.stateOf(salesProjection, pointInTime);
        const now = readModels.now(pointInTime).getTime();
        const deals = [...sales.state.deals.values()].filter(
          (d) =>
            (q.status === undefined || d.status === q.status) &&
            (q.stage === undefined || d.stageId === q.stage) &&
            (q.owner === undefined || d.owner === q.owner) &&
            (q.team === undefined || teamOf(sales.state.reps.get(d.owner), now) === q.team) &&
            (q.region === undefined || d.region === q.region) &&
            (q.productLine === undefined || d.productLine === q.productLine) &&
            (q.channel === undefined || d.channel === q.channel) &&
            (q.customerId === undefined || d.customerId === q.customerId),
        );
        const page = paginate('deals', deals, (d) => d.dealId, orderBy(q.sort, { leadFoundAt: (d) => d.leadAt, estimatedAmount: (d) => d.estimatedMinor }), q);
        return { items: page.items.map((d) => dealView(d, sales.state, now)), nextCursor: page.nextCursor };
      });
    },
  );

  typed.get('/customers/:id', route('A customer', 'customer', { params: idParams, querystring: at, response: answers(customerViewSchema) }), async (request, reply) => {
    const pointInTime = await resolve(request.query, reply);
    if (!pointInTime) return reply;
    // The customers projection holds the whole profile: a read in the past replays it alone, not the sales state too.
    const customers = await readModels.stateOf(customersProjection, pointInTime);
    const record = customers.state.customers.get(request.params.id);
    if (!record) return sendNotFound(reply, 'CUSTOMER_NOT_FOUND', request.params.id);
    tag(reply, customers, record);
    return customerView(record);
  });

  typed.get(
    '/customers',
    route('Customers with lifecycle stage and class, filtered and sorted, a page at a time', 'customer', {
        querystring: at.extend(pageQuery.shape).extend({
          segment: filterValue.optional(),
          region: filterValue.optional(),
          channel: channelSchema.optional().describe('the channel the customer was acquired through'),
          lifecycleStage: lifecycleStageSchema.optional(),
          class: customerClassSchema.optional(),
          sort: sortQuery(['name', 'since', 'contracts']),
        }),
        response: answers(customerLifecyclePageSchema),
      }),
    async (request, reply) => {
      const q = request.query;
      const pointInTime = await resolve(q, reply);
      if (!pointInTime) return reply;
      return meteredWork(pointInTime, async () => {
        // The read model's lifecycles: its thresholds, and its cache of the live answer.
        const lifecycles = await readModels.customerLifecycles(pointInTime);
        const rows = lifecycles.result.customers.filter(
          (c) =>
            (q.lifecycleStage === undefined || c.stage === q.lifecycleStage) &&
            (q.class === undefined || c.class === q.class) &&
            (q.segment === undefined || c.segment === q.segment) &&
            (q.region === undefined || c.region === q.region) &&
            (q.channel === undefined || c.channel === q.channel),
        );
        return paginate('customers', rows, (c) => c.customerId, orderBy(q.sort, { name: (c) => c.name, since: (c) => c.since, contracts: (c) => c.contracts }), q);
      });
    },
  );

  typed.get('/complaints/:id', route('A complaint', 'complaint', { params: idParams, querystring: at, response: answers(complaintViewSchema) }), async (request, reply) => {
    const pointInTime = await resolve(request.query, reply);
    if (!pointInTime) return reply;
    const complaints = await readModels.stateOf(complaintsProjection, pointInTime);
    const complaint = complaints.state.complaints.get(request.params.id);
    if (!complaint) return sendNotFound(reply, 'COMPLAINT_NOT_FOUND', request.params.id);
    tag(reply, complaints, complaint);
    return complaintView(complaint);
  });

  typed.get(
    '/complaints',
    route('Complaints, filtered and sorted, a page at a time', 'complaint', {
        querystring: at.extend(pageQuery.shape).extend({
          status: complaintStatusSchema.optional(),
          open: z.enum(['true', 'false']).optional().describe(`true: ${OPEN_STATUSES.join(', ')}; false: every other status`),
          severity: severitySchema.optional(),
          customerId: filterValue.optional(),
          sort: sortQuery(['raisedAt']),
        }),
        response: answers(complaintPageSchema),
      }),
    async (request, reply) => {
      const q = request.query;
      const pointInTime = await resolve(q, reply);
      if (!pointInTime) return reply;
      return meteredWork(pointInTime, async () => {
        const complaints = await readModels.stateOf(complaintsProjection, pointInTime);
        const list = [...complaints.state.complaints.values()].filter(
          (c) =>
            (q.status === undefined || c.status === q.status) &&
            (q.open === undefined || OPEN_STATUSES.includes(c.status) === (q.open === 'true')) &&
            (q.severity === undefined || c.severity === q.severity) &&
            (q.customerId === undefined || c.customerId === q.customerId),
        );
        const page = paginate('complaints', list, (c) => c.complaintId, orderBy(q.sort, { raisedAt: (c) => c.raisedAt }), q);
        return { items: page.items.map(complaintView), nextCursor: page.nextCursor };
      });
    },
  );

  typed.get('/targets/:id', route('A target', 'target', { params: idParams, querystring: at, response: answers(targetViewSchema) }), async (request, reply) => {
    const pointInTime = await resolve(request.query, reply);
    if (!pointInTime) return reply;
    const targets = await readModels.stateOf(targetsProjection, pointInTime);
    const target = targets.state.targets.get(request.params.id);
    if (!target) return sendNotFound(reply, 'TARGET_NOT_FOUND', request.params.id);
    tag(reply, targets, target);
    return targetView(target);
  });

  typed.get(
    '/targets',
    route('Targets, filtered and sorted, a page at a time', 'target', {
        querystring: at.extend(pageQuery.shape).extend({
          period: periodSchema.optional().describe('the targets of exactly this period'),
          within: periodSchema.optional().describe("the targets of this period and of the periods in it: 2026 gives the year's, its quarters' and its months'"),
          metric: targetMetricSchema.optional(),
          status: targetStatusSchema.optional(),
          scope: scopeKindSchema.optional().describe('what the target is for: a team, a rep, a region…'),
          scopeId: filterValue.optional().describe('the team, rep, region… it is for (scope=team&scopeId=north)'),
          parent: filterValue.optional().describe('the targets whose parent target is this one'),
          sort: sortQuery(['period', 'amount']),
        }),
        response: answers(targetPageSchema),
      }),
    async (request, reply) => {
      const q = request.query;
      const pointInTime = await resolve(q, reply);
      if (!pointInTime) return reply;
      return meteredWork(pointInTime, async () => {
        const targets = await readModels.stateOf(targetsProjection, pointInTime);
        const list = [...targets.state.targets.values()].filter(
          (t) =>
            (q.period === undefined || t.period === q.period) &&
            (q.within === undefined || periodContains(q.within, t.period)) &&
            (q.metric === undefined || t.metric === q.metric) &&
            (q.status === undefined || t.status === q.status) &&
            (q.scope === undefined || t.scope.kind === q.scope) &&
            (q.scopeId === undefined || t.scope.id === q.scopeId) &&
            (q.parent === undefined || t.parentTargetId === q.parent),
        );
        const page = paginate('targets', list, (t) => t.targetId, orderBy(q.sort, { period: (t) => t.period, amount: (t) => t.amount }), q);
        return { items: page.items.map(targetView), nextCursor: page.nextCursor };
      });
    },
  );

  typed.get('/pipelines/:id', route('A pipeline as defined at the point in time', 'pipeline', { params: idParams, querystring: at, response: answers(pipelineViewSchema) }), async (request, reply) => {
    const pointInTime = await resolve(request.query, reply);
    if (!pointInTime) return reply;
    const sales = await readModels.stateOf(salesProjection, pointInTime);
    const pipeline = sales.state.pipelines.get(request.params.id);
    if (pipeline?.status !== 'defined') return sendNotFound(reply, 'PIPELINE_NOT_FOUND', request.params.id);
    tag(reply, sales, pipeline);
    return pipelineView(pipeline);
  });

  typed.get('/reps/:id', route('A rep, with team membership over time', 'rep', { params: idParams, querystring: at, response: answers(repViewSchema) }), async (request, reply) => {
    const pointInTime = await resolve(request.query, reply);
    if (!pointInTime) return reply;
    const sales = await readModels.stateOf(salesProjection, pointInTime);
    const rep = sales.state.reps.get(request.params.id);
    if (!rep) return sendNotFound(reply, 'REP_NOT_FOUND', request.params.id);
    tag(reply, sales, rep);
    return repView(rep, readModels.now(pointInTime).getTime());
  });

  typed.get('/reps', route('Reps, filtered, a page at a time', 'rep', { querystring: at.extend(pageQuery.shape).extend({ team: filterValue.optional(), sort: sortQuery(['name']) }), response: answers(repPageSchema) }), async (request, reply) => {
    const pointInTime = await resolve(request.query, reply);
    if (!pointInTime) return reply;
    return meteredWork(pointInTime, async () => {
      const now = readModels.now(pointInTime).getTime();
      const sales = await readModels.stateOf(salesProjection, pointInTime);
      const reps = [...sales.state.reps.values()].filter((r) => request.query.team === undefined || teamOf(r, now) === request.query.team);
      const page = paginate('reps', reps, (r) => r.repId, orderBy(request.query.sort, { name: (r) => r.name }), request.query);
      return { items: page.items.map((r) => repView(r, now)), nextCursor: page.nextCursor };
    });
  });

  typed.get('/teams/:id', route('A team and its members now', 'team', { params: idParams, querystring: at, response: answers(teamViewSchema) }), async (request, reply) => {
    const pointInTime = await resolve(request.query, reply);
    if (!pointInTime) return reply;
    const now = readModels.now(pointInTime).getTime();
    const sales = await readModels.stateOf(salesProjection, pointInTime);
    const team = sales.state.teams.get(request.params.id);
    if (!team) return sendNotFound(reply, 'TEAM_NOT_FOUND', request.params.id);
    tag(reply, sales, team);
    return teamView(team, membersByTeam(sales.state, now));
  });

  typed.get(
    '/teams',
    route('Teams with their members, a page at a time', 'team', { querystring: at.extend(pageQuery.shape).extend({ region: filterValue.optional(), sort: sortQuery(['name']) }), response: answers(teamPageSchema) }),
    async (request, reply) => {
      const q = request.query;
      const pointInTime = await resolve(q, reply);
      if (!pointInTime) return reply;
      return meteredWork(pointInTime, async () => {
        const sales = await readModels.stateOf(salesProjection, pointInTime);
        const teams = [...sales.state.teams.values()].filter((t) => q.region === undefined || t.region === q.region);
        const page = paginate('teams', teams, (t) => t.teamId, orderBy(q.sort, { name: (t) => t.name }), q);
        const members = membersByTeam(sales.state, readModels.now(pointInTime).getTime());
        return { items: page.items.map((t) => teamView(t, members)), nextCursor: page.nextCursor };
      });
    },
  );

  typed.get(
    '/pipelines',
    route('Pipelines as defined, a page at a time', 'pipeline', { querystring: at.extend(pageQuery.shape).extend({ sort: sortQuery(['name']) }), response: answers(pipelinePageSchema) }),
    async (request, reply) => {
      const q = request.query;
      const pointInTime = await resolve(q, reply);
      if (!pointInTime) return reply;
      return meteredWork(pointInTime, async () => {
        const sales = await readModels.stateOf(salesProjection, pointInTime);
        const defined = [...sales.state.pipelines.values()].flatMap((p) => (p.status === 'defined' ? [p] : []));
        const page = paginate('pipelines', defined, (p) => p.pipelineId, orderBy(q.sort, { name: (p) => p.name }), q);
        return { items: page.items.map(pipelineView), nextCursor: page.nextCursor };
      });
    },
  );
}
