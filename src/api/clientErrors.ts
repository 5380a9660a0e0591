import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

/** What Node's parser refuses before Fastify sees a request: its status and our problem's code and detail. */
function refusalOf(error: NodeJS.ErrnoException): { status: number; code: string; detail: string } {
  if (error.code === 'HPE_HEADER_OVERFLOW') return { status: 431, code: 'HEADERS_TOO_LARGE', detail: 'the request line and headers are larger than the server takes (16 KiB): a long query string is the usual cause' };
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return { status: 408, code: 'REQUEST_TIMEOUT', detail: 'the request was not received in time' };
  return { status: 400, code: 'MALFORMED_REQUEST', detail: 'the request is not valid HTTP' };
}

/**
 * Answers a request Node's HTTP parser refused as problem details with the headers of every
 * answer, as Fastify's own refusals are, rather than Fastify's default plain JSON; then closes
 * the connection, since the stream can no longer be read as requests.
 */
export function clientErrorHandler(headers: Readonly<Record<string, string>>) {
  return (error: NodeJS.ErrnoException, socket: Socket): void => {
    // A reset connection is gone: nothing to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    if (socket.writable) {
      const { status, code, detail } = refusalOf(error);
      const title = STATUS_CODES[status] ?? 'Bad request';
      const body = JSON.stringify({ type: 'about:blank', title, status, code, detail });
      const lines = Object.entries({ ...headers, 'content-type': 'application/problem+json', 'content-length': String(Buffer.byteLength(body)), connection: 'close' }).map(([name, value]) => `${name}: ${value}`);
      socket.write(`HTTP/1.1 ${status} ${title}\r\n${lines.join('\r\n')}\r\n\r\n${body}`);
    }
    socket.destroy(error);
  };
}
