import type { CustomerState } from '../../src/domain/customer/decider.js';
import type { DealEvent } from '../../src/domain/deal/events.js';
import type { RepState } from '../../src/domain/organisation/decider.js';
import { pipelineDecider, standardPipeline } from '../../src/domain/pipeline/decider.js';
import type { PipelineState } from '../../src/domain/pipeline/decider.js';
import type { PipelineEvent } from '../../src/domain/pipeline/events.js';
import { DEFAULT_LOSS_REASONS } from '../../src/domain/deal/commands.js';

export const eur = (amountMinor: number) => ({ amountMinor, currency: 'EUR' });

export const standardDefined: PipelineEvent = { type: 'PipelineDefined', data: { ...standardPipeline, stages: [...standardPipeline.stages] } };

export function pipelineAfter(...events: PipelineEvent[]): PipelineState {
  return [standardDefined, ...events].reduce(pipelineDecider.evolve, pipelineDecider.initialState);
}

export const activeRep = { status: 'active', repId: 'rep-ann', name: 'Ann', role: 'rep', teamId: null } satisfies RepState;
export const departedRep = { ...activeRep, status: 'departed' } satisfies RepState;
export const registeredCustomer: CustomerState = {
  status: 'registered',
  customerId: 'acme',
  name: 'Acme',
  profile: { segment: 'enterprise', industry: 'logistics', region: 'north', acquisitionChannel: 'referral', contact: { person: null, email: null, phone: null } },
  visits: {},
};

export const leadFound = (overrides: Partial<Extract<DealEvent, { type: 'LeadFound' }>['data']> = {}): DealEvent => ({
  type: 'LeadFound',
  data: {
    dealId: 'd1',
    customerId: 'acme',
    title: 'Fleet renewal',
    ownerRepId: 'ann',
    pipelineId: 'standard',
    stageId: 'lead',
    channel: 'referral',
    productLine: 'vehicles',
    product: 'van',
    region: 'north',
    estimatedAmount: eur(100_000),
    expectedCloseDate: '2026-09-30',
    ...overrides,
  },
});

export const dealContext = { pipeline: pipelineAfter(), lossReasons: DEFAULT_LOSS_REASONS };
