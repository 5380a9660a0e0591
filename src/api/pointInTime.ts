import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { instantSchema } from '../domain/shared/schemas.js';
import type { PointInTime, ProjectionRunner } from '../projections/runner.js';
import { invalidRequest, sendProblem } from './problem.js';
import type { ReadBudget } from './readBudget.js';

/** What every read takes: the point in time, and the position of the caller's own write to wait for. */
export const pointInTimeQuery = z.object({
  asOf: instantSchema.optional().describe('business time: only what occurred up to then'),
  knownAt: instantSchema.optional().describe('system time: only what had been recorded by then'),
  minPosition: z.string().regex(/^\d+$/, 'must be a position as returned by a write').optional().describe('wait (bounded) until the projections include this position'),
});

/**
 * Read-your-writes, then the point in time: waits for minPosition, answering 503 with Retry-After
 * when the projections do not get there in time (null is returned then, the reply already sent).
 * With a budget, the read's work is metered against the caller's key (the wait is not work).
 */
export function pointInTimeResolver(runner: ProjectionRunner, waitMs: number, budget?: ReadBudget) {
  return async (query: z.infer<typeof pointInTimeQuery>, reply: FastifyReply): Promise<PointInTime | null> => {
    if (query.minPosition !== undefined && !(await runner.inLog(BigInt(query.minPosition)))) {
      // Retry-After would have a client wait forever for a position no write gave out.
      await sendProblem(reply, invalidRequest([{ field: 'querystring.minPosition', rule: `is past the last event in the log: pass the position a write answered with` }]));
      return null;
    }
    if (query.minPosition !== undefined && !(await runner.waitFor(BigInt(query.minPosition), waitMs))) {
      await sendProblem(reply.header('retry-after', '1'), {
        title: 'Projections behind',
        status: 503,
        code: 'PROJECTIONS_BEHIND',
        detail: `the projections have not reached position ${query.minPosition} within ${waitMs} ms`,
      });
      return null;
    }
    const key = reply.request.apiKey;
    return {
      asOf: query.asOf ? new Date(query.asOf) : undefined,
      knownAt: query.knownAt ? new Date(query.knownAt) : undefined,
      meter: budget && key ? budget.meterFor(key.sha256) : undefined,
    };
  };
}
