import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { EventStore } from '../eventstore/port.js';
import { sendProblem } from './problem.js';

export type ServerDeps = {
  store: EventStore;
  logger?: FastifyServerOptions['logger'];
  /** Whether the live projections have caught up with the log (ready only then). */
  projectionsCaughtUp?: () => boolean;
};

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The HTTP server; it knows the store only through the port, and never closes what it did not open. */
export function buildServer({ store, logger = false, projectionsCaughtUp = () => true }: ServerDeps): FastifyInstance {
  const app = Fastify({
    logger,
    requestIdHeader: false,
    // A caller's id is kept when it is sane, so a request can be followed across services.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    return503OnClosing: true,
  });

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  app.get('/health', async () => ({ status: 'ok' }));

  app.get('/ready', async (request, reply) => {
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
      return { status: 'ready' };
    } catch (error) {
      request.log.warn({ err: error }, 'store not reachable');
      return sendProblem(reply.header('retry-after', '5'), {
        title: 'Store unavailable',
        status: 503,
        code: 'STORE_UNAVAILABLE',
        detail: error instanceof Error ? error.message : String(error),
      });
    }
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, { title: 'Not found', status: 404, code: 'ROUTE_NOT_FOUND', detail: `no route ${request.method} ${request.url}` }),
  );

  app.setErrorHandler((error: { statusCode?: number; code?: string; message: string }, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    return sendProblem(reply, {
      title: status >= 500 ? 'Internal error' : 'Bad request',
      status,
      code: status >= 500 ? 'INTERNAL_ERROR' : (error.code ?? 'BAD_REQUEST'),
      detail: status >= 500 ? 'the server failed; the request id identifies it in the logs' : error.message,
    });
  });

  return app;
}
