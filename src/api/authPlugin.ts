import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import { allows, keyring, rememberedPerConnection } from './auth.js';
import type { ApiKey, Role } from './auth.js';
import { sendProblem } from './problem.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The key the request authenticated with; null on the public routes. */
    apiKey: ApiKey | null;
  }
}

/**
 * The hooks here take Fastify's `done` callback rather than being async: each async hook costs
 * every request a promise and a turn of the microtask queue, and these run on every request.
 * A hook that answers (401, 403, 429) does not call `done`, which ends the request there.
 */
export type RoleCheck = onRequestHookHandler;

const PUBLIC = [/^\/health$/, /^\/ready$/, /^\/docs(\/.*)?$/, /^\/openapi\.json$/];

/**
 * Failed authentications per client address and minute. The per-key rate limit cannot see them
 * (they are answered before a key is known), so guessing keys is limited here.
 */
export const MAX_FAILED_AUTH_PER_MINUTE = 60;

/** Counts an address's failures in its current minute: how many, and the whole seconds until that minute is over. */
function failedAttempts() {
  const windows = new Map<string, { start: number; count: number }>();
  return (address: string, now: number): { count: number; retryAfterSeconds: number } => {
    if (windows.size > 10_000) for (const [key, w] of windows) if (now - w.start >= 60_000) windows.delete(key);
    const current = windows.get(address);
    const window = current && now - current.start < 60_000 ? current : { start: now, count: 0 };
    window.count += 1;
    windows.set(address, window);
    return { count: window.count, retryAfterSeconds: Math.max(1, Math.ceil((window.start + 60_000 - now) / 1000)) };
  };
}

/**
 * Every route but the public ones needs `Authorization: Bearer <key>`: 401 without a known key.
 * Routes then name the least role they need (`requireRole`): 403 below it, decided before the
 * body is read, so a role that may not gets 403 whatever it sent.
 */
export function registerAuth(app: FastifyInstance, keys: readonly ApiKey[]): (role: Role) => RoleCheck {
  app.decorateRequest('apiKey', null);
  const countFailure = failedAttempts();
  const authenticate = rememberedPerConnection(keyring(keys));
  app.addHook('onRequest', (request, reply, done) => {
    const path = request.url.split('?')[0] ?? '';
    if (PUBLIC.some((pattern) => pattern.test(path))) return done();
    const header = request.headers.authorization;
    // The scheme name is case-insensitive (RFC 9110 §11.1): "bearer" is as good as "Bearer".
    const secret = header !== undefined && /^bearer /i.test(header) ? header.slice('bearer '.length).trim() : null;
    const key = secret && header !== undefined ? authenticate(request.raw.socket, header, secret) : null;
    if (!key) {
      const failures = countFailure(request.ip, Date.now());
      if (failures.count > MAX_FAILED_AUTH_PER_MINUTE) {
        sendProblem(reply.header('retry-after', String(failures.retryAfterSeconds)), {
          title: 'Too many requests',
          status: 429,
          code: 'RATE_LIMITED',
          detail: `more than ${MAX_FAILED_AUTH_PER_MINUTE} requests without a valid key a minute from this address`,
        });
        return;
      }
      reply.header('www-authenticate', 'Bearer');
      sendProblem(reply, {
        title: 'Unauthorized',
        status: 401,
        code: secret ? 'API_KEY_UNKNOWN' : 'API_KEY_MISSING',
        detail: secret ? 'the bearer key is not a configured API key' : 'send Authorization: Bearer <api key>',
      });
      return;
    }
    request.apiKey = key;
    done();
  });
  return (role) => {
    const check: RoleCheck = (request, reply, done) => {
      const granted = request.apiKey?.role;
      if (granted && allows(granted, role)) return done();
      sendProblem(reply, { title: 'Forbidden', status: 403, code: 'ROLE_NOT_ALLOWED', detail: `this needs the ${role} role; the key has ${granted ?? 'none'}` });
    };
    roleChecks.set(check, role);
    return check;
  };
}

const roleChecks = new WeakMap<RoleCheck, Role>();

/** The role a route's onRequest hooks ask for, if one of them is a role check: for the OpenAPI document. */
export function roleRequiredBy(hooks: unknown): Role | undefined {
  for (const hook of [hooks].flat()) {
    const role = typeof hook === 'function' ? roleChecks.get(hook as RoleCheck) : undefined;
    if (role !== undefined) return role;
  }
  return undefined;
}
