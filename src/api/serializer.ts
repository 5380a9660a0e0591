import type { FastifySerializerCompiler } from 'fastify';
import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

type ResponseSchema = Parameters<typeof zodSerializerCompiler>[0]['schema'];

/**
 * A resource's view (a deal, a rep, a complaint…): an object built by the typed view functions.
 * Its response schema is an open record, which zod could only check key by key for being an object
 * with string keys, as the compiler already proved; such answers are stringified without that walk.
 */
export const viewSchema = z.record(z.string(), z.unknown());
export const viewPageSchema = z.object({ items: z.array(viewSchema), nextCursor: z.string().nullable() });

const unchecked = new Set<ResponseSchema>([viewSchema, viewPageSchema]);

/** Every other response schema is enforced by zod before sending: a malformed answer is a 500, never sent. */
export const responseSerializer: FastifySerializerCompiler<ResponseSchema> = (route) =>
  unchecked.has(route.schema) ? (data) => JSON.stringify(data) : zodSerializerCompiler(route);
