import type { SwaggerTransformObject } from '@fastify/swagger';

type Responses = Record<string, { content?: Record<string, unknown> }>;
type PathItem = Record<string, { responses?: Responses } | undefined>;

const PROBLEM = 'application/problem+json';

/**
 * Error answers are sent as problem details (RFC 9457, `sendProblem`), so the document lists them
 * under that media type: a generated client then parses them, instead of finding no JSON answer.
 */
export const documentErrorsAsProblems: SwaggerTransformObject = (document) => {
  if (!('openapiObject' in document)) return document.swaggerObject;
  const paths = (document.openapiObject.paths ?? {}) as Record<string, PathItem>;
  for (const pathItem of Object.values(paths)) {
    for (const operation of Object.values(pathItem)) {
      for (const [status, response] of Object.entries(operation?.responses ?? {})) {
        const json = response.content?.['application/json'];
        if (!/^[45]/.test(status) || json === undefined) continue;
        response.content = { [PROBLEM]: json };
      }
    }
  }
  return document.openapiObject;
};
