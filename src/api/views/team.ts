import { z } from 'zod';
import type { SalesState, TeamFacts } from '../../projections/sales.js';
import { teamOf } from '../../projections/sales.js';
import { compiledView } from '../serializer.js';
import { streamVersion } from './fields.js';

/** A team and who is in it at the read's point in time. */
export const teamViewSchema = compiledView(
  z.object({
    teamId: z.string(),
    streamVersion,
    name: z.string(),
    region: z.string(),
    managerRepId: z.string(),
    members: z.array(z.string()).describe("ids of the reps in the team at the read's point in time"),
  }),
);

export function teamView(team: TeamFacts, sales: SalesState, now: number): z.infer<typeof teamViewSchema> {
  return {
    teamId: team.teamId,
    streamVersion: team.streamVersion,
    name: team.name,
    region: team.region,
    managerRepId: team.managerRepId,
    members: [...sales.reps.values()].filter((r) => teamOf(r, now) === team.teamId).map((r) => r.repId),
  };
}
