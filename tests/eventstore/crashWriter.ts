/**
 * Child process of the crash test: appends multi-event batches to a sqlite store as fast as it
 * can, from several concurrent writers, and reports on stdout each batch before it is requested
 * ("begin") and once it is acknowledged ("ack"), until it is killed.
 */
import { writeSync } from 'node:fs';
import { openSqliteStore } from '../../src/eventstore/sqlite/store.js';
import { aStream, someEvents } from '../support/events.js';

const file = process.argv[2];
if (!file) throw new Error('usage: crashWriter.ts <database file>');
const store = openSqliteStore({ file });
let batchNumber = 0;

// One write(2) per line: a line is on the pipe whole or not at all when the kill comes.
const report = (line: string): void => {
  writeSync(1, `${line}\n`);
};

async function writer(): Promise<never> {
  for (;;) {
    const stream = aStream('crash');
    let version = -1;
    for (let appends = 0; appends < 5; appends++) {
      const batch = `${process.pid}.${batchNumber++}`;
      const events = someEvents(1 + Math.floor(Math.random() * 20), 'CrashTested');
      report(`begin ${batch} ${events.map((e) => e.eventId).join(',')}`);
      const result = await store.appendToStream(stream, events, { expectedVersion: version < 0 ? 'noStream' : version });
      version = result.nextExpectedVersion;
      report(`ack ${batch}`);
    }
  }
}

report('ready');
await Promise.all([writer(), writer(), writer(), writer()]);
