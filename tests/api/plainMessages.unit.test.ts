import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { plainMessages } from '../../src/api/plainMessages.js';

const ruleOf = (schema: z.ZodType, value: unknown): string | undefined => schema.safeParse(value, { error: plainMessages }).error?.issues[0]?.message;

describe('the rules a 400 states where a schema has no words of its own', () => {
  it('say what a value must be, in the engine words, for each kind of rule', () => {
    expect(ruleOf(z.object({ name: z.string() }), {})).toBe('is required');
    expect(ruleOf(z.string(), 5)).toBe('must be a string');
    expect(ruleOf(z.array(z.number()), 'x')).toBe('must be an array');
    expect(ruleOf(z.enum(['open', 'won', 'lost']), 'closed')).toBe('must be one of open, won, lost');
    expect(ruleOf(z.literal('ok'), 'no')).toBe('must be "ok"');
    expect(ruleOf(z.number().int().min(1), 0)).toBe('must be at least 1');
    expect(ruleOf(z.number().positive(), 0)).toBe('must be more than 0');
    expect(ruleOf(z.number().max(500), 501)).toBe('must be at most 500');
    expect(ruleOf(z.number().lt(10), 10)).toBe('must be less than 10');
    expect(ruleOf(z.string().max(3), 'abcd')).toBe('must be at most 3 characters');
    expect(ruleOf(z.array(z.string()).min(1), [])).toBe('must be at least 1 item');
    expect(ruleOf(z.array(z.string()).max(2), ['a', 'b', 'c'])).toBe('must be at most 2 items');
    expect(ruleOf(z.string().length(2), 'abc')).toBe('must be exactly 2 characters');
    expect(ruleOf(z.number().int(), 1.5)).toBe('must be a whole number');
    expect(ruleOf(z.number().int(), 2 ** 53)).toBe('must be at most 9007199254740991');
  });

  it("leave a schema's own words, and the rules they do not cover, as they are", () => {
    expect(ruleOf(z.number().min(1, 'must be one or more'), 0)).toBe('must be one or more');
    expect(ruleOf(z.email(), 'nope')).toBe('Invalid email address');
  });
});
