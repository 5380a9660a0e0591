/**
 * Child process of the driver test: prepares statements and drops them, for the garbage collector
 * to finalize, over a few rounds of timers (as the engine's work comes), and opens and closes
 * stores (whose threads have connections of their own), then says "survived".
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Database } from '../../../src/eventstore/sqlite/driver.js';
import { openSqliteStore } from '../../../src/eventstore/sqlite/store.js';
import { aStream, someEvents } from '../../support/events.js';

const file = process.argv[2];
if (!file) throw new Error('usage: discardStatements.ts <database file>');

const db = new Database(':memory:');
// No gc() of its own: 12.x on Node 24.19+ aborts in the collections the engine's own work sets off
// (in a timer's callback, or in a task of their own), where an explicit one mostly passes.
for (let round = 0; round < 10; round++) {
  for (let i = 0; i < 5_000; i++) db.prepare(`SELECT ${i}`).get();
  for (let i = 0; i < 5_000; i++) db.pragma('user_version');
  await sleep(5);
}
db.close();

for (let round = 0; round < 3; round++) {
  const store = openSqliteStore({ file });
  await store.appendToStream(aStream('driver'), someEvents(3, 'DriverTested'), { expectedVersion: 'noStream' });
  await store.close();
  await sleep(5);
}
// Finalizers may run in a task of their own after a collection: time for them before the end.
await sleep(100);
process.stdout.write('survived\n');
