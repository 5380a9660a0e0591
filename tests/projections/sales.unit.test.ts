import { describe, expect, it } from 'vitest';
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
