import { refuse } from '../errors.js';
import { unreachable } from '../shared/decider.js';
import type { Decider } from '../shared/decider.js';
import type { Money } from '../shared/money.js';
import type { CustomerState } from '../customer/decider.js';
import { isActiveRep } from '../organisation/decider.js';
import type { RepState } from '../organisation/decider.js';
import { activeStages, findStage } from '../pipeline/decider.js';
import type { PipelineState } from '../pipeline/decider.js';
import type { DealCommand } from './commands.js';
import type { DealEvent } from './events.js';

type DealFacts = {
  dealId: string;
  customerId: string;
  title: string;
  ownerRepId: string;
  pipelineId: string;
  stageId: string;
  currency: string;
  estimatedAmount: Money;
  forecastCategory: string;
  expectedCloseDate: string;
  offers: number;
  contractAmount: Money | null;
};
export type DealState = { status: 'none' } | ({ status: 'open' | 'won' | 'lost' } & DealFacts);

/**
 * Facts from other streams a deal command may need, loaded by the application for the command
 * at hand. They hold when the decision is made, not as one transaction with the append.
 */
export type DealContext = {
  pipeline?: PipelineState;
  /** The owner named by FindLead, or the new owner of ReassignDeal. */
  rep?: RepState;
  customer?: CustomerState;
  lossReasons: readonly string[];
};

function needed<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`deal decision needs ${what} in its context`);
  return value;
}

function checkMoney(amount: Money, currency: string, what: string): void {
  if (amount.amountMinor <= 0) refuse('AMOUNT_NOT_POSITIVE', `${what}: ${amount.amountMinor}`);
  if (amount.currency !== currency) refuse('CURRENCY_MISMATCH', `${what} is in ${amount.currency}, the deal in ${currency}`);
}

/** A stage a deal may enter: part of the pipeline and not retired. */
function enterableStage(pipeline: PipelineState, stageId: string): void {
  if (pipeline.status !== 'defined') refuse('PIPELINE_NOT_FOUND');
  const stage = findStage(pipeline, stageId);
  if (!stage) refuse('STAGE_NOT_IN_PIPELINE', stageId);
  if (stage?.retired) refuse('STAGE_RETIRED', stageId);
}

function stageIndex(pipeline: PipelineState, stageId: string): number {
  return pipeline.status === 'defined' ? pipeline.stages.findIndex((s) => s.stageId === stageId) : -1;
}

export const dealDecider: Decider<DealState, DealCommand, DealEvent, DealContext> = {
  initialState: { status: 'none' },

  evolve(state, event) {
    if (event.type === 'LeadFound') {
      const d = event.data;
      return {
        status: 'open',
        dealId: d.dealId,
        customerId: d.customerId,
        title: d.title,
        ownerRepId: d.ownerRepId,
        pipelineId: d.pipelineId,
        stageId: d.stageId,
        currency: d.estimatedAmount.currency,
        estimatedAmount: d.estimatedAmount,
        forecastCategory: 'pipeline',
        expectedCloseDate: d.expectedCloseDate,
        offers: 0,
        contractAmount: null,
      };
    }
    if (state.status === 'none') return state;
    switch (event.type) {
      case 'DealMovedToStage':
        return { ...state, stageId: event.data.toStageId };
      case 'OfferMade':
        return { ...state, offers: event.data.round };
      case 'EstimatedAmountChanged':
        return { ...state, estimatedAmount: event.data.amount };
      case 'ForecastCategorySet':
        return { ...state, forecastCategory: event.data.category };
      case 'DealReassigned':
        return { ...state, ownerRepId: event.data.toRepId };
      case 'ContractSigned':
        return { ...state, status: 'won', contractAmount: event.data.amount };
      case 'ContractAmountCorrected':
        return { ...state, contractAmount: event.data.amount };
      case 'DealLost':
        return { ...state, status: 'lost' };
      case 'DealReopened':
        return { ...state, status: 'open', stageId: event.data.stageId, contractAmount: null };
      case 'ExpectedCloseDateChanged':
        return { ...state, expectedCloseDate: event.data.expectedCloseDate };
      case 'ActivityLogged':
      case 'QuoteSent':
        return state;
      default:
        return unreachable(event);
    }
  },

  decide(command, state, context) {
    if (command.type === 'FindLead') {
      if (state.status !== 'none') refuse('DEAL_ALREADY_EXISTS', command.data.dealId);
      const pipeline = needed(context.pipeline, 'the pipeline');
      if (pipeline.status !== 'defined') return refuse('PIPELINE_NOT_FOUND', command.data.pipelineId);
      if (needed(context.customer, 'the customer').status === 'none') refuse('CUSTOMER_NOT_FOUND', command.data.customerId);
      if (!isActiveRep(needed(context.rep, 'the owner'))) refuse('OWNER_NOT_ACTIVE_REP', command.data.ownerRepId);
      const stageId = command.data.stageId ?? activeStages(pipeline)[0]?.stageId ?? refuse('PIPELINE_HAS_NO_STAGES');
      enterableStage(pipeline, stageId);
      return [{ type: 'LeadFound', data: { ...command.data, stageId } }];
    }
    if (state.status === 'none') return refuse('DEAL_NOT_FOUND');

    if (command.type === 'ReopenDeal') {
      if (state.status === 'open') refuse('DEAL_NOT_CLOSED', state.dealId);
      const stageId = command.data.stageId ?? state.stageId;
      enterableStage(needed(context.pipeline, 'the pipeline'), stageId);
      return [{ type: 'DealReopened', data: { reason: command.data.reason, stageId } }];
    }
    if (command.type === 'CorrectContractAmount') {
      if (state.status !== 'won' || !state.contractAmount) return refuse('DEAL_NOT_WON', state.dealId);
      checkMoney(command.data.amount, state.currency, 'the corrected amount');
      if (command.data.amount.amountMinor === state.contractAmount.amountMinor) refuse('AMOUNT_UNCHANGED');
      return [{ type: 'ContractAmountCorrected', data: { ...command.data, previousAmount: state.contractAmount } }];
    }
    // Nothing else happens to a closed deal.
    if (state.status !== 'open') return refuse('DEAL_CLOSED', `${state.dealId} is ${state.status}`);

    switch (command.type) {
      case 'MoveDealToStage': {
        const { stageId, reason } = command.data;
        if (stageId === state.stageId) refuse('DEAL_ALREADY_IN_STAGE', stageId);
        const pipeline = needed(context.pipeline, 'the pipeline');
        enterableStage(pipeline, stageId);
        if (stageIndex(pipeline, stageId) < stageIndex(pipeline, state.stageId) && !reason) {
          refuse('STAGE_MOVE_BACK_NEEDS_REASON', `${state.stageId} → ${stageId}`);
        }
        return [{ type: 'DealMovedToStage', data: { fromStageId: state.stageId, toStageId: stageId, reason } }];
      }
      case 'LogActivity':
        return [{ type: 'ActivityLogged', data: command.data }];
      case 'SendQuote':
        checkMoney(command.data.amount, state.currency, 'the quote');
        return [{ type: 'QuoteSent', data: command.data }];
      case 'MakeOffer': {
        const { discountPercent } = command.data;
        checkMoney(command.data.amount, state.currency, 'the offer');
        if (!(discountPercent >= 0 && discountPercent <= 100)) refuse('DISCOUNT_OUT_OF_RANGE', String(discountPercent));
        return [{ type: 'OfferMade', data: { ...command.data, round: state.offers + 1 } }];
      }
      case 'ChangeEstimatedAmount':
        if (command.data.amount.currency !== state.currency) {
          refuse('CURRENCY_MISMATCH', `the estimate is in ${command.data.amount.currency}, the deal in ${state.currency}`);
        }
        if (command.data.amount.amountMinor === state.estimatedAmount.amountMinor) refuse('AMOUNT_UNCHANGED');
        return [{ type: 'EstimatedAmountChanged', data: command.data }];
      case 'ChangeExpectedCloseDate':
        if (command.data.expectedCloseDate === state.expectedCloseDate) refuse('EXPECTED_CLOSE_DATE_UNCHANGED', state.expectedCloseDate);
        return [{ type: 'ExpectedCloseDateChanged', data: command.data }];
      case 'SetForecastCategory':
        if (command.data.category === state.forecastCategory) refuse('FORECAST_CATEGORY_UNCHANGED', state.forecastCategory);
        return [{ type: 'ForecastCategorySet', data: command.data }];
      case 'ReassignDeal':
        if (command.data.toRepId === state.ownerRepId) refuse('REASSIGN_TO_CURRENT_OWNER', state.ownerRepId);
        if (!isActiveRep(needed(context.rep, 'the new owner'))) refuse('OWNER_NOT_ACTIVE_REP', command.data.toRepId);
        return [{ type: 'DealReassigned', data: { fromRepId: state.ownerRepId, ...command.data } }];
      case 'SignContract':
        checkMoney(command.data.amount, state.currency, 'the contract amount');
        return [{ type: 'ContractSigned', data: { ...command.data, stageId: state.stageId } }];
      case 'MarkDealLost':
        if (!context.lossReasons.includes(command.data.reason)) {
          refuse('LOSS_REASON_UNKNOWN', `"${command.data.reason}"; known: ${context.lossReasons.join(', ')}`);
        }
        return [{ type: 'DealLost', data: { ...command.data, stageId: state.stageId } }];
      default:
        return unreachable(command);
    }
  },
};
