import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateHistory } from '../../src/generate/history.js';
import type { ProjectedEvent } from '../../src/projections/events.js';
import { replay } from '../../src/projections/projection.js';
import { salesProjection } from '../../src/projections/sales.js';
import type { SalesState } from '../../src/projections/sales.js';
import { q3History } from '../support/q3History.js';

function roundTrip(state: SalesState): SalesState {
  const codec = salesProjection.codec;
  if (!codec) throw new Error('the sales projection snapshots through its own codec');
  return codec.decode(codec.encode(state));
}

describe('the sales state in a snapshot', () => {
  it('comes back with every deal, customer, rep and pipeline as it was', () => {
    // given the state after a quarter of history
    const state = replay(salesProjection, q3History.events);
    // when it goes through a snapshot
    const back = roundTrip(state);
    // then every part reads the same, deal by deal
    expect(back.deals.toJSON()).toEqual(state.deals.toJSON());
    expect(back.customers.toJSON()).toEqual(state.customers.toJSON());
    expect([back.pipelines, back.reps, back.teams]).toEqual([state.pipelines, state.reps, state.teams]);
    expect(back.deals.get('d12')?.status).toBe(state.deals.get('d12')?.status);
  });

  it('keeps positions beyond 2^53 exactly (EventStoreDB packs commit and prepare positions into one)', () => {
    // given the same history at EventStoreDB-sized positions
    const offset = 1n << 70n;
    const state = replay(
      salesProjection,
      q3History.events.map((event) => ({ ...event, position: event.position + offset })),
    );
    // when it goes through a snapshot
    const back = roundTrip(state);
    // then a deal's positions are the exact bigints
    const deal = back.deals.values().next().value;
    expect(typeof deal?.leadPosition).toBe('bigint');
    expect(back.deals.toJSON()).toEqual(state.deals.toJSON());
  });

  it('goes on from where it was: applying more events after a round trip equals applying them without one', () => {
    const events = q3History.events;
    const half = Math.floor(events.length / 2);
    const handled = new Set<string>(salesProjection.eventTypes);
    const resumed = roundTrip(replay(salesProjection, events.slice(0, half)));
    for (const event of events.slice(half)) if (handled.has(event.type)) salesProjection.apply(resumed, event);
    expect(resumed).toEqual(replay(salesProjection, events));
  });
});

describe('the sales state in delta snapshots', () => {
  // a generated history as the projection receives it, in recorded order
  const events: ProjectedEvent[] = generateHistory({ seed: 11, events: 8_000 })
    .sort((a, b) => a.recordedAt - b.recordedAt)
    .map((planned, i) => ({
      ...planned.event,
      eventId: `e${i + 1}`,
      streamId: planned.streamId,
      streamVersion: 0,
      position: BigInt(i + 1),
      occurredAt: planned.occurredAt,
      recordedAt: planned.recordedAt,
      actor: 'generator',
      correlationId: `c${i}`,
      causationId: `c${i}`,
    }) as ProjectedEvent);
  const handled = new Set<string>(salesProjection.eventTypes);
  const codec = salesProjection.codec;
  const delta = codec?.delta;
  if (!codec || !delta) throw new Error('the sales projection takes delta snapshots');
  const applyRange = (state: SalesState, from: number, to: number) => {
    for (const event of events.slice(from, to)) if (handled.has(event.type)) salesProjection.apply(state, event);
  };

  it('restore, on top of their base, exactly the state replayed to their point, at any cut', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: events.length }), { minLength: 3, maxLength: 3 }), (cuts) => {
        // given a state with a full snapshot at the first cut
        const [base, first, second] = [...cuts].sort((a, b) => a - b) as [number, number, number];
        const state = replay(salesProjection, events.slice(0, base));
        const full = codec.encode(state);
        // when deltas are taken at two later cuts (each holds all that changed since the base)
        applyRange(state, base, first);
        const early = delta.encode(state);
        applyRange(state, first, second);
        const late = delta.encode(state);
        // then each restores the state at its own cut
        expect(delta.decode(full, early)).toEqual(replay(salesProjection, events.slice(0, first)));
        expect(delta.decode(full, late)).toEqual(replay(salesProjection, events.slice(0, second)));
      }),
      { numRuns: 15 },
    );
  });

  it('hold what changed, not the whole state', () => {
    // given a full snapshot after 7,000 events
    const state = replay(salesProjection, events.slice(0, 7_000));
    const full = codec.encode(state);
    // when 30 more are applied
    applyRange(state, 7_000, 7_030);
    const small = delta.encode(state);
    // then the delta is a small fraction of the full snapshot, and restores the state
    expect(small.byteLength).toBeLessThan(full.byteLength / 4);
    expect(delta.decode(full, small)).toEqual(state);
  });

  it('go on from where they were: a state restored from a delta takes more events like the original', () => {
    const state = replay(salesProjection, events.slice(0, 3_000));
    const full = codec.encode(state);
    applyRange(state, 3_000, 5_000);
    const resumed = delta.decode(full, delta.encode(state));
    applyRange(resumed, 5_000, events.length);
    expect(resumed).toEqual(replay(salesProjection, events));
  });
});
