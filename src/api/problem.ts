import { z } from 'zod';
import type { FastifyReply } from 'fastify';

/** RFC 9457 problem details; `code` is stable and documented, `detail` is for people. */
export type Problem = {
  type?: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  [extension: string]: unknown;
};

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  return reply
    .code(problem.status)
    .type('application/problem+json')
    .send({ type: 'about:blank', ...problem, instance: reply.request.url });
}

/**
 * Issues listed in one answer. A body of 70,000 unknown fields (within the body limit) made an
 * answer of 8 MB, each issue naming the fields the route takes: the answer no longer grows with
 * the mistake; `moreIssues` counts the ones not listed.
 */
const MAX_ISSUES = 100;

/** 400 `VALIDATION_FAILED`, naming each field and the rule it breaks; the detail names the first. */
export function invalidRequest(issues: readonly { field: string; rule: string }[]): Problem {
  const first = issues[0];
  const problem: Problem = { title: 'Invalid request', status: 400, code: 'VALIDATION_FAILED', detail: first ? `${first.field}: ${first.rule}` : 'the request is invalid', issues: issues.slice(0, MAX_ISSUES) };
  return issues.length > MAX_ISSUES ? { ...problem, moreIssues: issues.length - MAX_ISSUES } : problem;
}

/** 404 for a resource (`DEAL_NOT_FOUND`: a deal) that does not exist at the point in time read. */
export const sendNotFound = (reply: FastifyReply, code: `${string}_NOT_FOUND`, id: string): FastifyReply =>
  sendProblem(reply, { title: 'Not found', status: 404, code, detail: `no ${code.split('_')[0]?.toLowerCase()} ${id} at that point in time` });

/** The shape of every error answer, for the OpenAPI document. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string().describe('stable error code, see docs/errors.md'),
    detail: z.string().optional(),
    instance: z.string().optional(),
  })
  .catchall(z.unknown());

/** A route's answers for the OpenAPI document: the given schema on success, problem details otherwise. */
export const answers = <Success extends z.ZodType>(success: Success) => ({ 200: success, '4xx': problemSchema, '5xx': problemSchema });
