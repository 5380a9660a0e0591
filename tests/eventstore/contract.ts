import { describe, expect, it } from 'vitest';
import { ConcurrencyError } from '../../src/eventstore/errors.js';
import type { EventStore, RecordedEvent, Subscription } from '../../src/eventstore/port.js';
import { aCategory, aStream, anEvent, someEvents } from '../support/events.js';

export type StoreUnderTest = {
  store: EventStore;
  /** Closes the store and opens the same data again, where the adapter is durable. */
  reopen?: () => Promise<EventStore>;
};

async function take(subscription: Subscription, count: number): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  if (count === 0) return out;
  for await (const event of subscription) {
    out.push(event);
    if (out.length === count) break;
  }
  return out;
}

/** The behaviour every adapter must show, run unchanged against each (STYLE.md §5). */
export function describeEventStoreContract(
  adapter: string,
  open: () => Promise<StoreUnderTest>,
  options: { durable: boolean; skipReason?: string },
): void {
  const run = options.skipReason === undefined ? it : it.skip;
  const withStore = (name: string, body: (store: EventStore, sut: StoreUnderTest) => Promise<void>, timeout?: number) =>
    run(
      name,
      async () => {
        const sut = await open();
        try {
          await body(sut.store, sut);
        } finally {
          await sut.store.close();
        }
      },
      timeout,
    );

  const title = `event store contract: ${adapter}` + (options.skipReason ? ` (skipped: ${options.skipReason})` : '');
  describe(title, () => {
    describe('expected versions', () => {
      withStore('noStream creates an absent stream and answers the new version', async (store) => {
        const stream = aStream();
        const result = await store.appendToStream(stream, someEvents(3), { expectedVersion: 'noStream' });
        expect(result.nextExpectedVersion).toBe(2);
        expect((await store.readStream(stream)).map((e) => e.streamVersion)).toEqual([0, 1, 2]);
      });

      withStore('noStream refuses an existing stream, naming its version', async (store) => {
        const stream = aStream();
        await store.appendToStream(stream, someEvents(2), { expectedVersion: 'noStream' });
        const refusal = store.appendToStream(stream, someEvents(1), { expectedVersion: 'noStream' });
        await expect(refusal).rejects.toBeInstanceOf(ConcurrencyError);
        await expect(refusal).rejects.toMatchObject({ streamId: stream, expectedVersion: 'noStream', actualVersion: 1 });
        expect(await store.readStream(stream)).toHaveLength(2);
      });

      withStore('streamExists refuses an absent stream and accepts an existing one', async (store) => {
        const stream = aStream();
        await expect(store.appendToStream(stream, someEvents(1), { expectedVersion: 'streamExists' })).rejects.toMatchObject({
          actualVersion: null,
        });
        expect(await store.readStream(stream)).toEqual([]);
        await store.appendToStream(stream, someEvents(1), { expectedVersion: 'any' });
        const result = await store.appendToStream(stream, someEvents(1), { expectedVersion: 'streamExists' });
        expect(result.nextExpectedVersion).toBe(1);
      });

      withStore('an exact version appends only when the stream is at that version', async (store) => {
        const stream = aStream();
        await store.appendToStream(stream, someEvents(2), { expectedVersion: 'noStream' });
        const result = await store.appendToStream(stream, someEvents(1), { expectedVersion: 1 });
        expect(result.nextExpectedVersion).toBe(2);
        await expect(store.appendToStream(stream, someEvents(1), { expectedVersion: 1 })).rejects.toMatchObject({
          name: 'ConcurrencyError',
          expectedVersion: 1,
          actualVersion: 2,
        });
        await expect(store.appendToStream(aStream(), someEvents(1), { expectedVersion: 0 })).rejects.toMatchObject({
          actualVersion: null,
        });
        expect(await store.readStream(stream)).toHaveLength(3);
      });

      withStore('any appends whatever the stream holds', async (store) => {
        const stream = aStream();
        await store.appendToStream(stream, someEvents(1), { expectedVersion: 'any' });
        const result = await store.appendToStream(stream, someEvents(2), { expectedVersion: 'any' });
        expect(result.nextExpectedVersion).toBe(2);
      });

      withStore('positions grow with every append', async (store) => {
        const first = await store.appendToStream(aStream(), someEvents(2), { expectedVersion: 'noStream' });
        const second = await store.appendToStream(aStream(), someEvents(1), { expectedVersion: 'noStream' });
        expect(second.position > first.position).toBe(true);
      });
    });

    withStore('20 parallel writers on one stream: one append wins per version, nothing lost or doubled', async (store) => {
      const stream = aStream();
      const writers = Array.from({ length: 20 }, (_, writer) => anEvent('WriterWrote', { writer }));
      let conflicts = 0;
      await Promise.all(
        writers.map(async (event) => {
          for (;;) {
            const current = (await store.readStream(stream)).length - 1;
            try {
              await store.appendToStream(stream, [event], { expectedVersion: current < 0 ? 'noStream' : current });
              return;
            } catch (error) {
              if (!(error instanceof ConcurrencyError)) throw error;
              conflicts += 1;
            }
          }
        }),
      );
      const stored = await store.readStream(stream);
      expect(stored.map((e) => e.streamVersion)).toEqual(Array.from({ length: 20 }, (_, i) => i));
      expect(new Set(stored.map((e) => e.eventId))).toEqual(new Set(writers.map((e) => e.eventId)));
      expect(conflicts).toBeGreaterThan(0);
    });

    describe('idempotent retries', () => {
      withStore('re-appending the same event ids with the same expected version appends nothing', async (store) => {
        const stream = aStream();
        const events = someEvents(3);
        const first = await store.appendToStream(stream, events, { expectedVersion: 'noStream' });
        const retry = await store.appendToStream(stream, events, { expectedVersion: 'noStream' });
        expect(retry.nextExpectedVersion).toBe(first.nextExpectedVersion);
        expect([first.alreadyStored, retry.alreadyStored]).toEqual([false, true]);
        expect((await store.readStream(stream)).map((e) => e.eventId)).toEqual(events.map((e) => e.eventId));
      });

      withStore('re-appending the same event ids with expected version any appends nothing', async (store) => {
        const stream = aStream();
        const events = someEvents(2);
        await store.appendToStream(stream, events, { expectedVersion: 'any' });
        const retry = await store.appendToStream(stream, events, { expectedVersion: 'any' });
        expect(retry).toMatchObject({ nextExpectedVersion: 1, alreadyStored: true });
        expect(await store.readStream(stream)).toHaveLength(2);
      });

      withStore('a retry after later appends still appends nothing', async (store) => {
        const stream = aStream();
        const events = someEvents(2);
        await store.appendToStream(stream, events, { expectedVersion: 'noStream' });
        await store.appendToStream(stream, someEvents(1), { expectedVersion: 1 });
        const retry = await store.appendToStream(stream, events, { expectedVersion: 'noStream' });
        expect(retry).toMatchObject({ nextExpectedVersion: 1, alreadyStored: true });
        expect(await store.readStream(stream)).toHaveLength(3);
      });
    });

    describe('reading a stream', () => {
      withStore('reads forwards, backwards, from a version and with a limit', async (store) => {
        const stream = aStream();
        await store.appendToStream(stream, someEvents(10), { expectedVersion: 'noStream' });
        const versions = (events: RecordedEvent[]) => events.map((e) => e.streamVersion);
        expect(versions(await store.readStream(stream))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        expect(versions(await store.readStream(stream, { from: 7 }))).toEqual([7, 8, 9]);
        expect(versions(await store.readStream(stream, { from: 2, limit: 3 }))).toEqual([2, 3, 4]);
        expect(versions(await store.readStream(stream, { direction: 'backwards', limit: 3 }))).toEqual([9, 8, 7]);
        expect(versions(await store.readStream(stream, { direction: 'backwards', from: 4 }))).toEqual([4, 3, 2, 1, 0]);
        expect(versions(await store.readStream(stream, { from: 10 }))).toEqual([]);
      });

      withStore('an absent stream reads as no events', async (store) => {
        expect(await store.readStream(aStream())).toEqual([]);
        expect(await store.readStream(aStream(), { direction: 'backwards' })).toEqual([]);
      });

      withStore('returns the envelope as written, with recordedAt stamped by the store', async (store) => {
        const stream = aStream();
        const event = anEvent('DealNamed', { title: 'Fleet renewal', amount: { minor: 125000, currency: 'EUR' } });
        const result = await store.appendToStream(stream, [event], { expectedVersion: 'noStream' });
        const [stored] = await store.readStream(stream);
        expect(stored).toMatchObject({
          eventId: event.eventId,
          type: 'DealNamed',
          streamId: stream,
          streamVersion: 0,
          position: result.position,
          data: event.data,
          metadata: event.metadata,
        });
        expect(Date.parse(stored?.metadata.recordedAt ?? '')).not.toBeNaN();
      });
    });

    describe('reading all', () => {
      withStore('returns events in global order, filtered by type and category, in batches', async (store) => {
        const category = aCategory();
        const other = aCategory();
        const a = aStream(category);
        const b = aStream(category);
        const c = aStream(other);
        await store.appendToStream(a, [anEvent('Opened'), anEvent('Moved')], { expectedVersion: 'noStream' });
        await store.appendToStream(c, [anEvent('Opened')], { expectedVersion: 'noStream' });
        await store.appendToStream(b, [anEvent('Opened')], { expectedVersion: 'noStream' });
        await store.appendToStream(a, [anEvent('Closed')], { expectedVersion: 1 });

        const mine = await store.readAll({ filter: { categories: [category] } });
        expect(mine.map((e) => `${e.streamId === a ? 'a' : 'b'}:${e.type}`)).toEqual(['a:Opened', 'a:Moved', 'b:Opened', 'a:Closed']);
        const positions = mine.map((e) => e.position);
        expect([...positions].sort((x, y) => (x < y ? -1 : 1))).toEqual(positions);

        const opened = await store.readAll({ filter: { categories: [category, other], types: ['Opened'] } });
        expect(opened.map((e) => e.streamId)).toEqual([a, c, b]);

        const firstTwo = await store.readAll({ filter: { categories: [category] }, limit: 2 });
        const rest = await store.readAll({ filter: { categories: [category] }, after: firstTwo[1]?.position });
        expect([...firstTwo, ...rest].map((e) => e.eventId)).toEqual(mine.map((e) => e.eventId));
        expect(await store.readAll({ filter: { categories: [category] }, after: mine[3]?.position })).toEqual([]);
      });
    });

    withStore('knows the position of the last event', async (store) => {
      const result = await store.appendToStream(aStream(), someEvents(3), { expectedVersion: 'noStream' });
      expect(await store.headPosition()).toBe(result.position);
    });

    describe('subscriptions', () => {
      withStore('catches up, then follows live appends', async (store) => {
        const category = aCategory();
        const stream = aStream(category);
        await store.appendToStream(stream, someEvents(3), { expectedVersion: 'noStream' });
        const subscription = store.subscribe({ filter: { categories: [category] } });
        const received = take(subscription, 5);
        await store.appendToStream(stream, someEvents(2), { expectedVersion: 2 });
        expect((await received).map((e) => e.streamVersion)).toEqual([0, 1, 2, 3, 4]);
        await subscription.close();
      });

      withStore('resumes from a checkpoint with no gap and no duplicate', async (store) => {
        const category = aCategory();
        const stream = aStream(category);
        await store.appendToStream(stream, someEvents(4), { expectedVersion: 'noStream' });
        const first = store.subscribe({ filter: { categories: [category] } });
        const seen = await take(first, 2);
        await first.close();
        const checkpoint = seen[1]?.position;

        await store.appendToStream(stream, someEvents(2), { expectedVersion: 3 });
        const resumed = store.subscribe({ filter: { categories: [category] }, after: checkpoint });
        const rest = take(resumed, 5);
        await store.appendToStream(stream, someEvents(1), { expectedVersion: 5 });
        const all = [...seen, ...(await rest)];
        expect(all.map((e) => e.streamVersion)).toEqual([0, 1, 2, 3, 4, 5, 6]);
        await resumed.close();
      });

      withStore('close ends a waiting subscription', async (store) => {
        const subscription = store.subscribe({ filter: { categories: [aCategory()] } });
        const drained = take(subscription, 1);
        await subscription.close();
        expect(await drained).toEqual([]);
      });
    });

    withStore(
      'one append of 10,000 events',
      async (store) => {
        const stream = aStream();
        const result = await store.appendToStream(stream, someEvents(10_000), { expectedVersion: 'noStream' });
        expect(result.nextExpectedVersion).toBe(9_999);
        const stored = await store.readStream(stream);
        expect(stored).toHaveLength(10_000);
        expect(stored[9_999]?.data).toEqual({ index: 9_999 });
      },
      120_000,
    );

    withStore('keeps unicode and 1 MB payloads intact', async (store) => {
      const stream = aStream();
      const unicode = { name: 'Ångström Øl & Söhne — 東京支店 🚀', note: 'zero\u200bwidth, "quotes", \\ backslash' };
      const large = { blob: 'x'.repeat(1024 * 1024) };
      await store.appendToStream(stream, [anEvent('Named', unicode), anEvent('Attached', large)], { expectedVersion: 'noStream' });
      const [first, second] = await store.readStream(stream);
      expect(first?.data).toEqual(unicode);
      expect(second?.data).toEqual(large);
    });

    withStore('refuses a malformed append and stores nothing', async (store) => {
      const stream = aStream();
      await expect(store.appendToStream(stream, [], { expectedVersion: 'any' })).rejects.toThrow(/no events/);
      await expect(store.appendToStream('no dash here', someEvents(1), { expectedVersion: 'any' })).rejects.toThrow(/streamId/);
      const bad = anEvent();
      await expect(
        store.appendToStream(stream, [anEvent(), { ...bad, eventId: 'not-a-ulid' }], { expectedVersion: 'any' }),
      ).rejects.toThrow(/events\[1\]\.eventId: must be a ULID/);
      const undated = anEvent();
      await expect(
        store.appendToStream(stream, [{ ...undated, metadata: { ...undated.metadata, occurredAt: 'yesterday' } }], {
          expectedVersion: 'any',
        }),
      ).rejects.toThrow(/events\[0\]\.metadata\.occurredAt/);
      await expect(
        store.appendToStream(stream, [{ ...anEvent(), data: [1, 2] as unknown as Record<string, unknown> }], { expectedVersion: 'any' }),
      ).rejects.toThrow(/events\[0\]\.data: must be a JSON object/);
      expect(await store.readStream(stream)).toEqual([]);
    });

    const durableOnly = options.durable ? withStore : it.skip;
    durableOnly('close and reopen keeps everything', async (_store, sut) => {
      if (!sut.reopen) throw new Error(`${adapter} is declared durable but offers no reopen`);
      const stream = aStream();
      const events = someEvents(5);
      await sut.store.appendToStream(stream, events, { expectedVersion: 'noStream' });
      const reopened = await sut.reopen();
      try {
        expect((await reopened.readStream(stream)).map((e) => e.eventId)).toEqual(events.map((e) => e.eventId));
        const next = await reopened.appendToStream(stream, someEvents(1), { expectedVersion: 4 });
        expect(next.nextExpectedVersion).toBe(5);
      } finally {
        sut.store = reopened;
      }
    });
  });
}
