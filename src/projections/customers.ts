import { customersCodec } from './customerSnapshot.js';
import type { CustomersState } from './customerRecord.js';
import { idOf } from './events.js';
import type { Projection } from './projection.js';

/** Customers with what their lifecycle needs besides contracts and complaints: satisfaction and visits. */
export const customersProjection: Projection<CustomersState> = {
  name: 'customers',
  // 2: records keep their stream's version. 3: snapshots as columns (customersCodec), no longer v8.serialize.
  version: 3,
  eventTypes: ['CustomerRegistered', 'CustomerProfileUpdated', 'FollowUpVisitPlanned', 'FollowUpVisitCompleted', 'SatisfactionRecorded'],
  init: () => ({ customers: new Map() }),
  codec: customersCodec,
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
