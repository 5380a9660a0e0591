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
