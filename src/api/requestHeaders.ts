import type { FastifyInstance } from 'fastify';
import { invalidRequest, sendProblem } from './problem.js';

/**
 * Headers that hold one value. Node joins a repeated one it does not know with ", " (two
 * Idempotency-Keys "a" and "b" became the key "a, b", and a retry under "a" appended again), and
 * keeps the first of a repeated Authorization or Content-Type: either way, one of them is dropped.
 */
const SINGLE_VALUED = ['authorization', 'content-type', 'content-encoding', 'idempotency-key', 'last-event-id'] as const;

/**
 * Preconditions a write here does not evaluate. Ignored, they would let the write happen when the
 * client asked it not to (`If-None-Match: *` on a deal that exists): If-Match is the one there is.
 */
const WRITE_PRECONDITIONS = ['if-none-match', 'if-unmodified-since', 'if-modified-since', 'if-range'] as const;

/** A request with a body says so by its length, or by sending it in chunks (RFC 9112 §6.3). */
const hasBody = (headers: Record<string, string | string[] | undefined>): boolean =>
  headers['transfer-encoding'] !== undefined || (headers['content-length'] !== undefined && headers['content-length'] !== '0');

/** How many times each header of `names` comes in the raw request. */
function counts(rawHeaders: readonly string[], names: readonly string[]): Map<string, number> {
  const found = new Map<string, number>();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] ?? '').toLowerCase();
    if (names.includes(name)) found.set(name, (found.get(name) ?? 0) + 1);
  }
  return found;
}

/** Refuses, after authentication and before any work, a single-valued header given more than once, a body on a read, and a write's precondition other than If-Match. */
export function registerRequestHeaderRules(app: FastifyInstance): void {
  app.addHook('preValidation', (request, reply, done) => {
    const issues: { field: string; rule: string }[] = [];
    // Every request pays this check: only one with fewer distinct headers than sent lines has a repeat to name.
    const repeats = request.raw.rawHeaders.length / 2 > Object.keys(request.headers).length;
    for (const [name, times] of repeats ? counts(request.raw.rawHeaders, SINGLE_VALUED) : []) {
      if (times > 1) issues.push({ field: `headers.${name}`, rule: `must be given once, not ${times} times` });
    }
    // A body on a read would be ignored: filters sent in it (GET /deals {"status":"won"}) would silently not filter.
    if ((request.method === 'GET' || request.method === 'HEAD') && hasBody(request.headers)) {
      issues.push({ field: 'body', rule: `must be absent: a ${request.method} takes its parameters in the query string` });
    }
    if (request.method === 'POST') {
      for (const name of WRITE_PRECONDITIONS) {
        if (request.headers[name] !== undefined) issues.push({ field: `headers.${name}`, rule: 'is not a precondition writes here evaluate: make a write conditional with If-Match (an ETag as given, or *)' });
      }
    }
    if (issues.length === 0) return done();
    sendProblem(reply, invalidRequest(issues));
  });
}
