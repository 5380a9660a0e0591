import { createMemoryStore } from '../../src/eventstore/memory.js';
import { describeEventStoreContract } from './contract.js';

describeEventStoreContract('memory', async () => ({ store: createMemoryStore() }), { durable: false });
