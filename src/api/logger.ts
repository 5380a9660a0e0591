import type { FastifyRequest, FastifyServerOptions } from 'fastify';
import pino from 'pino';

/** Paths whose values never reach a log line: credentials, and customers' contact details. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.body',
  '*.contact',
  '*.email',
  '*.phone',
  '*.*.contact',
  '*.*.email',
  '*.*.phone',
];

const CENSOR = '[redacted]';

/**
 * Query parameters taken for contact details or credentials by their names, as the body's fields
 * and the authorization header are. No route takes one (a request with one is refused), but the
 * request line is logged before it is read: `?access_token=<key>` would put a key in the logs.
 */
const SECRET_PARAMETER = /contact|e-?mail|phone|mobile|person|token|key|secret|passw|auth|bearer|credential|signature|session/i;

/** Values that are secrets whatever they are sent as: a key as this engine generates them, an e-mail address. */
const SECRET_TEXT = /spe_[A-Za-z0-9_-]{8,}|[^\s@/]+@[^\s@/]+\.[^\s@/]+/;

const decoded = (raw: string): string => {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
};

/** The URL as sent, but path segments and query values that hold a key or an e-mail, and the values of parameters named for contact details or credentials. */
export function redactedUrl(url: string): string {
  // Most URLs hold nothing to decode, no '@' or 'spe_' (SECRET_TEXT needs one), and no name SECRET_PARAMETER matches
  // anywhere: each piece of one is a part of it, and decoding '+' to a space could only break a match, so no piece
  // would be redacted. (SECRET_TEXT itself is not run on the whole URL: without an '@' its backtracking is quadratic.)
  if (!url.includes('%') && !url.includes('@') && !url.includes('spe_') && !SECRET_PARAMETER.test(url)) return url;
  return redactedPieceByPiece(url);
}

/** What redactedUrl does, piece by piece: each path segment, parameter name and value decoded and tested. */
export function redactedPieceByPiece(url: string): string {
  const start = url.indexOf('?');
  const path = (start < 0 ? url : url.slice(0, start))
    .split('/')
    .map((segment) => (SECRET_TEXT.test(decoded(segment)) ? CENSOR : segment))
    .join('/');
  if (start < 0) return path;
  const parameters = url.slice(start + 1).split('&');
  const redacted = parameters.map((parameter) => {
    const name = parameter.split('=', 1)[0] as string;
    const secret = SECRET_PARAMETER.test(decoded(name)) || SECRET_TEXT.test(decoded(parameter.slice(name.length + 1)));
    return secret ? `${name}=${CENSOR}` : parameter;
  });
  return `${path}?${redacted.join('&')}`;
}

/** Fastify's request fields, with the URL's contact details and credentials redacted. */
function requestFields(request: FastifyRequest) {
  return { method: request.method, url: redactedUrl(request.url), host: request.host, remoteAddress: request.ip, remotePort: request.socket?.remotePort };
}

/**
 * Standard output, written off the event loop: a line is handed to the file system at once, and the
 * lines that come while a write is under way go with the next one, so a busy server makes one write
 * a batch instead of one a line. What is still buffered is written out when the process exits
 * (pino flushes it on exit); a process killed outright loses it, as it is only logs.
 */
export function asynchronousStdout(): pino.DestinationStream {
  return pino.destination({ dest: 1, sync: false });
}

/** Structured JSON lines into `stream`; without one, pretty-printed for a person watching a terminal. */
export function loggerOptions(level: string, stream: pino.DestinationStream | null): FastifyServerOptions['logger'] {
  return {
    level,
    redact: { paths: REDACTED_PATHS, censor: CENSOR },
    serializers: { req: requestFields },
    ...(stream ? { stream } : { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } }),
  };
}
