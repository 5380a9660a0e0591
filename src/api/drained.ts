import type { Writable } from 'node:stream';

/**
 * Resolves when `stream` drains or closes, whichever comes first, and leaves no listener behind:
 * a live feed to a slow reader waits here once per full buffer, for as long as it stays open.
 */
export function drainedOrClosed(stream: Writable): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.once('drain', done);
    stream.once('close', done);
  });
}
