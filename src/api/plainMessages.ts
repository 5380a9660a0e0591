import type { z } from 'zod';

const counted = (limit: number | bigint, unit: string): string => `${limit} ${unit}${Number(limit) === 1 ? '' : 's'}`;
const bound = (origin: string, limit: number | bigint): string =>
  origin === 'string' ? counted(limit, 'character') : origin === 'array' || origin === 'set' ? counted(limit, 'item') : String(limit);

/**
 * The rules a 400 states, where a schema gives no words of its own, in the words the engine's own
 * rules use ("must be at most 500"), not zod's ("Too big: expected number to be <=500"). Anything
 * else keeps zod's message.
 */
export const plainMessages: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      // A number given where a whole one is due: zod calls the type "int".
      if (issue.expected === 'int') return 'must be a whole number';
      return `must be ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
    case 'invalid_value':
      return issue.values.length === 1 ? `must be ${JSON.stringify(issue.values[0])}` : `must be one of ${issue.values.join(', ')}`;
    case 'too_small':
      if (issue.exact) return `must be exactly ${bound(issue.origin, issue.minimum)}`;
      return issue.inclusive === false ? `must be more than ${bound(issue.origin, issue.minimum)}` : `must be at least ${bound(issue.origin, issue.minimum)}`;
    case 'too_big':
      if (issue.exact) return `must be exactly ${bound(issue.origin, issue.maximum)}`;
      return issue.inclusive === false ? `must be less than ${bound(issue.origin, issue.maximum)}` : `must be at most ${bound(issue.origin, issue.maximum)}`;
    default:
      return undefined;
  }
};
