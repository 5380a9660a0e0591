import { describe, it } from 'vitest';
import { dealDecider } from '../../../src/domain/deal/decider.js';
import type { DealEvent } from '../../../src/domain/deal/events.js';
import { specFor } from '../../support/deciderSpec.js';
import {
  activeRep,
  dealContext,
  departedRep,
  eur,
  leadFound,
  pipelineAfter,
  registeredCustomer,
} from '../../support/domainFixtures.js';

const spec = specFor(dealDecider);
const lead = leadFound();
const { stageId: _stage, ...findData } = lead.type === 'LeadFound' ? lead.data : ({} as never);
const findLead = { type: 'FindLead' as const, data: findData };
const findContext = { ...dealContext, rep: activeRep, customer: registeredCustomer };
const signed: DealEvent = { type: 'ContractSigned', data: { amount: eur(95_000), contractRef: 'C-1', stageId: 'lead' } };
const lost: DealEvent = { type: 'DealLost', data: { reason: 'price', detail: null, competitor: 'Rival', stageId: 'lead' } };

describe('deal', () => {
  describe('when no lead was found yet', () => {
    it('finds a lead in the first active stage of its pipeline', () => {
      spec.given().when(findLead, findContext).then([lead]);
    });

    it('starts in the first stage that is not retired', () => {
      const context = { ...findContext, pipeline: pipelineAfter({ type: 'StageRetired', data: { stageId: 'lead' } }) };
      spec.given().when(findLead, context).then([leadFound({ stageId: 'qualified' })]);
    });

    it('refuses an owner who is not an active rep', () => {
      spec.given().when(findLead, { ...findContext, rep: departedRep }).thenThrows('OWNER_NOT_ACTIVE_REP');
      spec.given().when(findLead, { ...findContext, rep: { status: 'none' } }).thenThrows('OWNER_NOT_ACTIVE_REP');
    });

    it('refuses an unknown customer', () => {
      spec.given().when(findLead, { ...findContext, customer: { status: 'none' } }).thenThrows('CUSTOMER_NOT_FOUND');
    });

    it('refuses an unknown pipeline', () => {
      spec.given().when(findLead, { ...findContext, pipeline: { status: 'undefined' } }).thenThrows('PIPELINE_NOT_FOUND');
    });

    it('refuses a starting stage outside the pipeline, or retired', () => {
      spec.given().when({ ...findLead, data: { ...findData, stageId: 'demo' } }, findContext).thenThrows('STAGE_NOT_IN_PIPELINE');
      const context = { ...findContext, pipeline: pipelineAfter({ type: 'StageRetired', data: { stageId: 'proposal' } }) };
      spec.given().when({ ...findLead, data: { ...findData, stageId: 'proposal' } }, context).thenThrows('STAGE_RETIRED');
    });

    it('refuses any other command', () => {
      spec.given().when({ type: 'SetForecastCategory', data: { category: 'commit' } }, dealContext).thenThrows('DEAL_NOT_FOUND');
    });
  });

  describe('when the deal is open', () => {
    const given = spec.given([lead]);

    it('refuses a second lead under the same id', () => {
      given.when(findLead, findContext).thenThrows('DEAL_ALREADY_EXISTS');
    });

    it('moves forward, skipping stages, with no reason needed', () => {
      given.when({ type: 'MoveDealToStage', data: { stageId: 'proposal', reason: null } }, dealContext).then([
        { type: 'DealMovedToStage', data: { fromStageId: 'lead', toStageId: 'proposal', reason: null } },
      ]);
    });

    it('moves back only with a reason, and keeps it', () => {
      const inProposal = spec.given([lead, { type: 'DealMovedToStage', data: { fromStageId: 'lead', toStageId: 'proposal', reason: null } }]);
      inProposal.when({ type: 'MoveDealToStage', data: { stageId: 'qualified', reason: null } }, dealContext).thenThrows('STAGE_MOVE_BACK_NEEDS_REASON');
      inProposal.when({ type: 'MoveDealToStage', data: { stageId: 'qualified', reason: 'budget unclear' } }, dealContext).then([
        { type: 'DealMovedToStage', data: { fromStageId: 'proposal', toStageId: 'qualified', reason: 'budget unclear' } },
      ]);
    });

    it('refuses a move to its current stage, to a stage of another pipeline, or to a retired one', () => {
      given.when({ type: 'MoveDealToStage', data: { stageId: 'lead', reason: null } }, dealContext).thenThrows('DEAL_ALREADY_IN_STAGE');
      given.when({ type: 'MoveDealToStage', data: { stageId: 'demo', reason: null } }, dealContext).thenThrows('STAGE_NOT_IN_PIPELINE');
      const retired = { ...dealContext, pipeline: pipelineAfter({ type: 'StageRetired', data: { stageId: 'proposal' } }) };
      given.when({ type: 'MoveDealToStage', data: { stageId: 'proposal', reason: null } }, retired).thenThrows('STAGE_RETIRED');
    });

    it('logs activities and sends quotes without moving', () => {
      given.when({ type: 'LogActivity', data: { kind: 'demo', summary: 'Showed the van', contactPerson: 'Bo' } }, dealContext).then([
        { type: 'ActivityLogged', data: { kind: 'demo', summary: 'Showed the van', contactPerson: 'Bo' } },
      ]);
      given.when({ type: 'SendQuote', data: { quoteRef: 'Q-1', amount: eur(99_000), validUntil: null } }, dealContext).then([
        { type: 'QuoteSent', data: { quoteRef: 'Q-1', amount: eur(99_000), validUntil: null } },
      ]);
    });

    it('numbers the negotiation rounds', () => {
      const first: DealEvent = { type: 'OfferMade', data: { round: 1, by: 'us', amount: eur(99_000), discountPercent: 5, terms: null } };
      spec
        .given([lead, first])
        .when({ type: 'MakeOffer', data: { by: 'customer', amount: eur(90_000), discountPercent: 10, terms: 'net 60' } }, dealContext)
        .then([{ type: 'OfferMade', data: { round: 2, by: 'customer', amount: eur(90_000), discountPercent: 10, terms: 'net 60' } }]);
    });

    it('refuses an offer with a discount outside 0–100 %, or in another currency', () => {
      given.when({ type: 'MakeOffer', data: { by: 'us', amount: eur(1), discountPercent: 101, terms: null } }, dealContext).thenThrows('DISCOUNT_OUT_OF_RANGE');
      given
        .when({ type: 'MakeOffer', data: { by: 'us', amount: { amountMinor: 1, currency: 'USD' }, discountPercent: 0, terms: null } }, dealContext)
        .thenThrows('CURRENCY_MISMATCH');
    });

    it('changes the estimate, but refuses the same amount or another currency', () => {
      given.when({ type: 'ChangeEstimatedAmount', data: { amount: eur(120_000), reason: null } }, dealContext).then([
        { type: 'EstimatedAmountChanged', data: { amount: eur(120_000), reason: null } },
      ]);
      given.when({ type: 'ChangeEstimatedAmount', data: { amount: eur(100_000), reason: null } }, dealContext).thenThrows('AMOUNT_UNCHANGED');
      given
        .when({ type: 'ChangeEstimatedAmount', data: { amount: { amountMinor: 5, currency: 'USD' }, reason: null } }, dealContext)
        .thenThrows('CURRENCY_MISMATCH');
    });

    it('sets the forecast category and the expected close date', () => {
      given.when({ type: 'SetForecastCategory', data: { category: 'commit' } }, dealContext).then([
        { type: 'ForecastCategorySet', data: { category: 'commit' } },
      ]);
      given.when({ type: 'ChangeExpectedCloseDate', data: { expectedCloseDate: '2026-10-15', reason: 'legal review' } }, dealContext).then([
        { type: 'ExpectedCloseDateChanged', data: { expectedCloseDate: '2026-10-15', reason: 'legal review' } },
      ]);
    });

    it('refuses a forecast category or an expected close date it already has, as found or as changed since', () => {
      // given a lead expected to close on 2026-09-30, in the pipeline category
      given.when({ type: 'SetForecastCategory', data: { category: 'pipeline' } }, dealContext).thenThrows('FORECAST_CATEGORY_UNCHANGED');
      given.when({ type: 'ChangeExpectedCloseDate', data: { expectedCloseDate: '2026-09-30', reason: null } }, dealContext).thenThrows('EXPECTED_CLOSE_DATE_UNCHANGED');
      // and once changed, the new values are the ones refused
      spec
        .given([lead, { type: 'ExpectedCloseDateChanged', data: { expectedCloseDate: '2026-10-15', reason: null } }, { type: 'ForecastCategorySet', data: { category: 'commit' } }])
        .when({ type: 'ChangeExpectedCloseDate', data: { expectedCloseDate: '2026-10-15', reason: 'again' } }, dealContext)
        .thenThrows('EXPECTED_CLOSE_DATE_UNCHANGED');
      spec.given([lead, { type: 'ForecastCategorySet', data: { category: 'commit' } }]).when({ type: 'SetForecastCategory', data: { category: 'commit' } }, dealContext).thenThrows('FORECAST_CATEGORY_UNCHANGED');
    });

    it('is reassigned to another active rep, keeping the reason', () => {
      given.when({ type: 'ReassignDeal', data: { toRepId: 'bo', reason: 'territory change' } }, { ...dealContext, rep: activeRep }).then([
        { type: 'DealReassigned', data: { fromRepId: 'ann', toRepId: 'bo', reason: 'territory change' } },
      ]);
    });

    it('refuses a reassignment to the current owner or to a departed rep', () => {
      given.when({ type: 'ReassignDeal', data: { toRepId: 'ann', reason: 'x' } }, { ...dealContext, rep: activeRep }).thenThrows('REASSIGN_TO_CURRENT_OWNER');
      given.when({ type: 'ReassignDeal', data: { toRepId: 'bo', reason: 'x' } }, { ...dealContext, rep: departedRep }).thenThrows('OWNER_NOT_ACTIVE_REP');
    });

    it('signs a contract in its current stage', () => {
      given.when({ type: 'SignContract', data: { amount: eur(95_000), contractRef: 'C-1' } }, dealContext).then([signed]);
    });

    it('refuses a contract with a zero amount or in another currency', () => {
      given.when({ type: 'SignContract', data: { amount: eur(0), contractRef: 'C-1' } }, dealContext).thenThrows('AMOUNT_NOT_POSITIVE');
      given
        .when({ type: 'SignContract', data: { amount: { amountMinor: 95_000, currency: 'USD' }, contractRef: 'C-1' } }, dealContext)
        .thenThrows('CURRENCY_MISMATCH');
    });

    it('is lost with a configured reason, at its current stage', () => {
      given.when({ type: 'MarkDealLost', data: { reason: 'price', detail: null, competitor: 'Rival' } }, dealContext).then([lost]);
    });

    it('refuses a loss reason that is not configured', () => {
      given.when({ type: 'MarkDealLost', data: { reason: 'weather', detail: null, competitor: null } }, dealContext).thenThrows('LOSS_REASON_UNKNOWN');
    });

    it('refuses a reopen or a contract correction', () => {
      given.when({ type: 'ReopenDeal', data: { reason: 'x' } }, dealContext).thenThrows('DEAL_NOT_CLOSED');
      given.when({ type: 'CorrectContractAmount', data: { amount: eur(1), reason: 'x' } }, dealContext).thenThrows('DEAL_NOT_WON');
    });
  });

  describe('when the deal is won', () => {
    const given = spec.given([lead, signed]);

    it('refuses anything but a reopen or a contract correction', () => {
      given.when({ type: 'LogActivity', data: { kind: 'call', summary: 'x', contactPerson: null } }, dealContext).thenThrows('DEAL_CLOSED');
      given.when({ type: 'MoveDealToStage', data: { stageId: 'proposal', reason: null } }, dealContext).thenThrows('DEAL_CLOSED');
      given.when({ type: 'SignContract', data: { amount: eur(1), contractRef: 'C-2' } }, dealContext).thenThrows('DEAL_CLOSED');
      given.when({ type: 'MarkDealLost', data: { reason: 'price', detail: null, competitor: null } }, dealContext).thenThrows('DEAL_CLOSED');
    });

    it('corrects the contract amount, keeping the previous one', () => {
      given.when({ type: 'CorrectContractAmount', data: { amount: eur(97_500), reason: 'typo' } }, dealContext).then([
        { type: 'ContractAmountCorrected', data: { amount: eur(97_500), previousAmount: eur(95_000), reason: 'typo' } },
      ]);
    });

    it('refuses a correction to the same or a non-positive amount', () => {
      given.when({ type: 'CorrectContractAmount', data: { amount: eur(95_000), reason: 'x' } }, dealContext).thenThrows('AMOUNT_UNCHANGED');
      given.when({ type: 'CorrectContractAmount', data: { amount: eur(0), reason: 'x' } }, dealContext).thenThrows('AMOUNT_NOT_POSITIVE');
    });

    it('reopens at the stage it was signed in, or at a chosen one', () => {
      given.when({ type: 'ReopenDeal', data: { reason: 'contract voided' } }, dealContext).then([
        { type: 'DealReopened', data: { reason: 'contract voided', stageId: 'lead' } },
      ]);
      given.when({ type: 'ReopenDeal', data: { reason: 'renegotiate', stageId: 'negotiation' } }, dealContext).then([
        { type: 'DealReopened', data: { reason: 'renegotiate', stageId: 'negotiation' } },
      ]);
    });
  });

  describe('when the deal is lost', () => {
    const given = spec.given([lead, lost]);

    it('refuses everything but a reopen', () => {
      given.when({ type: 'SignContract', data: { amount: eur(1), contractRef: 'C' } }, dealContext).thenThrows('DEAL_CLOSED');
      given.when({ type: 'CorrectContractAmount', data: { amount: eur(1), reason: 'x' } }, dealContext).thenThrows('DEAL_NOT_WON');
    });

    it('refuses to reopen into a retired stage', () => {
      const retired = { ...dealContext, pipeline: pipelineAfter({ type: 'StageRetired', data: { stageId: 'lead' } }) };
      given.when({ type: 'ReopenDeal', data: { reason: 'back in play' } }, retired).thenThrows('STAGE_RETIRED');
    });

    it('is open again after a reopen', () => {
      spec
        .given([lead, lost, { type: 'DealReopened', data: { reason: 'back', stageId: 'lead' } }])
        .when({ type: 'SetForecastCategory', data: { category: 'bestCase' } }, dealContext)
        .then([{ type: 'ForecastCategorySet', data: { category: 'bestCase' } }]);
    });
  });
});
