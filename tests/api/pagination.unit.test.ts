import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidCursorError, orderBy, pageQuery, paginate, sortQuery } from '../../src/api/pagination.js';

type Item = { id: string; score: number; name: string };
const keys = { score: (i: Item) => i.score, name: (i: Item) => i.name };
const anItem = fc.record({ id: fc.string({ minLength: 1, maxLength: 4 }), score: fc.integer({ min: 0, max: 5 }), name: fc.constantFrom('a', 'b', 'c') });
const items = fc.uniqueArray(anItem, { selector: (i) => i.id, maxLength: 40 });
const sorts = fc.constantFrom('score', '-score', 'name', '-name') as fc.Arbitrary<'score' | '-score' | 'name' | '-name'>;

/** Every page of a list, following nextCursor, with `between` run before each page after the first. */
function allPages(list: Item[], sort: 'score' | '-score' | 'name' | '-name', limit: number, between: (page: number) => void = () => {}) {
  const seen: Item[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 1_000; page++) {
    if (page > 0) between(page);
    const answer = paginate('items', list, (i) => i.id, orderBy(sort, keys), { limit, cursor });
    expect(answer.items.length).toBeLessThanOrEqual(limit);
    seen.push(...answer.items);
    if (answer.nextCursor === null) return seen;
    cursor = answer.nextCursor;
  }
  throw new Error('the pages never ended');
}

describe('cursor pagination', () => {
  it('pages through the whole list in the order asked for, each item once', () => {
    fc.assert(
      fc.property(items, sorts, fc.integer({ min: 1, max: 7 }), (list, sort, limit) => {
        // given a list, when it is read a page at a time
        const seen = allPages(list, sort, limit);
        // then the pages together are the list sorted by the key (ties by id), ascending or descending
        const sign = sort.startsWith('-') ? -1 : 1;
        const key = keys[sort.replace('-', '') as 'score' | 'name'];
        const expected = [...list].sort((a, b) => sign * (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        expect(seen).toEqual(expected);
      }),
    );
  });

  it('neither repeats nor skips an item when items are added between pages', () => {
    fc.assert(
      fc.property(items, fc.array(anItem, { maxLength: 10 }), sorts, fc.integer({ min: 1, max: 5 }), (list, added, sort, limit) => {
        // given a list that grows while it is being paged through
        const original = [...list];
        const live = [...list];
        const fresh = added.filter((a) => !list.some((i) => i.id === a.id));
        const seen = allPages(live, sort, limit, (page) => {
          const next = fresh[page - 1];
          if (next && !live.some((i) => i.id === next.id)) live.push(next);
        });
        // then every item there from the start is seen exactly once, and nothing twice
        const ids = seen.map((i) => i.id);
        expect(new Set(ids).size).toBe(ids.length);
        for (const item of original) expect(ids).toContain(item.id);
      }),
    );
  });

  it('refuses a cursor it did not give out, or one given for another order', () => {
    const list: Item[] = [1, 2, 3].map((n) => ({ id: `i${n}`, score: n, name: 'a' }));
    const first = paginate('items', list, (i) => i.id, orderBy('score', keys), { limit: 1 });
    expect(first.nextCursor).not.toBeNull();
    expect(() => paginate('items', list, (i) => i.id, orderBy('-score', keys), { limit: 1, cursor: first.nextCursor ?? '' })).toThrow(
      new InvalidCursorError('was given for sort=score, not sort=-score; start again without a cursor'),
    );
    expect(() => paginate('items', list, (i) => i.id, orderBy('score', keys), { limit: 1, cursor: 'not-a-cursor' })).toThrow(InvalidCursorError);
    // and a hand-made cursor whose key is text where the order's keys are numbers
    const forged = Buffer.from(JSON.stringify(['2', 'i2', 'score', 'items'])).toString('base64url');
    expect(() => paginate('items', list, (i) => i.id, orderBy('score', keys), { limit: 1, cursor: forged })).toThrow(InvalidCursorError);
    // and one longer than any it gives out
    expect(() => paginate('items', list, (i) => i.id, orderBy('score', keys), { limit: 1, cursor: 'a'.repeat(2001) })).toThrow(
      new InvalidCursorError('is longer than any cursor this API gives out (2000 characters)'),
    );
  });

  it("refuses another list's cursor, even under an order of the same name: its place means nothing there", () => {
    // given a cursor of one list (the customers, by name)
    const list: Item[] = [1, 2, 3].map((n) => ({ id: `i${n}`, score: n, name: `n${n}` }));
    const { nextCursor } = paginate('customers', list, (i) => i.id, orderBy('name', keys), { limit: 1 });
    // when it is sent to another (the reps, by name), then it is refused, saying why
    expect(() => paginate('reps', list, (i) => i.id, orderBy('name', keys), { limit: 1, cursor: nextCursor ?? '' })).toThrow(
      new InvalidCursorError('was given for another list; pass each list its own nextCursor, or start again without one'),
    );
  });

  it('gives out cursors that its own query accepts back, whatever the key: 200 characters of any script, quotes included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 200, maxLength: 200 }), fc.string({ minLength: 64, maxLength: 64 }), (name, id) => {
        // given a page of two items whose keys are as long as a name may be
        const items = [{ id, name, score: 0 }, { id: `${id}x`, name, score: 0 }];
        const { nextCursor } = paginate('items', items, (i) => i.id, orderBy('-name', keys), { limit: 1 });
        // then the cursor passes the query's own rules, and leads to the second item
        const query = pageQuery.parse({ limit: '1', cursor: nextCursor });
        expect(paginate('items', items, (i) => i.id, orderBy('-name', keys), query).items).toEqual([items[0]]);
      }),
      { numRuns: 200 },
    );
  });

  it("offers each key ascending and, with a leading '-', descending; the first key ascending by default", () => {
    const sort = sortQuery(['name', 'score']);
    expect(sort.parse(undefined)).toBe('name');
    expect(sort.parse('-score')).toBe('-score');
    expect(sort.safeParse('size').success).toBe(false);
  });
});
