import type { FastifyRequest, FastifyServerOptions } from 'fastify';

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
 * Query parameters taken for contact details by their names, as the body's fields are. No route
 * takes one (a request with one is refused), but the request line is logged before it is read.
 */
const CONTACT_PARAMETER = /contact|e-?mail|phone|mobile|person/i;

const decodedName = (raw: string): string => {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
};

/** The URL as sent, but the values of parameters named for contact details. */
export function redactedUrl(url: string): string {
  const start = url.indexOf('?');
  if (start < 0) return url;
  const parameters = url.slice(start + 1).split('&');
  const redacted = parameters.map((parameter) => {
    const name = parameter.split('=', 1)[0] as string;
    return CONTACT_PARAMETER.test(decodedName(name)) ? `${name}=${CENSOR}` : parameter;
  });
  return `${url.slice(0, start)}?${redacted.join('&')}`;
}

/** Fastify's request fields, with the URL's contact details redacted. */
function requestFields(request: FastifyRequest) {
  return { method: request.method, url: redactedUrl(request.url), host: request.host, remoteAddress: request.ip, remotePort: request.socket?.remotePort };
}

/** Structured JSON logs; human-readable only when a person is watching (a TTY). */
export function loggerOptions(level: string, isTty = Boolean(process.stdout.isTTY)): FastifyServerOptions['logger'] {
  return {
    level,
    redact: { paths: REDACTED_PATHS, censor: CENSOR },
    serializers: { req: requestFields },
    ...(isTty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } } : {}),
  };
}
