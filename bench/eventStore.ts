/**
 * The sqlite adapter beside raw better-sqlite3 doing the same work, in one run:
 * appends (1 event, one writer; 1 event, 50 concurrent writers; 100 events) and readAll.
 * Usage: npm run bench -- eventStore [--events 1000000] [--seconds 3] [--rounds 3] [--dir /tmp/x]
 * Append rates are the median of the rounds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Database } from '../src/eventstore/sqlite/driver.js';
import { monotonicFactory } from 'ulid';
import type { EventStore, NewEvent } from '../src/eventstore/port.js';
import { prepareDatabase } from '../src/eventstore/sqlite/schema.js';
import { openSqliteStore } from '../src/eventstore/sqlite/store.js';
import { formatRate, printTable, timed } from './table.js';

const { values } = parseArgs({
  args: process.argv.slice(3),
  options: {
    events: { type: 'string', default: '1000000' },
    seconds: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '3' },
    dir: { type: 'string' },
  },
});
const ROUNDS = Number(values.rounds);
const READ_EVENTS = Number(values.events);
const SECONDS = Number(values.seconds);
const dir = values.dir ?? mkdtempSync(join(tmpdir(), 'bench-es-'));
const ulid = monotonicFactory();

function anEvent(i: number): NewEvent {
  return {
    eventId: ulid(),
    type: 'OfferMade',
    data: { dealId: `deal-${i % 5000}`, amount: { minor: 125_000 + i, currency: 'EUR' }, discountPercent: 5, by: 'us', terms: 'net 30' },
    metadata: { occurredAt: '2026-07-01T09:00:00.000Z', actor: 'rep-01J8Z', correlationId: 'c-1', causationId: 'c-1', schemaVersion: 1 },
  };
}

/** Raw better-sqlite3: the same table, pragmas and inserts, one transaction per append. */
function rawWriter(file: string) {
  const db = new Database(file);
  prepareDatabase(db, 5000);
  const insert = db.prepare(
    'INSERT INTO events (event_id, stream_id, stream_version, category, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const versions = new Map<string, number>();
  const append = db.transaction((streamId: string, events: NewEvent[]) => {
    let version = versions.get(streamId) ?? -1;
    const recordedAt = new Date().toISOString();
    for (const e of events) {
      version += 1;
      insert.run(e.eventId, streamId, version, 'deal', e.type, JSON.stringify(e.data), JSON.stringify({ ...e.metadata, recordedAt }));
    }
    versions.set(streamId, version);
  });
  return { append, close: () => db.close() };
}

type Rates = { adapter: number; raw: number };

/** Appends for SECONDS: `writers` concurrent loops, `size` events per append; returns events/s. */
async function adapterAppends(store: EventStore, writers: number, size: number): Promise<number> {
  const deadline = Date.now() + SECONDS * 1000;
  let events = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      const stream = `deal-${ulid()}`;
      let version = -1;
      for (let i = 0; Date.now() < deadline; i++) {
        const batch = Array.from({ length: size }, (_, k) => anEvent(w * 1_000_000 + i * size + k));
        const result = await store.appendToStream(stream, batch, { expectedVersion: version < 0 ? 'noStream' : version });
        version = result.nextExpectedVersion;
        events += size;
      }
    }),
  );
  return events / (Number(process.hrtime.bigint() - started) / 1e9);
}

function rawAppends(raw: ReturnType<typeof rawWriter>, size: number): number {
  const deadline = Date.now() + SECONDS * 1000;
  const stream = `deal-${ulid()}`;
  let events = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; Date.now() < deadline; i++) {
    raw.append(stream, Array.from({ length: size }, (_, k) => anEvent(i * size + k)));
    events += size;
  }
  return events / (Number(process.hrtime.bigint() - started) / 1e9);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** Alternates adapter and raw runs, each on a fresh file, so disk and cache drift hit both alike. */
async function appendScenario(name: string, writers: number, size: number): Promise<Rates> {
  const adapter: number[] = [];
  const raw: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const store = openSqliteStore({ file: join(dir, `${name}-adapter-${round}.db`) });
    adapter.push(await adapterAppends(store, writers, size));
    await store.close();
    const writer = rawWriter(join(dir, `${name}-raw-${round}.db`));
    raw.push(rawAppends(writer, size));
    writer.close();
  }
  return { adapter: median(adapter), raw: median(raw) };
}

async function readScenario(): Promise<Rates> {
  const file = join(dir, 'read.db');
  const store = openSqliteStore({ file });
  for (let written = 0; written < READ_EVENTS; written += 1000) {
    const batch = Array.from({ length: Math.min(1000, READ_EVENTS - written) }, (_, k) => anEvent(written + k));
    await store.appendToStream(`deal-${ulid()}`, batch, { expectedVersion: 'noStream' });
  }
  const adapterRead = await timed(async () => {
    let count = 0;
    let after: bigint | undefined;
    for (;;) {
      const batch = await store.readAll({ after, limit: 1000 });
      count += batch.length;
      const last = batch[batch.length - 1];
      if (!last || batch.length < 1000) return count;
      after = last.position;
    }
  });
  await store.close();

  const db = new Database(file, { readonly: true });
  // The fastest plain better-sqlite3 read of the same rows: the same paged query, array rows, both JSON columns parsed.
  const page = db
    .prepare<[number], unknown[]>('SELECT position, event_id, stream_id, stream_version, type, data, metadata FROM events WHERE position > ? ORDER BY position LIMIT 1000')
    .raw();
  const rawRead = await timed(() => {
    let count = 0;
    let after = 0;
    for (;;) {
      const rows = page.all(after);
      for (const row of rows) {
        JSON.parse(row[5] as string);
        JSON.parse(row[6] as string);
      }
      count += rows.length;
      if (rows.length < 1000) return count;
      after = rows[rows.length - 1]?.[0] as number;
    }
  });
  db.close();
  if (adapterRead.result !== READ_EVENTS || rawRead.result !== READ_EVENTS) {
    throw new Error(`read ${adapterRead.result} (adapter) and ${rawRead.result} (raw) of ${READ_EVENTS} events`);
  }
  return { adapter: READ_EVENTS / adapterRead.seconds, raw: READ_EVENTS / rawRead.seconds };
}

export async function main(): Promise<void> {
  console.log(`sqlite event store benchmark: median of ${ROUNDS} rounds of ${SECONDS}s per append run, readAll over ${READ_EVENTS.toLocaleString('en-US')} events, files in ${dir}`);
  const rows: string[][] = [];
  const report = (name: string, unit: string, rates: Rates, goal: number) => {
    const ratio = rates.adapter / rates.raw;
    rows.push([name, `${formatRate(rates.adapter)} ${unit}`, `${formatRate(rates.raw)} ${unit}`, `${ratio.toFixed(2)}×`, `≥ ${goal}×`, ratio >= goal ? 'met' : 'NOT MET']);
  };
  report('append 1 event, 1 writer', 'events/s', await appendScenario('single', 1, 1), 0.8);
  report('append 1 event, 50 concurrent writers', 'events/s', await appendScenario('concurrent', 50, 1), 5);
  report('append 100 events, 1 writer', 'events/s', await appendScenario('hundred', 1, 100), 0.8);
  report('readAll (batches of 1000) + JSON parse', 'events/s', await readScenario(), 0.8);
  printTable(
    'adapter vs raw better-sqlite3 (raw: one transaction per append, synchronous=FULL; concurrency cannot help raw, it is synchronous)',
    ['scenario', 'adapter', 'raw better-sqlite3', 'adapter/raw', 'goal', 'result'],
    rows,
  );
  if (!values.dir) rmSync(dir, { recursive: true, force: true });
}
