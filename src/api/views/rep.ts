import { z } from 'zod';
import { repRoleSchema } from '../../domain/organisation/events.js';
import type { RepFacts } from '../../projections/sales.js';
import { teamOf } from '../../projections/sales.js';
import { isoInstant, isoOrNull } from '../isoInstant.js';
import { compiledView } from '../serializer.js';
import { instant, pageOf, streamVersion } from './fields.js';

/** A rep, the team it is in at the read's point in time, and its memberships over time. */
export const repViewSchema = compiledView(
  z.object({
    repId: z.string(),
    streamVersion,
    name: z.string(),
    role: repRoleSchema,
    status: z.enum(['active', 'departed']),
    teamId: z.string().nullable().describe("the rep's team at the read's point in time"),
    memberships: z.array(z.object({ teamId: z.string(), from: instant, to: instant.nullable().describe('null while still in the team') })),
  }),
);
export const repPageSchema = pageOf(repViewSchema);

export function repView(rep: RepFacts, now: number): z.infer<typeof repViewSchema> {
  return {
    repId: rep.repId,
    streamVersion: rep.streamVersion,
    name: rep.name,
    role: rep.role,
    status: rep.departedAt === null ? 'active' : 'departed',
    teamId: teamOf(rep, now),
    memberships: rep.spans.map((s) => ({ teamId: s.teamId, from: isoInstant(s.from), to: isoOrNull(s.to) })),
  };
}
