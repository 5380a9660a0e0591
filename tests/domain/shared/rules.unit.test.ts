import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../src/domain/errors.js';
import { periodContains, periodRange } from '../../../src/domain/shared/period.js';
import { reservationDecider } from '../../../src/domain/shared/reservation.js';
import { checkOccurredAt } from '../../../src/domain/shared/time.js';
import { specFor } from '../../support/deciderSpec.js';

const at = (iso: string) => new Date(iso);
const codeOf = (run: () => void): string | undefined => {
  try {
    run();
  } catch (error) {
    return error instanceof DomainError ? error.code : String(error);
  }
  return undefined;
};

describe('business time of every stream', () => {
  const now = at('2026-07-01T12:00:00Z');

  it('accepts a fact recorded late, after the previous one', () => {
    expect(codeOf(() => checkOccurredAt(at('2026-06-29T09:00:00Z'), at('2026-06-28T09:00:00Z'), now))).toBeUndefined();
  });

  it('refuses a fact that precedes the previous event of the stream', () => {
    expect(codeOf(() => checkOccurredAt(at('2026-06-27T09:00:00Z'), at('2026-06-28T09:00:00Z'), now))).toBe('OCCURRED_BEFORE_PREVIOUS_EVENT');
  });

  it('allows a small clock skew into the future, and refuses more', () => {
    const policy = { maxClockSkewMs: 60_000 };
    expect(codeOf(() => checkOccurredAt(at('2026-07-01T12:00:59Z'), null, now, policy))).toBeUndefined();
    expect(codeOf(() => checkOccurredAt(at('2026-07-01T12:01:01Z'), null, now, policy))).toBe('OCCURRED_IN_FUTURE');
  });
});

describe('periods', () => {
  it('cover half-open UTC intervals', () => {
    expect(periodRange('2026')).toEqual({ start: at('2026-01-01T00:00:00Z'), end: at('2027-01-01T00:00:00Z') });
    expect(periodRange('2026-Q3')).toEqual({ start: at('2026-07-01T00:00:00Z'), end: at('2026-10-01T00:00:00Z') });
    expect(periodRange('2026-12')).toEqual({ start: at('2026-12-01T00:00:00Z'), end: at('2027-01-01T00:00:00Z') });
  });

  it('nest: months in quarters in years', () => {
    expect(periodContains('2026', '2026-Q4')).toBe(true);
    expect(periodContains('2026-Q3', '2026-09')).toBe(true);
    expect(periodContains('2026-Q3', '2026-10')).toBe(false);
    expect(periodContains('2026-07', '2026-Q3')).toBe(false);
  });
});

describe('reservations of unique values', () => {
  const spec = specFor(reservationDecider('CUSTOMER_NAME_TAKEN'));
  const takenAt = '2026-07-01T09:00:00.000Z';
  const taken = { type: 'ReservationTaken' as const, data: { holderId: 'c1', value: 'acme', takenAt } };
  const claim = (holderId: string) => ({ type: 'TakeReservation' as const, data: { holderId, value: 'acme', takenAt: '2026-07-01T09:10:00.000Z' } });
  const alive = { holderActive: true, now: at('2026-07-01T09:10:00Z'), staleAfterMs: 60_000 };
  const gone = { ...alive, holderActive: false };

  it('are taken by the first claimant', () => {
    spec.given().when({ type: 'TakeReservation', data: taken.data }, gone).then([taken]);
  });

  it('refuse a second claimant while the holder holds the value, naming the holder', () => {
    spec
      .given([taken])
      .when(claim('c2'), alive)
      .thenThrows('CUSTOMER_NAME_TAKEN', { holderId: 'c1' });
  });

  it('let the same holder claim again without a new event', () => {
    spec.given([taken]).when(claim('c1'), alive).then([]);
  });

  it('pass to a new claimant when the holder never came to hold the value and the reservation is stale', () => {
    spec.given([taken]).when(claim('c2'), gone).then([
      { type: 'ReservationReleased', data: { holderId: 'c1' } },
      { type: 'ReservationTaken', data: claim('c2').data },
    ]);
  });

  it('stay with a holder that may still be appending (a fresh reservation)', () => {
    spec.given([taken]).when(claim('c2'), { ...gone, now: at('2026-07-01T09:00:30Z') }).thenThrows('CUSTOMER_NAME_TAKEN');
  });

  it('are released only by their holder', () => {
    spec.given([taken]).when({ type: 'ReleaseReservation', data: { holderId: 'c2' } }, alive).then([]);
    spec.given([taken]).when({ type: 'ReleaseReservation', data: { holderId: 'c1' } }, alive).then([
      { type: 'ReservationReleased', data: { holderId: 'c1' } },
    ]);
  });
});
