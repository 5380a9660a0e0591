import { describe, expect, it } from 'vitest';
import { AnswerCache } from '../../src/projections/answerCache.js';

const TTL = 1000;

/** Counts the computations, so that a test sees whether an answer was reused. */
function counted() {
  let computed = 0;
  return { compute: (value: string) => () => Promise.resolve(`${value}#${++computed}`), computed: () => computed };
}

describe('AnswerCache', () => {
  it('given a fresh answer, when the same key is asked again within the time to live, then it is reused', async () => {
    const cache = new AnswerCache(TTL, 10);
    const { compute, computed } = counted();

    const first = await cache.answer('funnel|7', 0, compute('a'));
    const again = await cache.answer('funnel|7', TTL - 1, compute('a'));

    expect(again).toBe(first);
    expect(computed()).toBe(1);
  });

  it('given an answer past its time to live, when the key is asked again, then it is computed anew', async () => {
    const cache = new AnswerCache(TTL, 10);
    const { compute, computed } = counted();

    await cache.answer('funnel|7', 0, compute('a'));
    const later = await cache.answer('funnel|7', TTL, compute('a'));

    expect(later).toBe('a#2');
    expect(computed()).toBe(2);
    expect(cache.size).toBe(1);
  });

  it('given answers at log positions that moved on, when time passes, then the expired ones are dropped though the count cap is far', async () => {
    // A dashboard polling once a second while events are appended: every poll is a new key.
    const cache = new AnswerCache(TTL, 256);
    const { compute } = counted();

    for (let second = 0; second < 100; second++) await cache.answer(`funnel|${second}|explain`, second * 1000, compute('poll'));

    expect(cache.size).toBe(1);
  });

  it('given answers within the time to live, when more keys come than the cap, then the oldest go first', async () => {
    const cache = new AnswerCache(TTL, 2);
    const { compute, computed } = counted();

    await cache.answer('a', 0, compute('a'));
    await cache.answer('b', 1, compute('b'));
    await cache.answer('c', 2, compute('c'));
    await cache.answer('b', 3, compute('b'));
    await cache.answer('a', 4, compute('a'));

    expect(cache.size).toBe(2);
    expect(computed()).toBe(4);
  });

  it('given a key recomputed after it expired, when later keys expire, then the sweep still finds them behind it', async () => {
    const cache = new AnswerCache(TTL, 10);
    const { compute } = counted();

    await cache.answer('a', 0, compute('a'));
    await cache.answer('b', 500, compute('b'));
    await cache.answer('a', 1200, compute('a'));
    await cache.answer('c', 1600, compute('c'));

    // b (500) expired at 1500; a was recomputed at 1200 and is fresh until 2200.
    expect(cache.size).toBe(2);
    expect(await cache.answer('a', 2100, () => Promise.resolve('not reused'))).toBe('a#3');
  });

  it('given a computation that fails, when the key is asked again, then it is computed again rather than the failure served', async () => {
    const cache = new AnswerCache(TTL, 10);

    await expect(cache.answer('x', 0, () => Promise.reject(new Error('store gone')))).rejects.toThrow('store gone');
    await Promise.resolve();

    expect(await cache.answer('x', 1, () => Promise.resolve('ok'))).toBe('ok');
    expect(cache.size).toBe(1);
  });

  it('given a failed answer already replaced by a newer one, when the failure settles, then the newer one stays', async () => {
    const cache = new AnswerCache(TTL, 10);
    let fail: (error: Error) => void = () => undefined;
    const failing = cache.answer('x', 0, () => new Promise<string>((_, reject) => (fail = reject)));

    const newer = cache.answer('x', TTL, () => Promise.resolve('newer'));
    fail(new Error('late'));
    await expect(failing).rejects.toThrow('late');

    expect(cache.size).toBe(1);
    expect(await cache.answer('x', TTL + 1, () => Promise.resolve('not reused'))).toBe(await newer);
  });
});
