import FindMyWay from 'find-my-way';
import type { HTTPMethod } from 'find-my-way';
import type { FastifyInstance } from 'fastify';

const METHODS: readonly HTTPMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * The methods each path answers, learnt from the routes as they are added: a request whose path
 * exists under other methods is a 405 naming them (RFC 9110 §15.5.6), not a 404 saying nothing is
 * there. Fastify's router answers only "no route", so its routes are mirrored here, in a router of
 * the same kind (find-my-way, Fastify's own) that matches concrete paths as Fastify's does.
 */
export function allowedMethods(app: FastifyInstance): (method: string, url: string) => HTTPMethod[] {
  const router = FindMyWay();
  const mirrored = new Set<string>();
  app.addHook('onRoute', (route) => {
    // A catch-all (CORS's preflight answer, OPTIONS on `*`) says nothing of which paths exist.
    if (route.url === '*' || route.url === '/*') return;
    for (const method of [route.method].flat()) {
      const key = `${method} ${route.url}`;
      if (mirrored.has(key)) continue;
      mirrored.add(key);
      router.on(method as HTTPMethod, route.url, () => undefined);
    }
  });
  return (method, url) => {
    const path = url.split('?')[0] ?? url;
    return METHODS.filter((m) => m !== method && router.find(m, path) !== null);
  };
}
