import { isUtf8 } from 'node:buffer';
import type { FastifyInstance } from 'fastify';
import { firstTextFault } from './jsonText.js';

/**
 * A JSON body refused for its text (see jsonText.ts): bytes that are not UTF-8 would be stored as
 * U+FFFD, and the write acknowledged would not be the one sent.
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

/** A body this API cannot read as sent: a charset other than UTF-8, or a content coding (gzip…); 415, as Fastify's own media-type refusals. */
export class UnsupportedBodyEncodingError extends Error {
  readonly statusCode = 415;
  readonly code = 'UNSUPPORTED_BODY_ENCODING';
}

// `charset=utf-8`, any case, quoted or not (RFC 9110 §8.3.2); JSON is UTF-8 by its own RFC 8259.
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)"?/i;

/** Why the body cannot be read as the UTF-8 JSON it must be, or null. */
function encodingFault(contentType: string | undefined, contentEncoding: string | undefined): UnsupportedBodyEncodingError | null {
  const charset = CHARSET.exec(contentType ?? '')?.[1];
  if (charset !== undefined && charset.toLowerCase() !== 'utf-8') {
    return new UnsupportedBodyEncodingError(`content-type: charset=${charset} is not taken: a JSON body is UTF-8 (send charset=utf-8, or no charset)`);
  }
  if (contentEncoding !== undefined && contentEncoding.trim().toLowerCase() !== 'identity') {
    return new UnsupportedBodyEncodingError(`content-encoding: ${contentEncoding} is not taken: send the body as it is (no content coding)`);
  }
  return null;
}

/**
 * JSON bodies as Fastify parses them (empty, not JSON: its errors), and refused when their text
 * says more than the value parsed from it keeps (see jsonText.ts), naming the field.
 */
export function registerJsonBody(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body: Buffer, done) => {
    const unreadable = encodingFault(request.headers['content-type'], request.headers['content-encoding']);
    if (unreadable !== null) return done(unreadable, undefined);
    if (!isUtf8(body)) return done(new MalformedTextError('body', 'must be UTF-8 text: it holds bytes that are not'), undefined);
    const text = body.toString('utf8');
    parse(request, text, (error, value) => {
      // Refused as poisoned (a __proto__ key), JSON all the same: the field is named, not "not valid JSON".
      const fault = !error || isJson(text) ? firstTextFault(text) : null;
      if (fault !== null) return done(new MalformedTextError(fault.field, fault.rule), undefined);
      done(error ?? null, error ? undefined : value);
    });
  });
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
