import { describe, expect, it } from 'vitest';
import { customersCodec } from '../../src/projections/customerSnapshot.js';
import type { CustomerRecord, CustomersState } from '../../src/projections/customerRecord.js';

const aCustomer = (customerId: string, changes: Partial<CustomerRecord> = {}): CustomerRecord => ({
  customerId,
  name: `Customer ${customerId}`,
  segment: 'smb',
  region: 'north',
  channel: 'referral',
  industry: 'logistics',
  contact: { person: null, email: null, phone: null },
  registeredAt: Date.UTC(2026, 0, 5, 9, 30),
  satisfaction: [],
  visits: [],
  streamVersion: 1,
  ...changes,
});

const stateOf = (...records: CustomerRecord[]): CustomersState => ({ customers: new Map(records.map((r) => [r.customerId, r])) });

describe('the customers state in a snapshot', () => {
  it('comes back with every customer as it was, in the order they were registered', () => {
    // given customers with and without visits, scores and contacts, names outside ASCII and with quotes
    const visit = (visitId: string, completedAt: number | null) => ({
      visitId,
      repId: 'rep-1',
      dueDate: '2026-03-01',
      purpose: 'Review the "rollout"',
      plannedAt: Date.UTC(2026, 1, 10),
      completedAt,
      outcome: completedAt === null ? null : 'Signed off, ünd happy',
    });
    const state = stateOf(
      aCustomer('c9', {
        name: 'Müller & Söhne "Nord"',
        segment: 'enterprise',
        region: 'Süd',
        channel: 'eCommerce',
        contact: { person: 'Jürgen Ørsted', email: 'inköp@example.se', phone: '+46 8 123 45' },
        visits: [visit('v1', Date.UTC(2026, 2, 1)), visit('v2', 0), visit('v3', null)],
        streamVersion: 7,
      }),
      aCustomer('c1', { satisfaction: [{ at: Date.UTC(2026, 1, 1), score: 4 }, { at: Date.UTC(2026, 1, 20), score: 2.5 }], streamVersion: 3 }),
      aCustomer('c5', { name: '株式会社 東京', industry: 'retail', contact: { person: 'Sato', email: null, phone: null }, visits: [visit('v1', null)] }),
    );
    // when it goes through a snapshot
    const back = customersCodec.decode(customersCodec.encode(state));
    // then every field reads the same, a visit at the epoch and an open one included, and the order is kept
    expect([...back.customers.values()]).toEqual([...state.customers.values()]);
    expect(back.customers.get('c9')?.visits.map((v) => v.completedAt)).toEqual([Date.UTC(2026, 2, 1), 0, null]);
    expect([...back.customers.keys()]).toEqual(['c9', 'c1', 'c5']);
    expect(back.customers.get('c5')?.visits.map((v) => v.completedAt)).toEqual([null]);
    expect(back.customers.get('c1')?.visits).toEqual([]);
  });

  it('comes back empty from an empty state', () => {
    expect(customersCodec.decode(customersCodec.encode(stateOf())).customers.size).toBe(0);
  });

  it('gives back a state of its own: changing it leaves the snapshotted one alone', () => {
    // given a state and its restored copy
    const state = stateOf(aCustomer('c1', { satisfaction: [{ at: 1, score: 5 }] }));
    const back = customersCodec.decode(customersCodec.encode(state));
    // when the copy records a score
    back.customers.get('c1')?.satisfaction.push({ at: 2, score: 1 });
    // then the original still has one
    expect(state.customers.get('c1')?.satisfaction).toHaveLength(1);
  });

  it('refuses bytes that are not a customers snapshot, naming what it found', () => {
    expect(() => customersCodec.decode(new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0]))).toThrow('customers snapshot has 1 parts, not 10');
  });
});
