import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError } from '../domain/errors.js';
import { ConcurrencyError, DuplicateEventIdError, InvalidAppendError, StoreClosedError, StoreUnavailableError } from '../eventstore/errors.js';
import { TimeTravelLimitError } from '../projections/runner.js';
import { fieldsTaken, schemaAt } from './closedInputs.js';
import { MalformedTextError, UnsupportedBodyEncodingError } from './jsonBody.js';
import type { Problem } from './problem.js';
import { invalidRequest, sendProblem } from './problem.js';
import { ReadBudgetSpentError } from './readBudget.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The not-found code that means "the resource this URL addresses does not exist" (a 404); other not-founds are 422. */
    resourceNotFound?: string;
  }
}

/** Titles of the client errors Fastify and its plugins raise (a body too large, a URL it cannot route…). */
const STATUS_TITLES: Readonly<Record<number, string>> = {
  413: 'Payload too large',
  414: 'URI too long',
  415: 'Unsupported media type',
  429: 'Too many requests',
};

/** The parts of a request in the order Fastify validates them, each with where the request holds it. */
const INPUTS = [
  ['params', (request: FastifyRequest) => request.params],
  ['body', (request: FastifyRequest) => request.body],
  ['querystring', (request: FastifyRequest) => request.query],
  ['headers', (request: FastifyRequest) => request.headers],
] as const;

/** What is wrong with one part of a request under the route's schema for it, field by field. */
function issuesOf([part, input]: (typeof INPUTS)[number], request: FastifyRequest): { field: string; rule: string }[] {
  const schema = request.routeOptions.schema?.[part];
  if (!(schema instanceof z.ZodType)) return [];
  const parsed = schema.safeParse(input(request));
  if (parsed.success) return [];
  return parsed.error.issues.flatMap((issue) => {
    const field = [part, ...issue.path.map(String)].join('.');
    // A query parameter given twice comes as a list, which no route takes: the rule it breaks is being given once.
    const given = part === 'querystring' && issue.path.length === 1 ? (input(request) as Record<PropertyKey, unknown>)[issue.path[0] as PropertyKey] : undefined;
    if (Array.isArray(given) && issue.code !== 'unrecognized_keys') return [{ field, rule: `must be given once, not ${given.length} times` }];
    // A + sent unencoded in a query string arrives as a space (…T00:00:00+01:00 as …T00:00:00 01:00): the rule alone would not say why.
    if (issue.code !== 'unrecognized_keys' && typeof given === 'string' && given.includes(' ')) {
      return [{ field, rule: `${issue.message} (a + in a query string stands for a space: send it as %2B)` }];
    }
    if (issue.code !== 'unrecognized_keys') return [{ field, rule: issue.message }];
    // One issue per field the route does not take, named, with what it takes instead.
    const kind = part === 'querystring' ? 'query parameter' : 'field';
    const taken = fieldsTaken(schemaAt(schema, issue.path));
    return issue.keys.map((key) => ({ field: `${field}.${key}`, rule: `is not a ${kind} of this route${taken ? ` (it takes ${taken})` : ''}` }));
  });
}

/** The one place where error codes become HTTP statuses (STYLE.md §7). */
export function toProblem(error: unknown, request: FastifyRequest): Problem {
  if (hasZodFastifySchemaValidationErrors(error)) {
    // Fastify stops at the first part that fails (params, body, query, headers): the others are checked here too, so
    // that one answer names every field at fault, not one part per round trip.
    return invalidRequest(INPUTS.flatMap((part) => issuesOf(part, request)));
  }
  if (error instanceof MalformedTextError) return invalidRequest([{ field: error.field, rule: error.rule }]);
  if (error instanceof DomainError) {
    // A customer named in a body that does not exist is a refused command (422), not a missing URL (404).
    const status = error.code === request.routeOptions.config.resourceNotFound ? 404 : 422;
    return { title: status === 404 ? 'Not found' : 'Refused by a business rule', status, code: error.code, detail: error.message, facts: error.facts };
  }
  if (error instanceof ConcurrencyError) {
    const ifMatch = request.headers['if-match'];
    // If-Match compares strongly (RFC 9110 §13.1.1): made only of weak tags, or of tags this API never gives, it asked for no version at all.
    const noVersion = Array.isArray(error.expectedVersion) && error.expectedVersion.length === 0;
    return {
      title: ifMatch !== undefined ? 'Precondition failed' : 'Version conflict',
      status: ifMatch !== undefined ? 412 : 409,
      code: ifMatch !== undefined ? 'STALE_IF_MATCH' : error.code,
      detail: noVersion ? `${String(ifMatch)} names no version as this API tags them (a stream version in quotes, "3"; a weak tag never matches); send the ETag as given` : error.message,
      currentVersion: error.actualVersion,
    };
  }
  if (error instanceof InvalidAppendError) return { title: 'Invalid request', status: 400, code: error.code, detail: error.message };
  if (error instanceof DuplicateEventIdError) return { title: 'Conflict', status: 409, code: error.code, detail: error.message };
  if (error instanceof TimeTravelLimitError) return { title: 'Too much work for one request', status: 422, code: error.code, detail: error.message };
  if (error instanceof ReadBudgetSpentError) return { title: 'Too many requests', status: 429, code: error.code, detail: error.message };
  if (error instanceof StoreUnavailableError || error instanceof StoreClosedError) {
    return { title: 'Store unavailable', status: 503, code: 'STORE_UNAVAILABLE', detail: error.message };
  }
  const fastifyError = error as Partial<FastifyError>;
  if (fastifyError.statusCode !== undefined && fastifyError.statusCode < 500) {
    const status = fastifyError.statusCode;
    return { title: STATUS_TITLES[status] ?? 'Bad request', status, code: fastifyError.code ?? 'BAD_REQUEST', detail: fastifyError.message };
  }
  return { title: 'Internal error', status: 500, code: 'INTERNAL_ERROR', detail: 'the server failed; the request id identifies it in the logs' };
}

export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const problem = toProblem(error, request);
  if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
  if (problem.status === 503) reply.header('retry-after', '5');
  if (error instanceof ReadBudgetSpentError) reply.header('retry-after', String(error.retryAfterSeconds));
  // The content codings taken (RFC 9110 §12.5.3): none but the body as it is.
  if (error instanceof UnsupportedBodyEncodingError) reply.header('accept-encoding', 'identity');
  return sendProblem(reply, problem);
}
