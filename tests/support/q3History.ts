import { History } from './history.js';

const target = (targetId: string, metric: 'revenue' | 'wonDeals' | 'newCustomers', kind: 'org' | 'team' | 'rep', id: string | null, amount: number, parent: string | null = null) => ({
  type: 'TargetSet' as const,
  data: { targetId, period: '2026-Q3', metric, scope: { kind, id }, amount, currency: metric === 'revenue' ? 'EUR' : null, parentTargetId: parent },
});

/*
 * Q3 2026 (92 days). ann is in team north until 07-15, then in south; bo is in south.
 *   G ann, acme:    lead 06-10, signed 07-10 for 200 000 (ann in north then)
 *   H ann, globex:  lead 07-01 (ann in north), signed 08-01 for 300 000 (ann in south by then)
 *   I bo,  acme:    lead 07-05, reassigned to ann 07-20, signed 08-15 for 100 000
 *   J bo,  initech: lead 07-02, signed 09-30 for 50 000, but recorded only on 10-02
 *   K bo,  initech: lead 07-03, in proposal, expected to close 09-15, estimate 400 000
 *   L ann, umbrella: lead 07-04, in negotiation, expected to close 10-10 (after Q3)
 * Targets: org revenue 1 000 000; its children north 600 000 (adjusted to 500 000 on 08-01) and
 * south 300 000; ann 3 won deals; org 2 new customers.
 */
export const q3History = new History()
  .standardPipeline()
  .rep('ann', 'north')
  .rep('bo', 'south')
  .customer('acme')
  .customer('globex')
  .customer('initech')
  .customer('umbrella')
  .add('t-org', target('t-org', 'revenue', 'org', null, 1_000_000), '2026-06-01')
  .add('t-north', target('t-north', 'revenue', 'team', 'north', 600_000, 't-org'), '2026-06-01')
  .add('t-south', target('t-south', 'revenue', 'team', 'south', 300_000, 't-org'), '2026-06-01')
  .add('t-ann', target('t-ann', 'wonDeals', 'rep', 'ann', 3), '2026-06-01')
  .add('t-new', target('t-new', 'newCustomers', 'org', null, 2), '2026-06-01')
  .lead('G', '2026-06-10', { customer: 'acme' })
  .lead('H', '2026-07-01', { customer: 'globex' })
  .lead('J', '2026-07-02', { owner: 'bo', customer: 'initech' })
  .lead('K', '2026-07-03', { owner: 'bo', customer: 'initech', amount: 400_000, expectedClose: '2026-09-15' })
  .move('K', 'lead', 'proposal', '2026-07-03T12:00:00.000Z')
  .lead('L', '2026-07-04', { customer: 'umbrella', expectedClose: '2026-10-10' })
  .move('L', 'lead', 'negotiation', '2026-07-04T12:00:00.000Z')
  .lead('I', '2026-07-05', { owner: 'bo', customer: 'acme' })
  .sign('G', 200_000, '2026-07-10')
  .add('ann', { type: 'RepLeftTeam', data: { teamId: 'north' } }, '2026-07-15')
  .add('ann', { type: 'RepJoinedTeam', data: { teamId: 'south' } }, '2026-07-15')
  .add('I', { type: 'DealReassigned', data: { fromRepId: 'bo', toRepId: 'ann', reason: 'key account' } }, '2026-07-20')
  .sign('H', 300_000, '2026-08-01')
  .add('t-north', { type: 'TargetAdjusted', data: { amount: 500_000, previousAmount: 600_000, reason: 'reorganisation' } }, '2026-08-01')
  .sign('I', 100_000, '2026-08-15')
  .sign('J', 50_000, '2026-09-30', 'lead', '2026-10-02');

