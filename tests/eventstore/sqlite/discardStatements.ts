/**
 * Child process of the driver test: prepares statements and drops them, for the garbage collector
 * to finalize, on the main thread and through a store's threads, then says "survived".
 */
import { Database } from '../../../src/eventstore/sqlite/driver.js';
import { openSqliteStore } from '../../../src/eventstore/sqlite/store.js';
import { aStream, someEvents } from '../../support/events.js';

const file = process.argv[2];
if (!file) throw new Error('usage: discardStatements.ts <database file>');
const collect = (globalThis as { gc?: () => void }).gc;
if (!collect) throw new Error('run with --expose-gc');

const db = new Database(':memory:');
for (let i = 0; i < 5_000; i++) db.prepare(`SELECT ${i}`).get();
for (let i = 0; i < 5_000; i++) db.pragma('user_version');
db.close();
collect();

for (let round = 0; round < 3; round++) {
  const store = openSqliteStore({ file });
  await store.appendToStream(aStream('driver'), someEvents(3, 'DriverTested'), { expectedVersion: 'noStream' });
  await store.close();
  collect();
}
await new Promise((resolve) => setTimeout(resolve, 50));
collect();
process.stdout.write('survived\n');
