import { refuse } from '../errors.js';
import { unreachable } from '../shared/decider.js';
import type { Decider } from '../shared/decider.js';
import type { CustomerCommand } from './commands.js';
import type { CustomerEvent, CustomerProfile } from './events.js';

type Visit = { repId: string; dueDate: string; completed: boolean };
export type CustomerState =
  | { status: 'none' }
  | { status: 'registered'; customerId: string; name: string; profile: CustomerProfile; visits: Record<string, Visit> };

/**
 * Every field given already holds its value. The values are plain JSON, each parsed by the same
 * schema as the stored one, keys in the schema's order: their JSON text compares them.
 */
function changesNothing(update: Partial<CustomerProfile>, profile: CustomerProfile): boolean {
  return Object.entries(update).every(([field, value]) => JSON.stringify(value) === JSON.stringify(profile[field as keyof CustomerProfile]));
}

export const isValidSatisfactionScore = (score: number): boolean => Number.isInteger(score) && score >= 1 && score <= 5;

/** What a customer command needs from other streams: the rep who is to visit. */
export type CustomerContext = { rep?: { status: string } };

export const customerDecider: Decider<CustomerState, CustomerCommand, CustomerEvent, CustomerContext> = {
  initialState: { status: 'none' },

  evolve(state, event) {
    if (event.type === 'CustomerRegistered') {
      const { customerId, name, ...profile } = event.data;
      return { status: 'registered', customerId, name, profile, visits: {} };
    }
    if (state.status === 'none') return state;
    switch (event.type) {
      case 'FollowUpVisitPlanned': {
        const { visitId, repId, dueDate } = event.data;
        return { ...state, visits: { ...state.visits, [visitId]: { repId, dueDate, completed: false } } };
      }
      case 'FollowUpVisitCompleted': {
        const visit = state.visits[event.data.visitId];
        return visit ? { ...state, visits: { ...state.visits, [event.data.visitId]: { ...visit, completed: true } } } : state;
      }
      case 'CustomerProfileUpdated':
        return { ...state, profile: { ...state.profile, ...event.data } };
      case 'SatisfactionRecorded':
        return state;
      default:
        return unreachable(event);
    }
  },

  decide(command, state, context) {
    if (command.type === 'RegisterCustomer') {
      if (state.status !== 'none') refuse('CUSTOMER_ALREADY_REGISTERED', command.data.customerId);
      return [{ type: 'CustomerRegistered', data: command.data }];
    }
    if (state.status === 'none') return refuse('CUSTOMER_NOT_FOUND');
    switch (command.type) {
      case 'UpdateCustomerProfile':
        if (Object.keys(command.data).length === 0) refuse('PROFILE_UPDATE_EMPTY');
        if (changesNothing(command.data, state.profile)) refuse('PROFILE_UNCHANGED');
        return [{ type: 'CustomerProfileUpdated', data: command.data }];
      case 'PlanFollowUpVisit':
        if (state.visits[command.data.visitId]) refuse('VISIT_ALREADY_PLANNED', command.data.visitId);
        if (context.rep?.status !== 'active') refuse('OWNER_NOT_ACTIVE_REP', command.data.repId);
        return [{ type: 'FollowUpVisitPlanned', data: command.data }];
      case 'CompleteFollowUpVisit': {
        const visit = state.visits[command.data.visitId] ?? refuse('VISIT_NOT_FOUND', command.data.visitId);
        if (visit.completed) refuse('VISIT_ALREADY_COMPLETED', command.data.visitId);
        return [{ type: 'FollowUpVisitCompleted', data: command.data }];
      }
      case 'RecordSatisfaction':
        if (!isValidSatisfactionScore(command.data.score)) refuse('SATISFACTION_SCORE_OUT_OF_RANGE', String(command.data.score));
        return [{ type: 'SatisfactionRecorded', data: command.data }];
      default:
        return unreachable(command);
    }
  },
};
