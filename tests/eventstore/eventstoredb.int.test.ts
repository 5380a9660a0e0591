import { inject } from 'vitest';
import { openEventStoreDb } from '../../src/eventstore/eventstoredb.js';
import { describeEventStoreContract } from './contract.js';

const target = inject('eventStoreDb');
const connectionString = 'connectionString' in target ? target.connectionString : '';

describeEventStoreContract(
  'eventstoredb',
  async () => ({ store: openEventStoreDb({ connectionString }) }),
  // Durability across reopen is EventStoreDB's own (a server, not a file we open); the shared cases still run.
  { durable: false, ...('skipReason' in target ? { skipReason: target.skipReason } : {}) },
);
