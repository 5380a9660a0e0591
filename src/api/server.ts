import { randomUUID } from 'node:crypto';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CommandService } from '../application/commandService.js';
import type { EventStore } from '../eventstore/port.js';
import type { ReadModels } from '../projections/readModels.js';
import type { ProjectionRunner } from '../projections/runner.js';
import { AccessLog } from './accessLog.js';
import { allowedMethods } from './allowedMethods.js';
import type { ApiKey } from './auth.js';
import { registerAuth } from './authPlugin.js';
import { clientErrorHandler } from './clientErrors.js';
import { closeInputs } from './closedInputs.js';
import { registerCommandRoutes } from './commandRoutes.js';
import { handleError } from './errors.js';
import { registerJsonBody } from './jsonBody.js';
import { documentErrorsAsProblems, documentRoute } from './openapiDocument.js';
import { problemSchema, sendProblem } from './problem.js';
import { registerReadRoutes } from './readRoutes.js';
import { registerRequestHeaderRules } from './requestHeaders.js';
import { registerEventRoutes } from './eventRoutes.js';
import { createMetrics, registerOpsRoutes } from './opsRoutes.js';
import { registerResourceRoutes } from './resourceRoutes.js';
import { lazyRequestLoggers } from './requestLogger.js';
import { DEFAULT_READ_BUDGET_MS_PER_MINUTE, ReadBudget } from './readBudget.js';
import { API_SECURITY_HEADERS, documentSecurityHeaders } from './securityHeaders.js';
import { responseSerializer } from './serializer.js';
import { plainMessages } from './plainMessages.js';

export type ApiDeps = {
  commands: CommandService;
  readModels: ReadModels;
  runner: ProjectionRunner;
  keys: readonly ApiKey[];
  /** Requests per minute per API key (per address before authentication). */
  rateLimitPerMinute?: number;
  /** Server time per API key and minute for reads that replay or compute (ReadBudget). */
  readBudgetMsPerMinute?: number;
  corsOrigins?: readonly string[];
  minPositionWaitMs?: number;
};

export type ServerDeps = {
  store: EventStore;
  logger?: FastifyServerOptions['logger'];
  /** Whether the live projections have caught up with the log (ready only then). */
  projectionsCaughtUp?: () => boolean;
  /** The API proper; without it only /health and /ready are served. */
  api?: ApiDeps;
  bodyLimitBytes?: number;
  /**
   * The reverse proxies whose X-Forwarded-For names the client (addresses, CIDR ranges, or
   * `loopback`…); none by default, as a client could otherwise name any address it likes.
   */
  trustProxy?: readonly string[];
};

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The HTTP server; it knows the store only through the port, and never closes what it did not open. */
export async function buildServer({ store, logger = false, projectionsCaughtUp = () => true, api, bodyLimitBytes = 1_048_576, trustProxy }: ServerDeps): Promise<FastifyInstance> {
  // zod's settings are the process's: the messages a 400 gives are set here, where requests are validated.
  z.config({ customError: plainMessages });
  // Answers refused before routing run no hooks: they are given the API's headers by hand.
  const everyAnswersHeaders: Readonly<Record<string, string>> = api ? API_SECURITY_HEADERS : {};
  const accessLog = new AccessLog();
  const app = Fastify({
    logger,
    logController: accessLog,
    ...(logger ? { childLoggerFactory: lazyRequestLoggers } : {}),
    requestIdHeader: false,
    // A caller's id is kept when it is sane, so a request can be followed across services.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    // Refused by the first hook below instead, as problem details: Fastify's own 503 is a plain JSON body.
    return503OnClosing: false,
    bodyLimit: bodyLimitBytes,
    ...(trustProxy && trustProxy.length > 0 ? { trustProxy: [...trustProxy] } : {}),
    // A URL the router cannot decode, or a path parameter over its length limit: problem details like every other refusal.
    frameworkErrors: (error, request, reply) => handleError(error, request, reply.headers(everyAnswersHeaders).header('x-request-id', request.id)),
    // Refused by Node's parser before routing (headers over 16 KiB: 431): problem details too.
    clientErrorHandler: clientErrorHandler(everyAnswersHeaders),
  });
  accessLog.writeTo(app.log);
  // Only JSON bodies: a text/plain one would otherwise reach the schema as a string, and be refused as a body of the wrong type rather than as a media type (415).
  app.removeContentTypeParser('text/plain');
  registerJsonBody(app);
  registerRequestHeaderRules(app);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(responseSerializer);
  app.setErrorHandler(handleError);
  app.addHook('onRoute', closeInputs);
  const methodsOf = allowedMethods(app);

  // What every answer carries, set first: the answers later hooks refuse (401, 429, 503) have it too, and no onSend hook runs per answer.
  let closing = false;
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(everyAnswersHeaders).header('x-request-id', request.id);
    if (!closing) return done();
    // A request that came on a connection still open while the server stops: nothing is started any more.
    sendProblem(reply.header('connection', 'close').header('retry-after', '5'), {
      title: 'Shutting down',
      status: 503,
      code: 'SHUTTING_DOWN',
      detail: 'the server is stopping: nothing was done; retry (another instance, or this one once restarted)',
    });
  });
  // Node closes the connections idle when the server closes, not those idle later: a client keeping the connection of a
  // request answered during the shutdown open would hold it until the keep-alive timeout (72 s), past any grace period.
  app.addHook('preClose', (done) => {
    closing = true;
    const reaper = setInterval(() => app.server.closeIdleConnections(), 50).unref();
    app.server.once('close', () => clearInterval(reaper));
    done();
  });

  if (api) {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: { title: 'Sales Pipeline Engine', version: '0.1.0', description: 'Every sales action an immutable event; every view a projection, at any point in time.' },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      },
      transform: documentRoute,
      transformObject: documentErrorsAsProblems,
    });
    const documentHeaders = documentSecurityHeaders();
    await app.register(swaggerUi, {
      routePrefix: '/docs',
      staticCSP: true,
      // The plugin's policy asks browsers to load the page's scripts over https: served over plain HTTP on a host
      // other than localhost (a container, a LAN), the page would stay blank. TLS, where there is any, is the proxy's.
      transformStaticCSP: (policy) => policy.replace(/\s*upgrade-insecure-requests;?/, ''),
      uiHooks: { onRequest: documentHeaders },
    });
    // Browser code may read the headers a client acts on: the version for If-Match, when to retry, the request's id.
    const exposedHeaders = ['etag', 'retry-after', 'x-request-id', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'];
    if (api.corsOrigins && api.corsOrigins.length > 0) await app.register(cors, { origin: [...api.corsOrigins], exposedHeaders });
  }

  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.get(
    '/health',
    { schema: { summary: 'Liveness: the process answers (no key needed)', tags: ['operations'], response: { 200: z.object({ status: z.literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );

  typed.get(
    '/ready',
    {
      schema: {
        summary: 'Readiness: the store is reachable and the projections have caught up (no key needed)',
        tags: ['operations'],
        response: { 200: z.object({ status: z.literal('ready') }), 503: problemSchema.describe('PROJECTIONS_CATCHING_UP: the read models are still replaying the log; STORE_UNAVAILABLE: the store did not answer; SHUTTING_DOWN: the server is stopping. Retry-After says when to ask again') },
      },
    },
    async (request, reply) => {
      try {
        await store.ping();
        if (!projectionsCaughtUp()) {
          return sendProblem(reply.header('retry-after', '2'), {
            title: 'Projections catching up',
            status: 503,
            code: 'PROJECTIONS_CATCHING_UP',
            detail: 'the read models are replaying the event log; reads would not yet include every event',
          });
        }
        return { status: 'ready' as const };
      } catch (error) {
        request.log.warn({ err: error }, 'store not reachable');
        return sendProblem(reply.header('retry-after', '5'), {
          title: 'Store unavailable',
          status: 503,
          code: 'STORE_UNAVAILABLE',
          detail: error instanceof Error ? error.message : String(error),
        });
      }
    },
  );

  if (api) {
    const requireRole = registerAuth(app, api.keys);
    await app.register(rateLimit, {
      max: api.rateLimitPerMinute ?? 600,
      timeWindow: '1 minute',
      keyGenerator: (request) => request.apiKey?.sha256 ?? request.ip,
      errorResponseBuilder: (_request, context) => ({
        statusCode: 429,
        code: 'RATE_LIMITED',
        message: `more than ${context.max} requests a minute with this key; retry in ${Math.ceil(context.ttl / 1000)} s`,
      }),
    });
    // Hidden from the document it serves, so closeInputs passes it by: closed here, as every route's query is.
    app.get('/openapi.json', { schema: { hide: true, querystring: z.object({}).strict() } }, async () => app.swagger());
    const metrics = createMetrics(app, store, api.runner);
    registerCommandRoutes(app, api.commands, requireRole, metrics);
    const minPositionWaitMs = api.minPositionWaitMs ?? 5000;
    const reads = { readModels: api.readModels, runner: api.runner, minPositionWaitMs, readBudget: new ReadBudget(api.readBudgetMsPerMinute ?? DEFAULT_READ_BUDGET_MS_PER_MINUTE) };
    registerReadRoutes(app, reads, requireRole);
    registerResourceRoutes(app, reads, requireRole);
    registerEventRoutes(app, store, requireRole);
    registerOpsRoutes(app, { store, runner: api.runner, metrics }, requireRole);
  }

  // A key's requests to no route (404) or with a method its path does not take (405) count against its rate too.
  app.setNotFoundHandler(api ? { preHandler: app.rateLimit() } : {}, (request, reply) => {
    const allowed = methodsOf(request.method, request.url);
    if (allowed.length === 0) return sendProblem(reply, { title: 'Not found', status: 404, code: 'ROUTE_NOT_FOUND', detail: `no route ${request.method} ${request.url}` });
    return sendProblem(reply.header('allow', allowed.join(', ')), {
      title: 'Method not allowed',
      status: 405,
      code: 'METHOD_NOT_ALLOWED',
      detail: `${request.url.split('?')[0]} answers ${allowed.join(', ')}, not ${request.method}`,
    });
  });

  return app;
}
