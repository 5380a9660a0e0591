import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { drainedOrClosed } from '../../src/api/drained.js';

/** A stream that takes one byte at a time, when told to. */
function aSlowReader() {
  const pending: (() => void)[] = [];
  const stream = new Writable({ highWaterMark: 4, write: (_chunk, _encoding, callback) => void pending.push(callback) });
  return { stream, readOne: () => pending.shift()?.() };
}

describe('drainedOrClosed', () => {
  it('waits for a full buffer to drain as often as needed, leaving no listener behind', async () => {
    // given a slow reader, and the listeners it has of its own
    const { stream, readOne } = aSlowReader();
    const closeListeners = stream.listenerCount('close');
    // when the buffer fills and drains 20 times
    for (let round = 0; round < 20; round++) {
      expect(stream.write('12345')).toBe(false);
      const waiting = drainedOrClosed(stream);
      readOne();
      await waiting;
    }
    // then no drain or close listener of these waits is left
    expect(stream.listenerCount('close')).toBe(closeListeners);
    expect(stream.listenerCount('drain')).toBe(0);
  });

  it('ends the wait when the reader goes away instead of draining', async () => {
    const { stream } = aSlowReader();
    stream.write('12345');
    const waiting = drainedOrClosed(stream);
    stream.destroy();
    await expect(waiting).resolves.toBeUndefined();
  });
});
