import { describe, expect, it } from 'vitest';
import { AppendNotifier, pollingSubscription } from '../../src/eventstore/pollingSubscription.js';
import type { Position, RecordedEvent } from '../../src/eventstore/port.js';

const anEvent = (position: number, type: string): RecordedEvent => ({
  eventId: `e${position}`,
  type,
  streamId: `deal-d${position}`,
  streamVersion: 0,
  position: BigInt(position),
  data: {},
  metadata: { occurredAt: '2026-07-01T00:00:00.000Z', recordedAt: '2026-07-01T00:00:00.000Z', actor: 'ann', correlationId: 'c', causationId: 'c', schemaVersion: 1 },
});

/** A log read by position, which remembers where each read started. */
function aLog(events: RecordedEvent[]) {
  const readsAfter: (Position | undefined)[] = [];
  const read = async (after: Position | undefined, limit: number) => {
    readsAfter.push(after);
    return events.filter((e) => after === undefined || e.position > after).slice(0, limit);
  };
  return { read, readsAfter, append: (event: RecordedEvent) => events.push(event) };
}

describe('pollingSubscription', () => {
  it('given events it does not keep, when it reads again, then it goes on after them rather than from its last delivered event', async () => {
    const log = aLog([anEvent(1, 'LeadFound'), anEvent(2, 'OfferMade'), anEvent(3, 'OfferMade')]);
    const notifier = new AppendNotifier();
    const subscription = pollingSubscription(log.read, notifier, { pollIntervalMs: null, keep: (e) => e.type === 'DealLost' });
    const iterator = subscription[Symbol.asyncIterator]();

    const next = iterator.next();
    await new Promise((resolve) => setImmediate(resolve));
    log.append(anEvent(4, 'DealLost'));
    notifier.notify();

    expect((await next).value?.position).toBe(4n);
    expect(log.readsAfter).toEqual([undefined, 3n]);
    await subscription.close();
  });

  it('given a long catch-up of events it does not keep, when other work is due, then it is done between batches', async () => {
    const log = aLog(Array.from({ length: 1500 }, (_, i) => anEvent(i + 1, 'OfferMade')));
    const order: string[] = [];
    const read = (after: Position | undefined, limit: number) => (order.push('read'), log.read(after, limit));
    const subscription = pollingSubscription(read, new AppendNotifier(), { pollIntervalMs: null, keep: () => false });

    void subscription[Symbol.asyncIterator]().next();
    setImmediate(() => order.push('other work'));
    while (order.filter((step) => step === 'read').length < 4) await new Promise((resolve) => setTimeout(resolve, 1));

    // three full batches of 500, then a short one: the other work came after the first
    expect(order).toEqual(['read', 'other work', 'read', 'read', 'read']);
    await subscription.close();
  });

  it('delivers every event without a filter, in order, from the position given', async () => {
    const log = aLog([anEvent(1, 'LeadFound'), anEvent(2, 'OfferMade'), anEvent(3, 'DealLost')]);
    const subscription = pollingSubscription(log.read, new AppendNotifier(), { after: 1n, pollIntervalMs: null });
    const iterator = subscription[Symbol.asyncIterator]();

    const delivered = [(await iterator.next()).value?.position, (await iterator.next()).value?.position];

    expect(delivered).toEqual([2n, 3n]);
    await subscription.close();
  });
});
