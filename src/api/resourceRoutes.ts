import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ComplaintRecord } from '../projections/complaints.js';
import { complaintsProjection } from '../projections/complaints.js';
import { customersProjection } from '../projections/customers.js';
import { customerLifecycles } from '../projections/lifecycle.js';
import type { ReadModels } from '../projections/readModels.js';
import type { ProjectionRunner } from '../projections/runner.js';
import type { RepFacts } from '../projections/sales.js';
import { salesProjection, teamOf } from '../projections/sales.js';
import type { TargetRecord } from '../projections/targets.js';
import { targetsProjection } from '../projections/targets.js';
import type { Role } from './auth.js';
import type { RoleCheck } from './authPlugin.js';
import { isoOrNull } from './isoInstant.js';
import { pageQuery, paginate } from './pagination.js';
import { pointInTimeQuery, pointInTimeResolver } from './pointInTime.js';
import { problemSchema, sendProblem } from './problem.js';
import { viewPageSchema, viewSchema } from './serializer.js';
import { dealPageSchema, dealView, dealViewSchema } from './dealView.js';

const at = pointInTimeQuery;
const one = { 200: viewSchema, '4xx': problemSchema, '5xx': problemSchema };
const many = { 200: viewPageSchema, '4xx': problemSchema, '5xx': problemSchema };

const repView = (rep: RepFacts, now: number) => ({
  repId: rep.repId,
  name: rep.name,
  role: rep.role,
  status: rep.departedAt === null ? 'active' : 'departed',
  teamId: teamOf(rep, now),
  memberships: rep.spans.map((s) => ({ teamId: s.teamId, from: isoOrNull(s.from), to: isoOrNull(s.to) })),
});

const complaintView = (c: ComplaintRecord) => ({
  ...c,
  raisedAt: isoOrNull(c.raisedAt),
  acknowledgedAt: isoOrNull(c.acknowledgedAt),
  resolvedAt: isoOrNull(c.resolvedAt),
  closedAt: isoOrNull(c.closedAt),
  raisedPosition: String(c.raisedPosition),
  openSpans: c.openSpans.map((s) => ({ from: isoOrNull(s.from), to: isoOrNull(s.to) })),
});

const targetView = (t: TargetRecord) => ({
  ...t,
  setAt: isoOrNull(t.setAt),
  setPosition: String(t.setPosition),
  withdrawnAt: isoOrNull(t.withdrawnAt),
  adjustments: t.adjustments.map((a) => ({ ...a, at: isoOrNull(a.at), position: String(a.position) })),
});

/** GET on every resource's current state (or its state at a point in time), and lists with filters, sorting and cursors. */
export function registerResourceRoutes(app: FastifyInstance, readModels: ReadModels, runner: ProjectionRunner, minPositionWaitMs: number, requireRole: (role: Role) => RoleCheck): void {
  const resolve = pointInTimeResolver(runner, minPositionWaitMs);
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const viewer = requireRole('viewer');
  const route = <S extends object>(summary: string, tag: string, schema: S) => ({ preValidation: viewer, schema: { summary, tags: [tag], security: [{ bearer: [] }], ...schema } });
  const notFound = (reply: FastifyReply, code: string, id: string) => sendProblem(reply, { title: 'Not found', status: 404, code, detail: `no ${code.split('_')[0]?.toLowerCase()} ${id} at that point in time` });
  const idParams = z.object({ id: z.string() });

  typed.get('/deals/:id', route('A deal', 'deal', { params: idParams, querystring: at, response: { ...one, 200: dealViewSchema } }), async (request, reply) => {
    const pointInTime = await resolve(request.query, reply);
    if (!pointInTime) return reply;
    const sales = await readModels.stateOf(salesProjection, pointInTime);
    const deal = sales.state.deals.get(request.params.id);
    return deal ? dealView(deal, sales.state, readModels.now(pointInTime).getTime()) : notFound(reply, 'DEAL_NOT_FOUND', request.params.id);
  });

  const dealSort = z.enum(['leadFoundAt', '-leadFoundAt', 'estimatedAmount', '-estimatedAmount']);
  typed.get(
    '/deals',
    route('Deals, filtered and sorted, a page at a time', 'deal', {
        querystring: at.extend(pageQuery.shape).extend({
          status: z.enum(['open', 'won', 'lost']).optional(),
          stage: z.string().optional(),
          owner: z.string().optional(),
          team: z.string().optional(),
          region: z.string().optional(),
          productLine: z.string().optional(),
          channel: z.string().optional(),
          customerId: z.string().optional(),
          sort: dealSort.default('leadFoundAt'),
        }),
        response: { ...many, 200: dealPageSchema },
      }),
    async (request, reply) => {
      const q = request.query;
      const pointInTime = await resolve(q, reply);
      if (!pointInTime) return reply;
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
      const sign = q.sort.startsWith('-') ? -1 : 1;
      const page = paginate(deals, (d) => [sign * (q.sort.endsWith('leadFoundAt') ? d.leadAt : d.estimatedMinor), d.dealId], q);
      return { items: page.items.map((d) => dealView(d, sales.state, now)), nextCursor: page.nextCursor };
    },
  );

  typed.get('/customers/:id', route('A customer', 'customer', { params: idParams, querystring: at, response: one }), async (request, reply) => {
    const pointInTime = await resolve(request.query, reply);
    if (!pointInTime) return reply;
    const [sales, customers] = await Promise.all([readModels.stateOf(salesProjection, pointInTime), readModels.stateOf(customersProjection, pointInTime)]);
    const facts = sales.state.customers.get(request.params.id);
    const record = customers.state.customers.get(request.params.id);
    if (!facts || !record) return notFound(reply, 'CUSTOMER_NOT_FOUND', request.params.id);
    return {
      ...facts,
      registeredAt: isoOrNull(facts.registeredAt),
      visitsPlanned: record.visitsPlanned,
      visitsCompleted: record.visitsCompleted,
      satisfaction: record.satisfaction.map((s) => ({ score: s.score, at: isoOrNull(s.at) })),
    };
  });

  typed.get(
    '/customers',
    route('Customers with lifecycle stage and class, filtered, a page at a time', 'customer', {
        querystring: at.extend(pageQuery.shape).extend({
          segment: z.string().optional(),
          lifecycleStage: z.enum(['prospect', 'new', 'active', 'atRisk', 'dormant', 'reactivated']).optional(),
          class: z.enum(['A', 'B', 'C']).optional(),
        }),
        response: many,
      }),
    async (request, reply) => {
      const q = request.query;
      const pointInTime = await resolve(q, reply);
      if (!pointInTime) return reply;
      const { sales, customers, complaints } = await readModels.statesAt(pointInTime);
      const rows = customerLifecycles({ sales: sales.state, customers: customers.state, complaints: complaints.state, now: readModels.now(pointInTime).getTime() }).filter(
        (c) =>
          (q.lifecycleStage === undefined || c.stage === q.lifecycleStage) &&
          (q.class === undefined || c.class === q.class) &&
          (q.segment === undefined || sales.state.customers.get(c.customerId)?.segment === q.segment),
      );
      return paginate(rows, (c) => [c.name, c.customerId], q);
    },
  );

  typed.get('/complaints/:id', route('A complaint', 'complaint', { params: idParams, querystring: at, response: one }), async (request, reply) => {
    const pointInTime = await resolve(request.query, reply);
    if (!pointInTime) return reply;
    const complaints = await readModels.stateOf(complaintsProjection, pointInTime);
    const complaint = complaints.state.complaints.get(request.params.id);
    return complaint ? complaintView(complaint) : notFound(reply, 'COMPLAINT_NOT_FOUND', request.params.id);
  });

  typed.get(
    '/complaints',
    route('Complaints, filtered, a page at a time', 'complaint', {
        querystring: at.extend(pageQuery.shape).extend({
          status: z.enum(['raised', 'acknowledged', 'escalated', 'resolved', 'closed', 'reopened']).optional(),
          severity: z.enum(['low', 'medium', 'high']).optional(),
          customerId: z.string().optional(),
        }),
        response: many,
      }),
    async (request, reply) => {
      const q = request.query;
      const pointInTime = await resolve(q, reply);
      if (!pointInTime) return reply;
      const complaints = await readModels.stateOf(complaintsProjection, pointInTime);
      const list = [...complaints.state.complaints.values()].filter(
        (c) => (q.status === undefined || c.status === q.status) && (q.severity === undefined || c.severity === q.severity) && (q.customerId === undefined || c.customerId === q.customerId),
      );
      const page = paginate(list, (c) => [c.raisedAt, c.complaintId], q);
      return { items: page.items.map(complaintView), nextCursor: page.nextCursor };
    },
  );

  typed.get('/targets/:id', route('A target', 'target', { params: idParams, querystring: at, response: one }), async (request, reply) => {
    const pointInTime = await resolve(request.query, reply);
    if (!pointInTime) return reply;
    const targets = await readModels.stateOf(targetsProjection, pointInTime);
    const target = targets.state.targets.get(request.params.id);
    return target ? targetView(target) : notFound(reply, 'TARGET_NOT_FOUND', request.params.id);
  });

  typed.get(
    '/targets',
    route('Targets, filtered, a page at a time', 'target', {
        querystring: at.extend(pageQuery.shape).extend({ period: z.string().optional(), metric: z.enum(['revenue', 'wonDeals', 'newCustomers']).optional(), status: z.enum(['active', 'withdrawn']).optional() }),
        response: many,
      }),
    async (request, reply) => {
      const q = request.query;
      const pointInTime = await resolve(q, reply);
      if (!pointInTime) return reply;
      const targets = await readModels.stateOf(targetsProjection, pointInTime);
      const list = [...targets.state.targets.values()].filter(
        (t) => (q.period === undefined || t.period === q.period) && (q.metric === undefined || t.metric === q.metric) && (q.status === undefined || t.status === q.status),
      );
      const page = paginate(list, (t) => [t.period, t.targetId], q);
      return { items: page.items.map(targetView), nextCursor: page.nextCursor };
    },
  );

  typed.get('/pipelines/:id', route('A pipeline as defined at the point in time', 'pipeline', { params: idParams, querystring: at, response: one }), async (request, reply) => {
    const pointInTime = await resolve(request.query, reply);
    if (!pointInTime) return reply;
    const sales = await readModels.stateOf(salesProjection, pointInTime);
    const pipeline = sales.state.pipelines.get(request.params.id);
    return pipeline?.status === 'defined' ? pipeline : notFound(reply, 'PIPELINE_NOT_FOUND', request.params.id);
  });

  typed.get('/reps/:id', route('A rep, with team membership over time', 'rep', { params: idParams, querystring: at, response: one }), async (request, reply) => {
    const pointInTime = await resolve(request.query, reply);
    if (!pointInTime) return reply;
    const sales = await readModels.stateOf(salesProjection, pointInTime);
    const rep = sales.state.reps.get(request.params.id);
    return rep ? repView(rep, readModels.now(pointInTime).getTime()) : notFound(reply, 'REP_NOT_FOUND', request.params.id);
  });

  typed.get('/reps', route('Reps, a page at a time', 'rep', { querystring: at.extend(pageQuery.shape).extend({ team: z.string().optional() }), response: many }), async (request, reply) => {
    const pointInTime = await resolve(request.query, reply);
    if (!pointInTime) return reply;
    const now = readModels.now(pointInTime).getTime();
    const sales = await readModels.stateOf(salesProjection, pointInTime);
    const reps = [...sales.state.reps.values()].filter((r) => request.query.team === undefined || teamOf(r, now) === request.query.team);
    const page = paginate(reps, (r) => [r.name, r.repId], request.query);
    return { items: page.items.map((r) => repView(r, now)), nextCursor: page.nextCursor };
  });

  typed.get('/teams/:id', route('A team and its members now', 'team', { params: idParams, querystring: at, response: one }), async (request, reply) => {
    const pointInTime = await resolve(request.query, reply);
    if (!pointInTime) return reply;
    const now = readModels.now(pointInTime).getTime();
    const sales = await readModels.stateOf(salesProjection, pointInTime);
    const team = sales.state.teams.get(request.params.id);
    if (!team) return notFound(reply, 'TEAM_NOT_FOUND', request.params.id);
    return { ...team, members: [...sales.state.reps.values()].filter((r) => teamOf(r, now) === team.teamId).map((r) => r.repId) };
  });
}
