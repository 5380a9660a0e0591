import { customersCodec } from './customerSnapshot.js';
import type { CustomersState } from './customerRecord.js';
import { idOf } from './events.js';
import type { Projection } from './projection.js';

/** Customers with what their lifecycle needs besides contracts and complaints: satisfaction and visits. */
export const customersProjection: Projection<CustomersState> = {
  name: 'customers',
  // 2: records keep their stream's version. 3: snapshots as columns (customersCodec), no longer v8.serialize.
  // 4: industry, contact and each visit with its id, so a client can find the visit to complete.
  // 5: region and acquisition channel, which the customer list shows and filters by.
  // 6: no lastVisitAt beside the visits it is read from (the snapshot has one part less).
  version: 6,
  eventTypes: ['CustomerRegistered', 'CustomerProfileUpdated', 'FollowUpVisitPlanned', 'FollowUpVisitCompleted', 'SatisfactionRecorded'],
  init: () => ({ customers: new Map() }),
  codec: customersCodec,
  apply(state, event) {
    if (event.type === 'CustomerRegistered') {
      const { customerId, name, segment, region, acquisitionChannel, industry, contact } = event.data;
      state.customers.set(customerId, {
        customerId,
        name,
        segment,
        region,
        channel: acquisitionChannel,
        industry,
        contact,
        registeredAt: event.occurredAt,
        satisfaction: [],
        visits: [],
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
        if (event.data.region) customer.region = event.data.region;
        if (event.data.acquisitionChannel) customer.channel = event.data.acquisitionChannel;
        if (event.data.industry) customer.industry = event.data.industry;
        if (event.data.contact) customer.contact = event.data.contact;
        return;
      case 'FollowUpVisitPlanned': {
        const { visitId, repId, dueDate, purpose } = event.data;
        customer.visits.push({ visitId, repId, dueDate, purpose, plannedAt: event.occurredAt, completedAt: null, outcome: null });
        return;
      }
      case 'FollowUpVisitCompleted': {
        const visit = customer.visits.find((v) => v.visitId === event.data.visitId);
        if (visit) {
          visit.completedAt = event.occurredAt;
          visit.outcome = event.data.outcome;
        }
        return;
      }
      case 'SatisfactionRecorded':
        customer.satisfaction.push({ at: event.occurredAt, score: event.data.score });
        return;
      default:
        return;
    }
  },
};
