import { isUtf8 } from 'node:buffer';
import type { FastifyInstance } from 'fastify';

/**
 * A JSON body refused for its text. Bytes that are not UTF-8, or a string holding half a surrogate
 * pair (an escape such as \uD800 alone), would be stored as U+FFFD: the write acknowledged would
 * not be the one sent.
 */
export class MalformedTextError extends Error {
  constructor(
    readonly field: string,
    readonly rule: string,
  ) {
    super(`${field}: ${rule}`);
    this.name = 'MalformedTextError';
  }
}

// With the u flag, only a surrogate without its other half is a code point of category Cs.
const LONE_SURROGATE = /\p{Cs}/u;

/** The path of the first key or string that holds half a surrogate pair, or null. */
function firstIllFormed(value: unknown, path: string): string | null {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? path : null;
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, inner] of Object.entries(value)) {
    const at = `${path}.${key}`;
    if (LONE_SURROGATE.test(key)) return at;
    const found = firstIllFormed(inner, at);
    if (found !== null) return found;
  }
  return null;
}

/** JSON bodies as Fastify parses them (empty, not JSON, poisoned: its errors), and refused when their text is not well-formed Unicode. */
export function registerJsonBody(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body: Buffer, done) => {
    if (!isUtf8(body)) return done(new MalformedTextError('body', 'must be UTF-8 text: it holds bytes that are not'), undefined);
    const text = body.toString('utf8');
    parse(request, text, (error, value) => {
      if (error) return done(error, undefined);
      // UTF-8 cannot encode half a pair: only an escape can make one.
      const field = text.includes('\\u') ? firstIllFormed(value, 'body') : null;
      if (field !== null) return done(new MalformedTextError(field, 'must be well-formed Unicode: it holds half of a surrogate pair (a \\uD800–\\uDFFF escape without its other half)'), undefined);
      done(null, value);
    });
  });
}
