import fc from 'fast-check';
import type { DealCommand } from '../../src/domain/deal/commands.js';

const eur = (amountMinor: number) => ({ amountMinor, currency: 'EUR' });
const amount = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 1, max: 5_000_000 }).map(eur) },
  { weight: 1, arbitrary: fc.constant(eur(0)) },
  { weight: 1, arbitrary: fc.constant({ amountMinor: 100, currency: 'USD' }) },
);
const stage = fc.constantFrom('lead', 'qualified', 'proposal', 'negotiation', 'demo');
const reason = fc.option(fc.constantFrom('customer asked', 'budget cut', 'new stakeholder'), { nil: null });

/** Commands a deal may receive, valid or not: the decider must refuse what breaks a rule. */
export const dealCommandArbitrary: fc.Arbitrary<DealCommand> = fc.oneof(
  fc.record({ type: fc.constant('MoveDealToStage' as const), data: fc.record({ stageId: stage, reason }) }),
  fc.record({
    type: fc.constant('LogActivity' as const),
    data: fc.record({ kind: fc.constantFrom('call' as const, 'demo' as const, 'visit' as const), summary: fc.constant('talked'), contactPerson: fc.constant(null) }),
  }),
  fc.record({ type: fc.constant('SendQuote' as const), data: fc.record({ quoteRef: fc.constant('Q'), amount, validUntil: fc.constant(null) }) }),
  fc.record({
    type: fc.constant('MakeOffer' as const),
    data: fc.record({ by: fc.constantFrom('us' as const, 'customer' as const), amount, discountPercent: fc.integer({ min: -5, max: 110 }), terms: fc.constant(null) }),
  }),
  fc.record({ type: fc.constant('ChangeEstimatedAmount' as const), data: fc.record({ amount, reason }) }),
  fc.record({ type: fc.constant('SetForecastCategory' as const), data: fc.record({ category: fc.constantFrom('pipeline' as const, 'bestCase' as const, 'commit' as const) }) }),
  fc.record({ type: fc.constant('ReassignDeal' as const), data: fc.record({ toRepId: fc.constantFrom('ann', 'bo', 'cy'), reason: fc.constant('rebalance') }) }),
  fc.record({ type: fc.constant('SignContract' as const), data: fc.record({ amount, contractRef: fc.constant('C-1') }) }),
  fc.record({ type: fc.constant('CorrectContractAmount' as const), data: fc.record({ amount, reason: fc.constant('typo') }) }),
  fc.record({
    type: fc.constant('MarkDealLost' as const),
    data: fc.record({ reason: fc.constantFrom('price', 'timing', 'weather'), detail: fc.constant(null), competitor: fc.constant(null) }),
  }),
  fc.record({ type: fc.constant('ReopenDeal' as const), data: fc.record({ reason: fc.constant('back in play'), stageId: fc.option(stage, { nil: undefined }) }) }),
);
