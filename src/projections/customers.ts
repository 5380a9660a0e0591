import { idOf } from './events.js';
import type { Projection } from './projection.js';

export type CustomerRecord = {
  customerId: string;
  name: string;
  segment: string;
  registeredAt: number;
  satisfaction: { at: number; score: number }[];
  visitsPlanned: number;
  visitsCompleted: number;
  lastVisitAt: number | null;
  /** The version of the customer's stream this record reflects: the ETag of a customer read now. */
  streamVersion: number;
};

export type CustomersState = { customers: Map<string, CustomerRecord> };

/** Customers with what their lifecycle needs besides contracts and complaints: satisfaction and visits. */
export const customersProjection: Projection<CustomersState> = {
  name: 'customers',
  // 2: records keep their stream's version.
  version: 2,
  eventTypes: ['CustomerRegistered', 'CustomerProfileUpdated', 'FollowUpVisitPlanned', 'FollowUpVisitCompleted', 'SatisfactionRecorded'],
  init: () => ({ customers: new Map() }),
  apply(state, event) {
    if (event.type === 'CustomerRegistered') {
      const { customerId, name, segment } = event.data;
      state.customers.set(customerId, {
        customerId,
        name,
        segment,
        registeredAt: event.occurredAt,
        satisfaction: [],
        visitsPlanned: 0,
        visitsCompleted: 0,
        lastVisitAt: null,
        streamVersion: event.streamVersion,
      });
      return;
    }
    const customer = state.customers.get(idOf(event.streamId));
    if (!customer) return;
    customer.streamVersion = event.streamVersion;
    switch (event.type) {
      case 'CustomerProfileUpdated':
        if (event.data.segment) customer.segment = event.data.segment;
        return;
      case 'FollowUpVisitPlanned':
        customer.visitsPlanned += 1;
        return;
      case 'FollowUpVisitCompleted':
        customer.visitsCompleted += 1;
        customer.lastVisitAt = event.occurredAt;
        return;
      case 'SatisfactionRecorded':
        customer.satisfaction.push({ at: event.occurredAt, score: event.data.score });
        return;
      default:
        return;
    }
  },
};
