import { describe, expect, it } from 'vitest';
import { moneySchema } from '../../../src/domain/shared/money.js';

const ruleFor = (amountMinor: number) => moneySchema.safeParse({ amountMinor, currency: 'EUR' }).error?.issues[0]?.message;

describe('an amount of money', () => {
  it('names the rule an amount breaks: whole, not negative, and within the integers a number holds exactly', () => {
    expect(ruleFor(1.5)).toBe('must be a whole number of minor units (cents)');
    expect(ruleFor(-1)).toBe('must not be negative');
    // 2^53 is whole, but past it integers are no longer exact: the rule broken is the bound
    expect(ruleFor(2 ** 53)).toBe('must be at most 9007199254740991 minor units');
    expect(ruleFor(1e300)).toBe('must be at most 9007199254740991 minor units');
    expect(ruleFor(Number.MAX_SAFE_INTEGER)).toBeUndefined();
  });
});
