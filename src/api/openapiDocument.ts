import type { SwaggerTransform, SwaggerTransformObject } from '@fastify/swagger';
import type { FastifySchema } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { roleRequiredBy } from './authPlugin.js';
import { commandResultSchema } from './commandRoutes.js';
import { RANGES, refusalsOf } from './documentedRefusals.js';
import { problemSchema } from './problem.js';

type Responses = Record<string, { content?: Record<string, { schema?: unknown }> }>;
type RequestBody = { required?: boolean; content?: Record<string, { schema?: { anyOf?: unknown[] } }> };
type PathItem = Record<string, { responses?: Responses; requestBody?: RequestBody } | undefined>;

const PROBLEM = 'application/problem+json';

/**
 * Each route's schema as the document shows it: its zod schemas as JSON Schema, and beside its
 * answers the refusals it can give, status by status (documentedRefusals.ts). Only the document
 * changes: the route keeps the schema it validates and serialises with.
 */
export const documentRoute: SwaggerTransform<FastifySchema> = (input) => {
  const { schema, route, url } = input;
  const response = schema?.response as Record<string, unknown> | undefined;
  if (!schema || schema.hide === true || response === undefined) return jsonSchemaTransform(input);
  const refusals = refusalsOf({
    method: [route.method].flat()[0] ?? 'GET',
    url: route.url ?? url,
    schema,
    role: roleRequiredBy(route.onRequest),
    resourceNotFound: (route.config as { resourceNotFound?: string } | undefined)?.resourceNotFound,
    command: response['200'] === commandResultSchema || response['201'] === commandResultSchema,
  });
  // Success first, then the refusals by status (one the route declares itself stands over the one worked out), then the ranges for anything else.
  const declared = Object.entries(response);
  const success = declared.filter(([status]) => /^[123]/.test(status));
  const refused = Object.entries({ ...refusals, ...Object.fromEntries(declared.filter(([status]) => /^[45]\d\d$/.test(status))) }).sort(([a], [b]) => Number(a) - Number(b));
  const ranges = declared
    .filter(([status]) => /^[45]xx$/i.test(status))
    .map(([status, answer]) => [status, RANGES[status] !== undefined && answer === problemSchema ? problemSchema.describe(RANGES[status]) : answer]);
  const ordered = Object.fromEntries([...success, ...refused, ...ranges]);
  return jsonSchemaTransform({ ...input, schema: { ...schema, response: ordered } });
};

/**
 * Error answers are sent as problem details (RFC 9457, `sendProblem`), so the document lists them
 * under that media type: a generated client then parses them, instead of finding no JSON answer.
 * Their one shape is written once, as the component `Problem`, which each refers to.
 */
export const documentErrorsAsProblems: SwaggerTransformObject = (document) => {
  if (!('openapiObject' in document)) return document.swaggerObject;
  const openapi = document.openapiObject;
  const paths = (openapi.paths ?? {}) as Record<string, PathItem>;
  let problem: unknown;
  for (const pathItem of Object.values(paths)) {
    for (const operation of Object.values(pathItem)) {
      for (const [status, response] of Object.entries(operation?.responses ?? {})) {
        const json = response.content?.['application/json'];
        if (!/^[45]/.test(status) || json === undefined) continue;
        const shape = withoutDescription(json.schema);
        problem ??= shape;
        // Only an answer of that one shape refers to it; any other keeps its own schema.
        const same = JSON.stringify(shape) === JSON.stringify(problem);
        response.content = { [PROBLEM]: same ? { schema: { $ref: '#/components/schemas/Problem' } } : json };
      }
    }
  }
  if (problem !== undefined) openapi.components = { ...openapi.components, schemas: { ...openapi.components?.schemas, Problem: problem as object } };
  markOptionalBodies(paths);
  return openapi;
};

/** A body that may be null may be left out (a rebuild's): the document says it is not required, as the route does. */
function markOptionalBodies(paths: Record<string, PathItem>): void {
  for (const operation of Object.values(paths).flatMap((pathItem) => Object.values(pathItem))) {
    const body = operation?.requestBody;
    if (body?.content?.['application/json']?.schema?.anyOf?.some((s) => JSON.stringify(s) === '{"type":"null"}')) body.required = false;
  }
}

/** The schema without the description it carried as one answer's (the answer keeps it). */
function withoutDescription(schema: unknown): unknown {
  if (schema === null || typeof schema !== 'object') return schema;
  const { description: _description, ...rest } = schema as Record<string, unknown>;
  return rest;
}
