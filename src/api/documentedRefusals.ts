import type { FastifySchema } from 'fastify';
import type { z } from 'zod';
import type { Role } from './auth.js';
import { problemSchema } from './problem.js';

/** What the document needs to know of a route to list the refusals it can answer with. */
export type RouteFacts = {
  method: string;
  url: string;
  schema: FastifySchema;
  /** The least role the route needs; undefined on the public routes. */
  role: Role | undefined;
  /** The code of a 404 when it is not the one the path's resource gives (the funnel's pipeline). */
  resourceNotFound: string | undefined;
  /** A domain command: it can lose a race, meet a stale If-Match, or be refused by a business rule. */
  command: boolean;
};

const shapeOf = (schema: unknown): Record<string, unknown> => {
  const shape = (schema as { shape?: unknown } | undefined)?.shape;
  return shape !== null && typeof shape === 'object' ? (shape as Record<string, unknown>) : {};
};

const resourceOf = (url: string): string => {
  const collection = url.split('/')[1] ?? '';
  return (collection.endsWith('s') ? collection.slice(0, -1) : collection).toUpperCase();
};

/** What the ranges a route declares stand for, beside its refusals listed one by one. */
export const RANGES: Readonly<Record<string, string>> = {
  '4xx': "any other refusal: METHOD_NOT_ALLOWED (405), FST_ERR_MAX_PARAM_LENGTH (414: a path parameter over 100 characters), or one of Node's parser (408, 431); docs/errors.md lists every code",
  '5xx': 'INTERNAL_ERROR: the server failed; the x-request-id header identifies the request in its logs',
};

/**
 * The 4xx and 503 answers a route can give, each under its status with the codes it carries
 * (docs/errors.md), as a generated client or a reader needs them: "4XX: a problem" says neither
 * that a read never answers 412 nor that a command can answer 409. Worked out from what the route
 * declares (its inputs, its role, its path); the `4XX`/`5XX` ranges stay for the rest (405, 408,
 * 414, 431, 500).
 */
export function refusalsOf(route: RouteFacts): Record<string, z.ZodType> {
  const query = shapeOf(route.schema.querystring);
  const headers = shapeOf(route.schema.headers);
  const takesBody = route.method === 'POST';
  const hasInputs = ['params', 'querystring', 'body', 'headers'].some((part) => route.schema[part as keyof FastifySchema] !== undefined);
  const byId = route.url.includes('/:');
  const refusals: [status: number, when: string][] = [];
  if (hasInputs) refusals.push([400, `VALIDATION_FAILED: a field of the request breaks a rule, or is not one the route takes; \`issues\` names each${'cursor' in query ? '. INVALID_CURSOR: a cursor this API did not give out, or gave out for another list or order' : ''}`]);
  if (takesBody) refusals.push([400, 'FST_ERR_CTP_INVALID_JSON_BODY: the body is not JSON. FST_ERR_CTP_EMPTY_JSON_BODY: a JSON content type and no body']);
  refusals.push([400, 'FST_ERR_BAD_URL: the URL cannot be decoded']);
  if (route.role !== undefined) refusals.push([401, 'API_KEY_MISSING, API_KEY_UNKNOWN: no bearer key, or not a configured one']);
  if (route.role !== undefined && route.role !== 'viewer') refusals.push([403, `ROLE_NOT_ALLOWED: this needs the ${route.role} role`]);
  if (byId || route.resourceNotFound !== undefined) {
    const code = route.resourceNotFound ?? `${resourceOf(route.url)}_NOT_FOUND`;
    refusals.push([404, `${code}: no such ${code.split('_')[0]?.toLowerCase()}${route.method === 'GET' ? ' at the point in time read' : ''}`]);
  }
  if (route.command) refusals.push([409, 'STREAM_VERSION_CONFLICT: another writer moved the stream on, again at each of the server\'s retries; `currentVersion` says where it is. DUPLICATE_EVENT_ID: an event id already stored, not by a retry of this request']);
  if ('if-match' in headers) refusals.push([412, 'STALE_IF_MATCH: the resource is at none of the If-Match versions; `currentVersion` says where it is']);
  if (takesBody) {
    refusals.push([413, 'FST_ERR_CTP_BODY_TOO_LARGE: a body over the server\'s limit (1 MiB)']);
    refusals.push([415, 'FST_ERR_CTP_INVALID_MEDIA_TYPE: a body that is not application/json. UNSUPPORTED_BODY_ENCODING: a charset other than UTF-8, or a content coding (gzip…)']);
  }
  const timeTravel = 'asOf' in query || 'knownAt' in query ? 'TIME_TRAVEL_TOO_COSTLY: answering at that point in time would replay more than MAX_REPLAY_EVENTS events' : null;
  if (route.command) refusals.push([422, 'a business rule refused the command: `code` is the domain\'s (docs/errors.md), `facts` what it found']);
  else if (timeTravel) refusals.push([422, timeTravel]);
  if (route.role !== undefined) refusals.push([429, 'RATE_LIMITED: over RATE_LIMIT_PER_MINUTE with this key; Retry-After says when to try again']);
  if ('asOf' in query) refusals.push([429, 'READ_BUDGET_SPENT: the reads of this key that replay or compute took more than READ_BUDGET_MS_PER_MINUTE of server time this minute; Retry-After says when the minute is over']);
  if (route.role !== undefined) refusals.push([503, `STORE_UNAVAILABLE: the event store did not answer; nothing was stored. SHUTTING_DOWN: the server is stopping; nothing was done${'minPosition' in query ? '. PROJECTIONS_BEHIND: the projections did not reach minPosition in time; Retry-After: 1' : ''}`]);
  // A public route answers a request on a connection still open while the server stops as every route does.
  else refusals.push([503, 'SHUTTING_DOWN: the server is stopping; nothing was done']);
  const byStatus = new Map<number, string[]>();
  for (const [status, when] of refusals) byStatus.set(status, [...(byStatus.get(status) ?? []), when]);
  return Object.fromEntries([...byStatus].map(([status, whens]) => [String(status), problemSchema.describe(whens.join('. '))]));
}
