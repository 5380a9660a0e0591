import { z } from 'zod';
import { refuse } from '../errors.js';
import { unreachable } from '../shared/decider.js';
import type { Decider } from '../shared/decider.js';
import type { CustomerState } from '../customer/decider.js';
import { isValidSatisfactionScore } from '../customer/decider.js';
import type { ComplaintCommand } from './commands.js';
import type { ComplaintEvent, Severity } from './events.js';

export const complaintStatusSchema = z.enum(['raised', 'acknowledged', 'escalated', 'resolved', 'closed', 'reopened']);
export type ComplaintStatus = z.infer<typeof complaintStatusSchema>;
export type ComplaintState =
  | { status: 'none' }
  | {
      status: ComplaintStatus;
      complaintId: string;
      customerId: string;
      dealId: string | null;
      severity: Severity;
      /** Acknowledged since it was raised or last reopened: an escalation may come first, and does not acknowledge it. */
      acknowledged: boolean;
    };

/** The statuses of a complaint still to be dealt with. */
export const OPEN_STATUSES: readonly ComplaintStatus[] = ['raised', 'acknowledged', 'escalated', 'reopened'];

/** Raising a complaint checks the customer, and the deal it names, in their own streams. */
export type ComplaintContext = { customer?: CustomerState; deal?: { status: string; customerId?: string } };

export const complaintDecider: Decider<ComplaintState, ComplaintCommand, ComplaintEvent, ComplaintContext> = {
  initialState: { status: 'none' },

  evolve(state, event) {
    if (event.type === 'ComplaintRaised') {
      const { complaintId, customerId, dealId, severity } = event.data;
      return { status: 'raised', complaintId, customerId, dealId, severity, acknowledged: false };
    }
    if (state.status === 'none') return state;
    switch (event.type) {
      case 'ComplaintAcknowledged':
        return { ...state, status: 'acknowledged', acknowledged: true };
      case 'ComplaintEscalated':
        return { ...state, status: 'escalated' };
      case 'ComplaintResolved':
        return { ...state, status: 'resolved' };
      case 'ComplaintClosed':
        return { ...state, status: 'closed' };
      case 'ComplaintReopened':
        return { ...state, status: 'reopened', acknowledged: false };
      default:
        return unreachable(event);
    }
  },

  decide(command, state, context) {
    if (command.type === 'RaiseComplaint') {
      if (state.status !== 'none') refuse('COMPLAINT_ALREADY_RAISED', command.data.complaintId);
      if (context.customer?.status !== 'registered') refuse('CUSTOMER_NOT_FOUND', command.data.customerId);
      if (command.data.dealId !== null) {
        if (!context.deal || context.deal.status === 'none') refuse('DEAL_NOT_FOUND', command.data.dealId);
        if (context.deal?.customerId !== command.data.customerId) refuse('DEAL_OF_OTHER_CUSTOMER', command.data.dealId);
      }
      return [{ type: 'ComplaintRaised', data: command.data }];
    }
    if (state.status === 'none') return refuse('COMPLAINT_NOT_FOUND');
    const isOpen = OPEN_STATUSES.includes(state.status);
    switch (command.type) {
      case 'AcknowledgeComplaint':
        if (!isOpen) refuse('COMPLAINT_NOT_OPEN', state.status);
        if (state.acknowledged) refuse('COMPLAINT_ALREADY_ACKNOWLEDGED');
        return [{ type: 'ComplaintAcknowledged', data: command.data }];
      case 'EscalateComplaint':
        if (!isOpen) refuse('COMPLAINT_NOT_OPEN', state.status);
        return [{ type: 'ComplaintEscalated', data: command.data }];
      case 'ResolveComplaint':
        if (!isOpen) refuse('COMPLAINT_NOT_OPEN', state.status);
        return [{ type: 'ComplaintResolved', data: command.data }];
      case 'CloseComplaint': {
        if (state.status !== 'resolved') refuse('COMPLAINT_NOT_RESOLVED', state.status);
        const score = command.data.satisfactionScore;
        if (score !== null && !isValidSatisfactionScore(score)) refuse('SATISFACTION_SCORE_OUT_OF_RANGE', String(score));
        return [{ type: 'ComplaintClosed', data: command.data }];
      }
      case 'ReopenComplaint':
        if (state.status !== 'resolved' && state.status !== 'closed') refuse('COMPLAINT_NOT_REOPENABLE', state.status);
        return [{ type: 'ComplaintReopened', data: command.data }];
      default:
        return unreachable(command);
    }
  },
};
