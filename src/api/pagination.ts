import { Heap } from '@datastructures-js/heap';
import { z } from 'zod';

export const MAX_PAGE = 500;

/**
 * A page size as a query gives it: decimal digits only. Coerced by Number(), `0x10`, `1e1`, ` 5`
 * and `5.0` were taken too, each a way of writing a number the API never documented.
 */
export const pageSizeQuery = (max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number in decimal digits')
    .transform(Number)
    .pipe(z.number().int().min(1).max(max, `must be at most ${max}`))
    .prefault(String(fallback))
    .describe(`how many, 1 to ${max}; ${fallback} when absent`);

export const pageQuery = z.object({
  limit: pageSizeQuery(MAX_PAGE, 50),
  cursor: z.string().optional().describe('opaque: the nextCursor of the previous page'),
});

export class InvalidCursorError extends Error {
  readonly statusCode = 400;
  readonly code = 'INVALID_CURSOR';
  constructor(detail = 'is not a cursor this API gave out (pass nextCursor unchanged)') {
    super(`cursor: ${detail}`);
  }
}

type SortKey = string | number;

/** The order of a list, named as its `sort` value: by a key, ties broken by id, both ascending unless `descending`. */
export type Order<T> = { name: string; keyOf: (item: T) => SortKey; descending?: boolean };

/**
 * A list's `sort` parameter: each sort key ascending, or descending with a leading '-'; the first
 * one is the default.
 */
export function sortQuery<const Key extends string>(keys: readonly [Key, ...Key[]]) {
  type Sort = Key | `-${Key}`;
  const values = keys.flatMap((key): Sort[] => [key, `-${key}`]) as [Sort, ...Sort[]];
  // Typed by what it yields: zod's enum type cannot be resolved for a generic key.
  const sort: z.ZodType<Sort> = z.enum(values);
  return sort.default(keys[0]).describe(`the order: ${keys.join(', ')}; descending with a leading '-'`);
}

/** The order a `sort` value names, given each sort key's value for an item. */
export function orderBy<T, Key extends string>(sort: Key | `-${Key}`, keys: Record<Key, (item: T) => SortKey>): Order<T> {
  const descending = sort.startsWith('-');
  const name = (descending ? sort.slice(1) : sort) as Key;
  return { name: sort, keyOf: keys[name], descending };
}

/**
 * Keyset pagination: items are ordered by (sort key, id) and a cursor holds the last pair seen,
 * so items added in between, or whose place did not change, are neither repeated nor skipped.
 * An item whose sort key (or filtered field) changed between pages is placed by its new value:
 * it may be seen twice or not at all; the same `knownAt` on every page reads one unmoving state.
 * A cursor names its list and its order, and is refused by another list or under another order:
 * its position would mean nothing there (a customer's name as the place in the reps, a version of
 * one deal's timeline in another's).
 *
 * A page is the `limit` first items after the cursor, kept in a heap of limit + 1 during one pass
 * (n log limit) rather than by sorting the whole list for every page; an item's id (read from a
 * text column) is only looked at when its key ties with another's.
 */
export function paginate<T>(list: string, items: readonly T[], idOf: (item: T) => string, order: Order<T>, page: { limit: number; cursor?: string }) {
  type Entry = { item: T; key: SortKey; id?: string };
  const sign = order.descending ? -1 : 1;
  const id = (entry: Entry): string => (entry.id ??= idOf(entry.item));
  const compare = (a: Entry, b: Entry): number => sign * (a.key !== b.key ? (a.key < b.key ? -1 : 1) : compareIds(id(a), id(b)));
  const after = page.cursor === undefined ? null : decode(page.cursor, list, order.name);
  // A key of another type than the order's would compare as no key does: the cursor was not given out for this list.
  const first = items[0];
  if (after !== null && first !== undefined && typeof after[0] !== typeof order.keyOf(first)) throw new InvalidCursorError();
  const isAfterCursor = (e: Entry): boolean => after === null || sign * (e.key !== after[0] ? (e.key < after[0] ? -1 : 1) : compareIds(id(e), after[1])) > 0;

  // The first limit + 1 entries (one more tells whether a next page exists); the root is the last of them.
  const wanted = page.limit + 1;
  const kept = new Heap<Entry>((a, b) => compare(b, a));
  // Lists hold things in the order they happened, so newest-first pages read them from the end:
  // then most items are turned away by the root at once instead of each replacing it.
  for (let i = 0; i < items.length; i++) {
    const item = items[order.descending ? items.length - 1 - i : i] as T;
    const entry: Entry = { item, key: order.keyOf(item) };
    if (!isAfterCursor(entry)) continue;
    if (kept.size() < wanted) kept.push(entry);
    else if (compare(entry, kept.root() as Entry) < 0) {
      kept.pop();
      kept.push(entry);
    }
  }
  const inOrder = kept.toArray().sort(compare);
  const slice = inOrder.slice(0, page.limit);
  const last = slice.at(-1);
  return { items: slice.map((entry) => entry.item), nextCursor: last !== undefined && inOrder.length > page.limit ? encode([last.key, id(last)], list, order.name) : null };
}

const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const encode = (key: [SortKey, string], list: string, sort: string): string => Buffer.from(JSON.stringify([...key, sort, list])).toString('base64url');

/** Longer than any cursor given out: an id or a sort key is at most a few hundred characters. */
const MAX_CURSOR_LENGTH = 2000;

function decode(cursor: string, list: string, sort: string): [SortKey, string] {
  if (cursor.length > MAX_CURSOR_LENGTH) throw new InvalidCursorError(`is longer than any cursor this API gives out (${MAX_CURSOR_LENGTH} characters)`);
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString());
  } catch {
    throw new InvalidCursorError();
  }
  if (!Array.isArray(key) || key.length !== 4 || (typeof key[0] !== 'string' && typeof key[0] !== 'number') || typeof key[1] !== 'string' || typeof key[2] !== 'string') {
    throw new InvalidCursorError();
  }
  if (key[3] !== list) throw new InvalidCursorError('was given for another list; pass each list its own nextCursor, or start again without one');
  if (key[2] !== sort) throw new InvalidCursorError(`was given for sort=${key[2]}, not sort=${sort}; start again without a cursor`);
  return [key[0], key[1]];
}
