import { join } from 'node:path';
import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { AggregateCache } from '../../src/application/aggregateCache.js';
import { customerNames } from '../../src/application/aggregates.js';
import { handleCommand } from '../../src/application/commandHandler.js';
import { createCommandService, ensureStandardPipeline } from '../../src/application/commandService.js';
import type { EventStore } from '../../src/eventstore/port.js';
import { openSqliteStore } from '../../src/eventstore/sqlite/store.js';
import { aClock, aLead, aSalesOrg, as } from '../support/engine.js';
import { aTempDir } from '../support/tempDir.js';

const dir = aTempDir();
const offer = (amountMinor: number) => ({ type: 'MakeOffer' as const, data: { by: 'customer' as const, amount: { amountMinor, currency: 'EUR' }, discountPercent: 0, terms: null } });
const note = (summary: string) => ({ type: 'LogActivity' as const, data: { kind: 'note' as const, summary, contactPerson: null } });

/** Two processes on one sqlite file: each its own connection and its own command service (and so its own kept folds). */
async function twoProcesses() {
  const file = join(dir, `${ulid()}.db`);
  const clock = aClock();
  const reads: string[] = [];
  const service = (store: EventStore) =>
    createCommandService({ store, clock: clock.now, newId: ulid, timePolicy: { maxClockSkewMs: 60_000 }, maxConflictRetries: 5 });
  const storeA = openSqliteStore({ file, now: clock.now });
  const counted: EventStore = { ...storeA, readStream: (streamId, options) => (reads.push(streamId), storeA.readStream(streamId, options)) };
  const storeB = openSqliteStore({ file, now: clock.now });
  const a = service(counted);
  const engine = { store: storeA, service: a, clock, deps: { store: counted, clock: clock.now, newId: ulid, timePolicy: { maxClockSkewMs: 60_000 }, maxConflictRetries: 5 } };
  await ensureStandardPipeline(a, storeA);
  await aSalesOrg(engine);
  return { a, b: service(storeB), store: storeA, reads, close: async () => (await storeA.close(), await storeB.close()) };
}

describe('folds kept between commands', () => {
  it('read a stream once for a run of commands on it', async () => {
    const { a, store, reads, close } = await twoProcesses();
    await a.deal('d1', aLead('d1'), as('ann'));
    for (const amount of [90_000_00, 85_000_00, 80_000_00]) await a.deal('d1', offer(amount), as('ann'));
    expect(reads.filter((id) => id === 'deal-d1')).toHaveLength(1);
    const rounds = (await store.readStream('deal-d1')).filter((e) => e.type === 'OfferMade').map((e) => e.data.round);
    expect(rounds).toEqual([1, 2, 3]);
    await close();
  });

  it('are decided again on a fresh read when another process appended: no update is lost', async () => {
    const { a, b, store, close } = await twoProcesses();
    await a.deal('d1', aLead('d1'), as('ann'));
    await b.deal('d1', offer(90_000_00), as('ann'));
    const result = await a.deal('d1', offer(85_000_00), as('ann'));
    expect(result).toMatchObject({ streamVersion: 2, replayed: false });
    const offers = (await store.readStream('deal-d1')).filter((e) => e.type === 'OfferMade').map((e) => [e.data.round, (e.data.amount as { amountMinor: number }).amountMinor]);
    expect(offers).toEqual([[1, 90_000_00], [2, 85_000_00]]);
    await close();
  });

  it('do not refuse an If-Match that names a version another process wrote', async () => {
    const { a, b, close } = await twoProcesses();
    await a.deal('d1', aLead('d1'), as('ann'));
    await b.deal('d1', note('called'), as('ann'));
    await expect(a.deal('d1', note('again'), as('ann', { expectedVersion: 1 }))).resolves.toMatchObject({ streamVersion: 2 });
    await expect(a.deal('d1', note('stale'), as('ann', { expectedVersion: 1 }))).rejects.toMatchObject({ code: 'STREAM_VERSION_CONFLICT' });
    await close();
  });

  it('answer a retry under an idempotency key stored by another process with the first answer, appending nothing', async () => {
    const { a, b, store, close } = await twoProcesses();
    await b.deal('d1', aLead('d1'), as('ann'));
    await b.deal('d1', note('first'), as('ann'));
    await a.deal('d1', note('keep the fold'), as('ann'));
    const first = await b.deal('d1', offer(90_000_00), as('ann', { idempotencyKey: 'k-1' }));
    const retry = await a.deal('d1', offer(90_000_00), as('ann', { idempotencyKey: 'k-1' }));
    expect(retry).toMatchObject({ streamVersion: first.streamVersion, position: first.position, events: first.events });
    expect((await store.readStream('deal-d1')).filter((e) => e.type === 'OfferMade')).toHaveLength(1);
    await expect(a.deal('d1', offer(1_00), as('ann', { idempotencyKey: 'k-1' }))).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    await close();
  });

  it('given a retry another process stored first, when this process decides its next command, then it decides on the stream as stored', async () => {
    const { a, b, store, close } = await twoProcesses();
    await a.deal('d1', aLead('d1'), as('ann'));
    await b.deal('d1', offer(500_00), as('ann'));
    const first = await b.deal('d1', offer(600_00), as('ann', { idempotencyKey: 'k' }));

    // a still keeps the fold of version 0: the retry's events are found stored, not written again
    const retry = await a.deal('d1', offer(600_00), as('ann', { idempotencyKey: 'k' }));
    await a.deal('d1', offer(700_00), as('ann'));

    expect(retry).toEqual({ ...first, replayed: true });
    const offers = (await store.readStream('deal-d1')).filter((e) => e.type === 'OfferMade').map((e) => [e.data.round, (e.data.amount as { amountMinor: number }).amountMinor]);
    expect(offers).toEqual([[1, 500_00], [2, 600_00], [3, 700_00]]);
    await close();
  });

  it('answer a no-op with the stream as the store holds it', async () => {
    const file = join(dir, `${ulid()}.db`);
    const clock = aClock();
    const [storeA, storeB] = [openSqliteStore({ file, now: clock.now }), openSqliteStore({ file, now: clock.now })];
    const deps = (store: EventStore) => ({ store, clock: clock.now, newId: ulid, timePolicy: { maxClockSkewMs: 60_000 }, maxConflictRetries: 5, cache: new AggregateCache(10) });
    const [a, b] = [deps(storeA), deps(storeB)];
    const context = async () => ({ holderActive: true, now: clock.now(), staleAfterMs: 60_000 });
    const take = { type: 'TakeReservation' as const, data: { holderId: 'x', value: 'acme', takenAt: clock.now().toISOString() } };
    await handleCommand(a, customerNames, 'acme', take, as('x'), context);
    await handleCommand(b, customerNames, 'acme', { type: 'ReleaseReservation', data: { holderId: 'x' } }, as('x'), context);
    await handleCommand(b, customerNames, 'acme', take, as('x'), context);
    // Taken by x again: nothing to record. The answer names the stream's last event, written by the other process.
    await expect(handleCommand(a, customerNames, 'acme', take, as('x'), context)).resolves.toMatchObject({ streamVersion: 2, events: [{ type: 'ReservationTaken' }] });
    await storeA.close();
    await storeB.close();
  });
});
