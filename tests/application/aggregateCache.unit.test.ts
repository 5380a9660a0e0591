import { describe, expect, it } from 'vitest';
import { AggregateCache, keyedAt } from '../../src/application/aggregateCache.js';
import type { Loaded } from '../../src/application/aggregateCache.js';

const at = (version: number): Loaded<string> => ({ state: `v${version}`, version, lastOccurredAt: null, last: { streamVersion: version, position: BigInt(version), events: [] }, keyed: new Map() });

describe('the cache of folded streams', () => {
  it('evicts the least recently used stream beyond its capacity', () => {
    const cache = new AggregateCache(2);
    cache.set('a', at(0));
    cache.set('b', at(0));
    cache.get('a');
    cache.set('c', at(0));
    expect([cache.get('a')?.state, cache.get('b'), cache.get('c')?.state]).toEqual(['v0', undefined, 'v0']);
  });

  it('keeps the newer of two folds of a stream, and forgets it once a fold of its version is found stale', () => {
    const cache = new AggregateCache(10);
    const newer = at(5);
    cache.set('a', newer);
    cache.set('a', at(3));
    expect(cache.get('a')).toBe(newer);
    cache.forget('a', at(4));
    expect(cache.get('a')).toBe(newer);
    // Another fold at version 5 lost an append: the kept one, at the same version, is as stale.
    cache.forget('a', at(5));
    expect(cache.get('a')).toBeUndefined();
  });

  it('keeps nothing with no capacity', () => {
    const cache = new AggregateCache(0);
    cache.set('a', at(0));
    expect(cache.get('a')).toBeUndefined();
  });
});

describe('keyedAt', () => {
  const answerAt = (streamVersion: number) => ({ hashes: ['h'], answer: { streamVersion, position: BigInt(streamVersion + 10), events: [] } });

  it('given a key written at version 5, when a fold of version 4 asks for it, then it is not there; a fold of version 5 or later finds it', () => {
    // one map for the folds of a stream that follow from each other by writes
    const keyed = new Map([['ann\u0000k-1', answerAt(5)]]);

    expect(keyedAt({ keyed, version: 4 }, 'ann\u0000k-1')).toBeUndefined();
    expect(keyedAt({ keyed, version: 5 }, 'ann\u0000k-1')).toEqual(answerAt(5));
    expect(keyedAt({ keyed, version: 9 }, 'ann\u0000k-1')).toEqual(answerAt(5));
    expect(keyedAt({ keyed, version: null }, 'ann\u0000k-1')).toBeUndefined();
    expect(keyedAt({ keyed, version: 9 }, 'bo\u0000k-1')).toBeUndefined();
  });
});
