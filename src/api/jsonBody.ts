import { isUtf8 } from 'node:buffer';
import type { FastifyInstance } from 'fastify';

/**
 * A JSON body refused for its text. Bytes that are not UTF-8, or a string holding half a surrogate
 * pair (an escape such as \uD800 alone), would be stored as U+FFFD: the write acknowledged would
 * not be the one sent. A control character (NUL, a terminal escape) is no part of any name, label
 * or note, and would reach every export and log that shows the field.
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
// C0 (but tab and line breaks, which notes hold), DEL and C1: matching them is the point.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

const RULES = {
  surrogate: 'must be well-formed Unicode: it holds half of a surrogate pair (a \\uD800–\\uDFFF escape without its other half)',
  control: 'must not hold control characters (U+0000–U+001F but tab and line breaks, U+007F–U+009F)',
};

const faultOf = (text: string): keyof typeof RULES | null => (LONE_SURROGATE.test(text) ? 'surrogate' : CONTROL.test(text) ? 'control' : null);

/** The first key or string that holds half a surrogate pair or a control character, and which; or null. */
function firstIllFormed(value: unknown, path: string): MalformedTextError | null {
  if (typeof value === 'string') {
    const fault = faultOf(value);
    return fault === null ? null : new MalformedTextError(path, RULES[fault]);
  }
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, inner] of Object.entries(value)) {
    const at = `${path}.${key}`;
    const fault = faultOf(key);
    if (fault !== null) return new MalformedTextError(at, RULES[fault]);
    const found = firstIllFormed(inner, at);
    if (found !== null) return found;
  }
  return null;
}

/** Text that can hold neither a lone surrogate nor a control character needs no walk: only an escape can make either, or DEL and C1 as they are. */
const MAY_BE_ILL_FORMED = /[\\\u007F-\u009F]/;

/** JSON bodies as Fastify parses them (empty, not JSON, poisoned: its errors), and refused when their text is not well-formed Unicode or holds control characters. */
export function registerJsonBody(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body: Buffer, done) => {
    if (!isUtf8(body)) return done(new MalformedTextError('body', 'must be UTF-8 text: it holds bytes that are not'), undefined);
    const text = body.toString('utf8');
    parse(request, text, (error, value) => {
      if (error) return done(error, undefined);
      // UTF-8 cannot encode half a pair, and JSON text no raw C0 character: only an escape can make them.
      const fault = MAY_BE_ILL_FORMED.test(text) ? firstIllFormed(value, 'body') : null;
      done(fault, fault === null ? value : undefined);
    });
  });
}
