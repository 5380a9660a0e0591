import { refuse } from '../errors.js';
import { unreachable } from '../shared/decider.js';
import type { Decider } from '../shared/decider.js';
import { periodContains } from '../shared/period.js';
import type { z } from 'zod';
import type { TargetCommand } from './commands.js';
import type { TargetEvent, targetSetSchema } from './events.js';

type TargetFacts = z.infer<typeof targetSetSchema>;
export type TargetState = { status: 'none' } | ({ status: 'active' | 'withdrawn' } & TargetFacts);

/** Setting a child target checks its parent, read from the parent's stream. */
export type TargetContext = { parent?: TargetState };

/** The key that at most one active target holds (DESIGN.md §1: one per period, metric and scope). */
export function targetKey(target: Pick<TargetFacts, 'period' | 'metric' | 'scope'>): string {
  return [target.period, target.metric, target.scope.kind, target.scope.id ?? ''].join('|');
}

function checkAmount(amount: number): void {
  if (!Number.isInteger(amount) || amount <= 0) refuse('TARGET_AMOUNT_NOT_POSITIVE', String(amount));
}

export const targetDecider: Decider<TargetState, TargetCommand, TargetEvent, TargetContext> = {
  initialState: { status: 'none' },

  evolve(state, event) {
    if (event.type === 'TargetSet') return { status: 'active', ...event.data };
    if (state.status === 'none') return state;
    switch (event.type) {
      case 'TargetAdjusted':
        return { ...state, amount: event.data.amount };
      case 'TargetWithdrawn':
        return { ...state, status: 'withdrawn' };
      default:
        return unreachable(event);
    }
  },

  decide(command, state, context) {
    if (command.type === 'SetTarget') {
      const target = command.data;
      if (state.status !== 'none') refuse('TARGET_ALREADY_EXISTS', target.targetId);
      checkAmount(target.amount);
      if (target.metric === 'revenue' && target.currency === null) refuse('TARGET_CURRENCY_REQUIRED');
      if (target.metric !== 'revenue' && target.currency !== null) refuse('TARGET_CURRENCY_NOT_ALLOWED', target.metric);
      if (target.scope.kind === 'org' && target.scope.id !== null) refuse('TARGET_SCOPE_ID_NOT_ALLOWED');
      if (target.scope.kind !== 'org' && target.scope.id === null) refuse('TARGET_SCOPE_ID_REQUIRED', target.scope.kind);
      if (target.parentTargetId !== null) {
        const parent = context.parent;
        if (!parent || parent.status === 'none') return refuse('PARENT_TARGET_NOT_FOUND', target.parentTargetId);
        if (parent.status === 'withdrawn') refuse('PARENT_TARGET_WITHDRAWN', target.parentTargetId);
        if (parent.metric !== target.metric || parent.currency !== target.currency) {
          refuse('TARGET_METRIC_MISMATCH', `parent measures ${parent.metric}${parent.currency ? ` in ${parent.currency}` : ''}`);
        }
        if (!periodContains(parent.period, target.period)) refuse('TARGET_PERIOD_OUTSIDE_PARENT', `${target.period} is not within ${parent.period}`);
      }
      return [{ type: 'TargetSet', data: target }];
    }
    if (state.status === 'none') return refuse('TARGET_NOT_FOUND');
    if (state.status === 'withdrawn') return refuse('TARGET_WITHDRAWN', state.targetId);
    switch (command.type) {
      case 'AdjustTarget':
        checkAmount(command.data.amount);
        if (command.data.amount === state.amount) refuse('AMOUNT_UNCHANGED');
        return [{ type: 'TargetAdjusted', data: { ...command.data, previousAmount: state.amount } }];
      case 'WithdrawTarget':
        return [{ type: 'TargetWithdrawn', data: command.data }];
      default:
        return unreachable(command);
    }
  },
};
