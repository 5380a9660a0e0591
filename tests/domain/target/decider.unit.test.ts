import { describe, expect, it } from 'vitest';
import { targetDecider, targetKey } from '../../../src/domain/target/decider.js';
import type { TargetState } from '../../../src/domain/target/decider.js';
import type { TargetEvent } from '../../../src/domain/target/events.js';
import { specFor } from '../../support/deciderSpec.js';

const spec = specFor(targetDecider);
const q3 = {
  targetId: 't1',
  period: '2026-Q3',
  metric: 'revenue' as const,
  scope: { kind: 'team' as const, id: 'north' },
  amount: 1_000_000_00,
  currency: 'EUR',
  parentTargetId: null,
};
const set: TargetEvent = { type: 'TargetSet', data: q3 };
const parent: TargetState = { status: 'active', ...q3, targetId: 'company', scope: { kind: 'org', id: null } };

describe('target', () => {
  it('is set for a period, metric and scope', () => {
    spec.given().when({ type: 'SetTarget', data: q3 }, {}).then([set]);
  });

  it.each([0, -5, 10.5])('refuses an amount of %s', (amount) => {
    spec.given().when({ type: 'SetTarget', data: { ...q3, amount } }, {}).thenThrows('TARGET_AMOUNT_NOT_POSITIVE');
  });

  it('needs a currency for revenue and none for counts', () => {
    spec.given().when({ type: 'SetTarget', data: { ...q3, currency: null } }, {}).thenThrows('TARGET_CURRENCY_REQUIRED');
    spec.given().when({ type: 'SetTarget', data: { ...q3, metric: 'wonDeals', amount: 12 } }, {}).thenThrows('TARGET_CURRENCY_NOT_ALLOWED');
  });

  it('names the scope, except for the whole org', () => {
    spec.given().when({ type: 'SetTarget', data: { ...q3, scope: { kind: 'rep', id: null } } }, {}).thenThrows('TARGET_SCOPE_ID_REQUIRED');
    spec.given().when({ type: 'SetTarget', data: { ...q3, scope: { kind: 'org', id: 'x' } } }, {}).thenThrows('TARGET_SCOPE_ID_NOT_ALLOWED');
  });

  it('refuses a second target under the same id', () => {
    spec.given([set]).when({ type: 'SetTarget', data: q3 }, {}).thenThrows('TARGET_ALREADY_EXISTS');
  });

  describe('as the child of a parent target', () => {
    const child = { ...q3, parentTargetId: 'company', period: '2026-08' };

    it('lies within the parent period and measures the same', () => {
      spec.given().when({ type: 'SetTarget', data: child }, { parent: { ...parent, period: '2026-Q3' } }).then([{ type: 'TargetSet', data: child }]);
    });

    it('refuses a period outside the parent', () => {
      spec.given().when({ type: 'SetTarget', data: { ...child, period: '2026-10' } }, { parent }).thenThrows('TARGET_PERIOD_OUTSIDE_PARENT');
      spec.given().when({ type: 'SetTarget', data: { ...child, period: '2026' } }, { parent }).thenThrows('TARGET_PERIOD_OUTSIDE_PARENT');
    });

    it('refuses another metric or currency than the parent', () => {
      spec.given().when({ type: 'SetTarget', data: { ...child, currency: 'USD' } }, { parent }).thenThrows('TARGET_METRIC_MISMATCH');
    });

    it('refuses a missing or withdrawn parent', () => {
      spec.given().when({ type: 'SetTarget', data: child }, { parent: { status: 'none' } }).thenThrows('PARENT_TARGET_NOT_FOUND');
      spec.given().when({ type: 'SetTarget', data: child }, { parent: { ...parent, status: 'withdrawn' } }).thenThrows('PARENT_TARGET_WITHDRAWN');
    });
  });

  it('is adjusted mid-period with a reason, keeping the previous amount', () => {
    spec.given([set]).when({ type: 'AdjustTarget', data: { amount: 1_200_000_00, reason: 'new product launch' } }, {}).then([
      { type: 'TargetAdjusted', data: { amount: 1_200_000_00, previousAmount: 1_000_000_00, reason: 'new product launch' } },
    ]);
    spec.given([set]).when({ type: 'AdjustTarget', data: { amount: 1_000_000_00, reason: 'x' } }, {}).thenThrows('AMOUNT_UNCHANGED');
    spec.given([set]).when({ type: 'AdjustTarget', data: { amount: -1, reason: 'x' } }, {}).thenThrows('TARGET_AMOUNT_NOT_POSITIVE');
  });

  it('refuses changes once withdrawn, or before it is set', () => {
    const withdrawn: TargetEvent = { type: 'TargetWithdrawn', data: { reason: 'reorganisation' } };
    spec.given([set, withdrawn]).when({ type: 'AdjustTarget', data: { amount: 5, reason: 'x' } }, {}).thenThrows('TARGET_WITHDRAWN');
    spec.given().when({ type: 'WithdrawTarget', data: { reason: 'x' } }, {}).thenThrows('TARGET_NOT_FOUND');
  });

  it('keys targets by period, metric and scope', () => {
    expect(targetKey(q3)).toBe('2026-Q3|revenue|team|north');
    expect(targetKey({ ...q3, scope: { kind: 'org', id: null } })).toBe('2026-Q3|revenue|org|');
  });
});
