import { describe, expect, it } from 'vitest';
import type { CommittedEvent } from '../../../src/eventstore/sqlite/recentAppends.js';
import { RecentAppends } from '../../../src/eventstore/sqlite/recentAppends.js';

const committed = (position: number, metadata = '{"actor":"rep-1"}'): CommittedEvent => ({
  position,
  eventId: `e${position}`,
  streamId: 'deal-d1',
  streamVersion: position - 1,
  type: 'OfferMade',
  data: `{"round":${position}}`,
  metadata,
  recordedAt: '2026-11-22T10:00:00.000Z',
});

const positions = (events: { position: bigint }[] | null) => events?.map((e) => Number(e.position)) ?? null;

describe('recent appends', () => {
  it('serves the unbroken run of positions after the one asked for, up to the limit', () => {
    // given commits at 1–3 and 4–5
    const recent = new RecentAppends(100);
    recent.add([committed(1), committed(2), committed(3)]);
    recent.add([committed(4), committed(5)]);
    // then a read after 2 gets 3, 4 and 5, and a limit of 2 gets 3 and 4
    expect(positions(recent.after(2, 10))).toEqual([3, 4, 5]);
    expect(positions(recent.after(2, 2))).toEqual([3, 4]);
  });

  it('stops at a gap, and serves nothing where the next position is not held', () => {
    // given commits at 1–2 and 5–6: another process wrote 3 and 4
    const recent = new RecentAppends(100);
    recent.add([committed(1), committed(2)]);
    recent.add([committed(5), committed(6)]);
    // then a read after 0 stops before the gap, one after 2 or after 6 gets nothing, one after 4 gets 5 and 6
    expect(positions(recent.after(0, 10))).toEqual([1, 2]);
    expect(recent.after(2, 10)).toBeNull();
    expect(recent.after(6, 10)).toBeNull();
    expect(positions(recent.after(4, 10))).toEqual([5, 6]);
  });

  it('gives each event as a read of its row does: data parsed, recordedAt the last field of the metadata', () => {
    const recent = new RecentAppends(100);
    recent.add([committed(7, '{"actor":"rep-1","schemaVersion":2}')]);
    const [event] = recent.after(6, 1) ?? [];
    expect(event).toEqual({
      position: 7n,
      eventId: 'e7',
      streamId: 'deal-d1',
      streamVersion: 6,
      type: 'OfferMade',
      data: { round: 7 },
      metadata: { actor: 'rep-1', schemaVersion: 2, recordedAt: '2026-11-22T10:00:00.000Z' },
    });
    expect(Object.keys(event?.metadata ?? {})).toEqual(['actor', 'schemaVersion', 'recordedAt']);
  });

  it('keeps only the last events once past twice its capacity', () => {
    // given a capacity of 2 and five events added one by one
    const recent = new RecentAppends(2);
    for (let position = 1; position <= 5; position++) recent.add([committed(position)]);
    // then the oldest are no longer served, the last two are
    expect(recent.after(0, 10)).toBeNull();
    expect(positions(recent.after(3, 10))).toEqual([4, 5]);
  });
});
