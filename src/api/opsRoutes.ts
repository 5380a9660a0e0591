import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { z } from 'zod';
import type { EventStore } from '../eventstore/port.js';
import type { ProjectionRunner } from '../projections/runner.js';
import { rebuildProgressSchema } from '../projections/runnerTypes.js';
import type { Role } from './auth.js';
import type { RoleCheck } from './authPlugin.js';
import { LatencyHistogram } from './latencyHistogram.js';
import { problemSchema, sendProblem } from './problem.js';

export type Metrics = { registry: Registry; appended: Counter };

const rebuildSchema = rebuildProgressSchema.extend({ error: z.string().optional().describe('why the rebuild failed, when it did') });
type Rebuild = z.infer<typeof rebuildSchema>;

const projectionStatusSchema = z.object({
  name: z.string(),
  version: z.number().int(),
  position: z.string().nullable().describe('the last position applied, as a decimal string; null before the first event'),
  lag: z.string().describe('how far the projection is behind the head, in positions (events with sqlite, bytes with EventStoreDB), as a decimal string'),
  lastSnapshot: z.string().nullable().describe('position of the last snapshot taken; null when none'),
  rebuilding: z.boolean(),
  rebuild: rebuildSchema.nullable().describe('the last rebuild since the server started, as it goes; null when none'),
});

/** Prometheus metrics: request latency, events appended, projection lag (and the process's own). */
export function createMetrics(app: FastifyInstance, store: EventStore, runner: ProjectionRunner): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const latency = new LatencyHistogram('http_request_duration_seconds', 'HTTP request latency by route and status', [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registry);
  const appended = new Counter({ name: 'events_appended_total', help: "Events appended by API commands to their resource's stream (reservations of customer names and target keys are not counted)", labelNames: ['type'], registers: [registry] });
  new Gauge({
    name: 'projection_lag_events',
    help: 'Log positions between the head and what each projection has applied (events, with sqlite; EventStoreDB positions are byte offsets, not counts)',
    labelNames: ['projection'],
    registers: [registry],
    async collect() {
      const head = await store.headPosition();
      for (const status of runner.status()) this.set({ projection: status.name }, head === null ? 0 : Number(head - (status.position ?? 0n)));
    },
  });
  app.addHook('onResponse', (request, reply, done) => {
    latency.observe(request.method, request.routeOptions.url ?? 'unknown', reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
  return { registry, appended };
}

/** Projection status, an admin-only rebuild, and the metrics endpoint. */
export function registerOpsRoutes(app: FastifyInstance, deps: { store: EventStore; runner: ProjectionRunner; metrics: Metrics }, requireRole: (role: Role) => RoleCheck): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const rebuilds = new Map<string, Rebuild>();

  typed.get(
    '/projections',
    { onRequest: requireRole('viewer'), schema: { summary: 'Each projection: position, lag, last snapshot, rebuild progress', tags: ['operations'], security: [{ bearer: [] }], response: { 200: z.object({ head: z.string().nullable().describe('the last position in the log; null while it is empty'), projections: z.array(projectionStatusSchema) }), '4xx': problemSchema } } },
    async () => {
      const head = await deps.store.headPosition();
      return {
        head: head === null ? null : String(head),
        projections: deps.runner.status().map((s): z.infer<typeof projectionStatusSchema> => ({
          name: s.name,
          version: s.version,
          position: s.position === null ? null : String(s.position),
          lag: head === null ? '0' : String(head - (s.position ?? 0n)),
          lastSnapshot: s.lastSnapshot === null ? null : String(s.lastSnapshot),
          rebuilding: s.rebuilding,
          rebuild: rebuilds.get(s.name) ?? null,
        })),
      };
    },
  );

  typed.post(
    '/projections/:name/rebuild',
    {
      onRequest: requireRole('admin'),
      schema: { summary: 'Rebuild a projection from the first event (runs in the background; follow it in GET /projections)', tags: ['operations'], security: [{ bearer: [] }], params: z.object({ name: z.string() }), response: { 202: z.object({ projection: z.string(), started: z.boolean() }), 409: problemSchema.describe('REBUILD_RUNNING: that projection is already rebuilding'), '4xx': problemSchema } },
    },
    async (request, reply) => {
      const { name } = request.params;
      const status = deps.runner.status().find((s) => s.name === name);
      if (!status) return sendProblem(reply, { title: 'Not found', status: 404, code: 'PROJECTION_NOT_FOUND', detail: `no projection ${name}` });
      if (status.rebuilding) return sendProblem(reply, { title: 'Conflict', status: 409, code: 'REBUILD_RUNNING', detail: `${name} is already rebuilding` });
      // Until its first report, this rebuild has read nothing: the previous one's result must not stand for it.
      rebuilds.set(name, { projection: name, events: 0, eventsPerSecond: 0, etaSeconds: null, done: false });
      deps.runner
        .rebuild(name, (progress) => rebuilds.set(name, progress))
        .then((done) => rebuilds.set(name, done))
        .catch((error: unknown) => rebuilds.set(name, { projection: name, events: 0, eventsPerSecond: 0, etaSeconds: null, done: true, error: String(error) }));
      return reply.code(202).send({ projection: name, started: true });
    },
  );

  const exposition = { 'text/plain': { schema: z.string().describe('Prometheus text exposition format 0.0.4; the series are listed in the README') } };
  app.get(
    '/metrics',
    {
      onRequest: requireRole('viewer'),
      schema: { summary: 'Prometheus metrics: request latency, appends, projection lag', tags: ['operations'], security: [{ bearer: [] }], response: { 200: { content: exposition }, '4xx': problemSchema } },
    },
    async (_request, reply) => {
      reply.type(deps.metrics.registry.contentType);
      return deps.metrics.registry.metrics();
    },
  );
}
