import type { FastifyReply } from 'fastify';
import type { z } from 'zod';

/**
 * Sends answers as JSON serialized once per answer. The read models hand the same cached answer
 * object to every reader until the log moves (or the cache entry ages out), so checking it against
 * the response schema and stringifying it are done once per answer, not once per request. A part
 * of an answer (one target of all) is cached under the answer and the part's key.
 */
export function serializedOnce<Schema extends z.ZodType>(schema: Schema) {
  const cache = new WeakMap<object, Map<string, string>>();
  return (reply: FastifyReply, source: object, key: string, build: () => z.input<Schema>): FastifyReply => {
    let parts = cache.get(source);
    if (!parts) cache.set(source, (parts = new Map()));
    let json = parts.get(key);
    if (json === undefined) {
      // The same check the route's response serializer makes: a malformed answer is a 500, never sent.
      json = JSON.stringify(schema.parse(build()));
      parts.set(key, json);
    }
    // A string with a JSON content type is sent as it is: Fastify's serializer does not run again.
    return reply.type('application/json; charset=utf-8').send(json);
  };
}
