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
  if (schema.body instanceof z.ZodObject) schema.body = closed(schema.body);
  // A POST that declares no body (a rebuild) takes none: an empty object or nothing.
  else if (schema.body === undefined && [route.method].flat().includes('POST')) schema.body = z.object({}).strict().nullish();
  if (schema.querystring === undefined) schema.querystring = z.object({}).strict();
  else if (schema.querystring instanceof z.ZodObject) schema.querystring = schema.querystring.strict();
}

/** Wrappers whose one inner schema is `def.innerType`. */
const WRAPPERS = [z.ZodOptional, z.ZodNullable, z.ZodDefault, z.ZodPrefault, z.ZodCatch, z.ZodReadonly, z.ZodNonOptional];

type Def = Record<string, unknown>;
const defOf = (schema: z.ZodType): Def => schema._zod.def as unknown as Def;

/** A copy of `schema` with another definition, its checks and its description (the registry's) kept. */
function withDef(schema: z.ZodType, def: Def): z.ZodType {
  const copy = schema.clone(def as unknown as typeof schema._zod.def);
  const meta = z.globalRegistry.get(schema);
  if (meta) z.globalRegistry.add(copy, meta);
  return copy;
}

/**
 * The schema with every object in it closed, however deep: in an offer's `amount`, a target's
 * `scope` or a customer's `contact`, a misspelt field (`scope.idd` for `scope.id`) would otherwise
 * be dropped, and the command applied without it (an org-wide target for a regional one). Unions,
 * arrays, records and wrappers are followed; what holds no object is returned as it is.
 */
function closed(schema: z.ZodType): z.ZodType {
  const def = defOf(schema);
  if (schema instanceof z.ZodObject) {
    const shape = Object.fromEntries(Object.entries(schema.shape).map(([key, field]) => [key, closed(field as z.ZodType)]));
    return withDef(schema, { ...def, shape, catchall: z.never() });
  }
  if (WRAPPERS.some((wrapper) => schema instanceof wrapper)) return rewrap(schema, def, 'innerType');
  if (schema instanceof z.ZodArray) return rewrap(schema, def, 'element');
  if (schema instanceof z.ZodRecord) return rewrap(schema, def, 'valueType');
  if (schema instanceof z.ZodPipe) return rewrap(schema, def, 'in');
  if (schema instanceof z.ZodUnion) {
    const options = (def.options as z.ZodType[]).map(closed);
    return options.every((option, i) => option === (def.options as z.ZodType[])[i]) ? schema : withDef(schema, { ...def, options });
  }
  return schema;
}

/** The schema with its inner one under `key` closed; itself when nothing in it changed. */
function rewrap(schema: z.ZodType, def: Def, key: string): z.ZodType {
  const inner = closed(def[key] as z.ZodType);
  return inner === def[key] ? schema : withDef(schema, { ...def, [key]: inner });
}

/** The part of `schema` that reads the input at `path` (an issue's), or null when it cannot tell (a union). */
export function schemaAt(schema: unknown, path: readonly PropertyKey[]): unknown {
  let at = schema;
  for (const step of path) {
    at = unwrapped(at);
    if (at instanceof z.ZodObject) at = (at.shape as Record<PropertyKey, unknown>)[step];
    else if (at instanceof z.ZodArray) at = at.element;
    else if (at instanceof z.ZodRecord) at = at.valueType;
    else return null;
  }
  return at;
}

function unwrapped(schema: unknown): unknown {
  let at = schema;
  while (WRAPPERS.some((wrapper) => at instanceof wrapper) || at instanceof z.ZodPipe) {
    at = at instanceof z.ZodPipe ? at.in : (defOf(at as z.ZodType).innerType as unknown);
  }
  return at;
}

/** What a closed input takes, for the message refusing a field it does not: `a, b, c`, or null when unknown. */
export function fieldsTaken(schema: unknown): string | null {
  const object = unwrapped(schema);
  if (!(object instanceof z.ZodObject)) return null;
  const fields = Object.keys(object.shape);
  return fields.length > 0 ? fields.join(', ') : 'none';
}
