import { describe, expect, it } from 'vitest';
import { WalSync } from '../../src/eventstore/sqlite/walSync.js';
import type { SyncFile } from '../../src/eventstore/sqlite/walSync.js';

/** A disk whose syncs finish when the test says so. */
function aControlledDisk() {
  const calls: ((error: Error | null) => void)[] = [];
  const sync: SyncFile = (done) => calls.push(done);
  return {
    sync,
    get syncs() {
      return calls.length;
    },
    finish: (index: number, error: Error | null = null) => calls[index]?.(error),
  };
}

const settledYet = async (promise: Promise<unknown>): Promise<boolean> => {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return settled;
};

describe('WalSync', () => {
  it('acknowledges a commit only once the sync that started after it has finished', async () => {
    const disk = aControlledDisk();
    const wal = new WalSync(disk.sync);

    const first = wal.committed(1);

    expect(disk.syncs).toBe(1);
    expect(await settledYet(first)).toBe(false);
    expect(wal.unsyncedFrom).toBe(1);
    disk.finish(0);
    await expect(first).resolves.toBeUndefined();
    expect(wal.unsyncedFrom).toBe(Number.POSITIVE_INFINITY);
  });

  it('makes the commits that arrive during a sync durable together, with one more sync', async () => {
    const disk = aControlledDisk();
    const wal = new WalSync(disk.sync);
    const first = wal.committed(1);

    const second = wal.committed(5);
    const third = wal.committed(9);

    expect(disk.syncs).toBe(1);
    disk.finish(0);
    await first;
    expect(await settledYet(second)).toBe(false);
    expect(disk.syncs).toBe(2);
    expect(wal.unsyncedFrom).toBe(5);
    disk.finish(1);
    await expect(Promise.all([second, third])).resolves.toEqual([undefined, undefined]);
  });

  it('lets a read of positions already on disk through at once, and makes one of an unsynced commit wait', async () => {
    const disk = aControlledDisk();
    const wal = new WalSync(disk.sync);
    wal.committed(10);

    const older = wal.durableThrough(9);
    const unsynced = wal.durableThrough(12);

    expect(await settledYet(older)).toBe(true);
    expect(await settledYet(unsynced)).toBe(false);
    disk.finish(0);
    await expect(unsynced).resolves.toBeUndefined();
  });

  it('rejects the commits of a failed sync, and syncs the next ones afresh', async () => {
    const disk = aControlledDisk();
    const wal = new WalSync(disk.sync);
    const failed = wal.committed(1);
    const next = wal.committed(2);

    disk.finish(0, new Error('EIO: i/o error, fdatasync'));

    await expect(failed).rejects.toThrow(/EIO/);
    expect(disk.syncs).toBe(2);
    disk.finish(1);
    await expect(next).resolves.toBeUndefined();
  });

  it('settles at once when nothing is waiting for the disk', async () => {
    const wal = new WalSync(aControlledDisk().sync);

    await expect(wal.settled()).resolves.toBeUndefined();
  });
});
