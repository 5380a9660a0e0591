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

/**
 * JSON bodies as Fastify parses them (empty, not JSON: its errors), and refused when their text
 * says more than the value parsed from it keeps (see jsonText.ts), naming the field.
 */
export function registerJsonBody(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body: Buffer, done) => {
    if (!isUtf8(body)) return done(new MalformedTextError('body', 'must be UTF-8 text: it holds bytes that are not'), undefined);
    const text = body.toString('utf8');
    parse(request, text, (error, value) => {
      // Refused as poisoned (a __proto__ key), JSON all the same: the field is named, not "not valid JSON".
      const fault = error ? (isJson(text) ? firstTextFault(text) : null) : firstTextFault(text);
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
