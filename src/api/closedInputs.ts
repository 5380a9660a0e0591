import type { RouteOptions } from 'fastify';
import { z } from 'zod';

/**
 * Makes every documented route's body and query closed: a field or parameter the route does not
 * take is a 400 naming it, not silently dropped. A misspelt filter (`ownerId` for `owner`) would
 * otherwise answer unfiltered data, a misspelt `occuredAt` would record the fact at the wrong time,
 * and a command sent with `?dryRun=true` would be written. A route that declares no query takes
 * none, and a POST that declares no body takes none. An `onRoute` hook, so that every route has
 * it and the OpenAPI document says so.
 */
export function closeInputs(route: RouteOptions): void {
  const schema = route.schema as { body?: unknown; querystring?: unknown; hide?: boolean } | undefined;
  if (!schema || schema.hide) return;
  if (schema.body instanceof z.ZodObject) schema.body = schema.body.strict();
  // A POST that declares no body (a rebuild) takes none: an empty object or nothing.
  else if (schema.body === undefined && [route.method].flat().includes('POST')) schema.body = z.object({}).strict().nullish();
  if (schema.querystring === undefined) schema.querystring = z.object({}).strict();
  else if (schema.querystring instanceof z.ZodObject) schema.querystring = schema.querystring.strict();
}

/** What a closed input takes, for the message refusing a field it does not: `a, b, c`, or null when unknown. */
export function fieldsTaken(schema: unknown): string | null {
  let object = schema;
  while (object instanceof z.ZodOptional || object instanceof z.ZodNullable) object = object.unwrap() as unknown;
  if (!(object instanceof z.ZodObject)) return null;
  const fields = Object.keys(object.shape);
  return fields.length > 0 ? fields.join(', ') : 'none';
}
