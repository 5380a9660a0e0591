import { z } from 'zod';

export const MAX_PAGE = 500;

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE, `must be at most ${MAX_PAGE}`).default(50),
  cursor: z.string().max(500).optional().describe('opaque: the nextCursor of the previous page'),
});

export class InvalidCursorError extends Error {
  readonly statusCode = 400;
  readonly code = 'INVALID_CURSOR';
  constructor() {
    super('cursor: is not a cursor this API gave out (pass nextCursor unchanged)');
  }
}

type SortKey = string | number;

/**
 * Keyset pagination: items are ordered by (sort key, id) and a cursor holds the last pair seen,
 * so a page never repeats or skips an item because events were appended in between.
 */
export function paginate<T>(items: readonly T[], keyOf: (item: T) => [SortKey, string], page: { limit: number; cursor?: string }) {
  const sorted = [...items].sort((a, b) => compare(keyOf(a), keyOf(b)));
  let start = 0;
  if (page.cursor !== undefined) {
    const after = decode(page.cursor);
    start = sorted.findIndex((item) => compare(keyOf(item), after) > 0);
    if (start === -1) start = sorted.length;
  }
  const slice = sorted.slice(start, start + page.limit);
  const last = slice.at(-1);
  return { items: slice, nextCursor: last !== undefined && start + page.limit < sorted.length ? encode(keyOf(last)) : null };
}

function compare(a: [SortKey, string], b: [SortKey, string]): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

const encode = (key: [SortKey, string]): string => Buffer.from(JSON.stringify(key)).toString('base64url');

function decode(cursor: string): [SortKey, string] {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    if (Array.isArray(key) && key.length === 2 && (typeof key[0] === 'string' || typeof key[0] === 'number') && typeof key[1] === 'string') {
      return [key[0], key[1]];
    }
  } catch {
    // falls through to the refusal below
  }
  throw new InvalidCursorError();
}
