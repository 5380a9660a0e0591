import type { FastifyServerOptions } from 'fastify';

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

/** Structured JSON logs; human-readable only when a person is watching (a TTY). */
export function loggerOptions(level: string, isTty = Boolean(process.stdout.isTTY)): FastifyServerOptions['logger'] {
  return {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    ...(isTty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } } : {}),
  };
}
