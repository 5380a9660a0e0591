import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { allows, authenticate } from './auth.js';
import type { ApiKey, Role } from './auth.js';
import { sendProblem } from './problem.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The key the request authenticated with; null on the public routes. */
    apiKey: ApiKey | null;
  }
}

export type RoleCheck = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

const PUBLIC = [/^\/health$/, /^\/ready$/, /^\/docs(\/.*)?$/, /^\/openapi\.json$/];

/**
 * Every route but the public ones needs `Authorization: Bearer <key>`: 401 without a known key.
 * Routes then name the least role they need (`requireRole`): 403 below it.
 */
export function registerAuth(app: FastifyInstance, keys: readonly ApiKey[]): (role: Role) => RoleCheck {
  app.decorateRequest('apiKey', null);
  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (PUBLIC.some((pattern) => pattern.test(path))) return;
    const header = request.headers.authorization;
    const secret = header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : null;
    const key = secret ? authenticate(keys, secret) : null;
    if (!key) {
      reply.header('www-authenticate', 'Bearer');
      return sendProblem(reply, {
        title: 'Unauthorized',
        status: 401,
        code: secret ? 'API_KEY_UNKNOWN' : 'API_KEY_MISSING',
        detail: secret ? 'the bearer key is not a configured API key' : 'send Authorization: Bearer <api key>',
      });
    }
    request.apiKey = key;
  });
  return (role) => async (request, reply) => {
    const granted = request.apiKey?.role;
    if (!granted || !allows(granted, role)) {
      await sendProblem(reply, { title: 'Forbidden', status: 403, code: 'ROLE_NOT_ALLOWED', detail: `this needs the ${role} role; the key has ${granted ?? 'none'}` });
    }
  };
}
