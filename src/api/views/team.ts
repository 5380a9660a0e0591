import { z } from 'zod';
import type { SalesState, TeamFacts } from '../../projections/sales.js';
import { teamOf } from '../../projections/sales.js';
import { compiledView } from '../serializer.js';
import { pageOf, streamVersion } from './fields.js';

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

export const teamPageSchema = pageOf(teamViewSchema);

/** Each team's members at `now`, in one pass over the reps (a page of teams would otherwise pass once per team). */
export function membersByTeam(sales: SalesState, now: number): Map<string, string[]> {
  const members = new Map<string, string[]>();
  for (const rep of sales.reps.values()) {
    const teamId = teamOf(rep, now);
    if (teamId === null) continue;
    const list = members.get(teamId);
    if (list) list.push(rep.repId);
    else members.set(teamId, [rep.repId]);
  }
  return members;
}

export function teamView(team: TeamFacts, members: Map<string, string[]>): z.infer<typeof teamViewSchema> {
  return {
    teamId: team.teamId,
    streamVersion: team.streamVersion,
    name: team.name,
    region: team.region,
    managerRepId: team.managerRepId,
    members: members.get(team.teamId) ?? [],
  };
}
