import type { FastifyRequest, FastifyServerOptions } from 'fastify';
import { writeSync } from 'node:fs';
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
 * URL of every request is logged, refused or not: `?access_token=<key>` would put a key in the logs.
 */
const SECRET_PARAMETER = /contact|e-?mail|phone|mobile|person|token|key|secret|passw|auth|bearer|credential|signature|session/i;

/** Values that are secrets whatever they are sent as: a key as this engine generates them, an e-mail address. */
const GENERATED_KEY = /spe_[A-Za-z0-9_-]{8,}/;
// The part before the '@' is bounded (64 characters, as RFC 5321's local part is): unbounded, the pattern backtracks quadratically on a long piece.
const EMAIL_ADDRESS = /[^\s@/]{1,64}@[^\s@/]+\.[^\s@/]+/;
const looksSecret = (text: string): boolean => (text.includes('spe_') && GENERATED_KEY.test(text)) || (text.includes('@') && EMAIL_ADDRESS.test(text));

const decoded = (raw: string): string => {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
};

/** The URL as sent, but path segments and query values that hold a key or an e-mail, and the values of parameters named for contact details or credentials. */
export function redactedUrl(url: string): string {
  // Most URLs hold nothing to decode, and nothing that looks secret or names a secret anywhere: each piece of one is a
  // part of it, and decoding '+' to a space could only break a match, so no piece would be redacted.
  if (!url.includes('%') && !looksSecret(url) && !SECRET_PARAMETER.test(url)) return url;
  return redactedPieceByPiece(url);
}

/** What redactedUrl does, piece by piece: each path segment, parameter name and value decoded and tested. */
export function redactedPieceByPiece(url: string): string {
  const start = url.indexOf('?');
  const path = (start < 0 ? url : url.slice(0, start))
    .split('/')
    .map((segment) => (looksSecret(decoded(segment)) ? CENSOR : segment))
    .join('/');
  if (start < 0) return path;
  const parameters = url.slice(start + 1).split('&');
  const redacted = parameters.map((parameter) => {
    const name = parameter.split('=', 1)[0] as string;
    const secret = SECRET_PARAMETER.test(decoded(name)) || looksSecret(decoded(parameter.slice(name.length + 1)));
    return secret ? `${name}=${CENSOR}` : parameter;
  });
  return `${path}?${redacted.join('&')}`;
}

/** Fastify's request fields, with the URL's contact details and credentials redacted. */
function requestFields(request: FastifyRequest) {
  return { method: request.method, url: redactedUrl(request.url), host: request.host, remoteAddress: request.ip, remotePort: request.socket?.remotePort };
}

/** What is held while standard output is not read, at most: past it lines are dropped, rather than memory growing without end. */
const MAX_BUFFERED_LOG_BYTES = 16 * 1024 * 1024;

/**
 * Standard output, written by the thread pool: a line is handed to it at once, and the lines that
 * come while a write is under way go with the next one, so a busy server makes one write a batch
 * instead of one a line (turning a line into JSON is still the event loop's). pino writes out what
 * is buffered when the process exits; a process killed outright, or the batch being written as it
 * exits, can lose the last lines. Logs only: no event depends on them.
 */
export function asynchronousStdout(): pino.DestinationStream {
  const stream = pino.destination({ dest: 1, sync: false, maxLength: MAX_BUFFERED_LOG_BYTES });
  let saidAt = 0;
  stream.on('drop', () => {
    // Said on standard error, at most every 10 s: standard output is the one not being read.
    if (Date.now() - saidAt < 10_000) return;
    saidAt = Date.now();
    writeSync(2, `${JSON.stringify({ level: 40, time: saidAt, msg: `log lines dropped: standard output was not read while ${MAX_BUFFERED_LOG_BYTES / 1024 / 1024} MiB of them waited` })}\n`);
  });
  return stream;
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
