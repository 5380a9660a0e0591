import { LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';

/**
 * One log line a request, written when it is answered, with what an access log holds: the request
 * (method, redacted URL, client), the status and the time taken. Fastify's default writes a second
 * line on arrival; under load each line cost more than the rest of a cached read.
 */
export class AccessLog extends LogController {
  #lines: FastifyBaseLogger | null = null;

  /**
   * Writes the lines through `log` without its redaction paths: a line holds only the fields made
   * here and by the request serializer, which redacts the URL itself, and the paths' wildcards,
   * matched against every field, cost four times the rest of the line.
   */
  writeTo(log: FastifyBaseLogger): void {
    this.#lines = log.child({}, { redact: { paths: [] } });
  }

  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    // An error's fields are its own, and may hold anything: its line goes through the redaction.
    if (error) reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
    // At the request's level: a route given a level of its own (Fastify's `logLevel`) is written through its own logger.
    else if (this.#lines !== null && this.#lines.level === reply.log.level) this.#lines.info({ [this.requestIdLogLabel]: request.id, req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
    else reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}
