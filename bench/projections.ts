/**
 * Projections over a generated history in the sqlite store, in one run:
 *   - full rebuild of all projections (events/s, peak RSS) beside the raw read of the same events;
 *   - a knownAt query in the middle of the history (median, p95) beside a full replay to that point;
 *   - projection memory per deal.
 * Usage: npm run bench -- projections [--events 1000000] [--queries 15] [--dir /tmp/x]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Database } from '../src/eventstore/sqlite/driver.js';
import { createMemorySnapshotStore } from '../src/eventstore/memorySnapshots.js';
import type { EventStore } from '../src/eventstore/port.js';
import { openSqliteSnapshotStore } from '../src/eventstore/sqlite/snapshots.js';
import { openSqliteStore } from '../src/eventstore/sqlite/store.js';
import { generateHistory } from '../src/generate/history.js';
import { loadPlannedHistory } from '../src/generate/load.js';
import { complaintsProjection } from '../src/projections/complaints.js';
import { customersProjection } from '../src/projections/customers.js';
import { funnel } from '../src/projections/funnel.js';
import { ProjectionRunner } from '../src/projections/runner.js';
import { salesProjection } from '../src/projections/sales.js';
import { targetsProjection } from '../src/projections/targets.js';
import { formatRate, printTable, timed } from './table.js';

const { values } = parseArgs({
  args: process.argv.slice(3),
  options: { events: { type: 'string', default: '1000000' }, queries: { type: 'string', default: '15' }, dir: { type: 'string' } },
});
const EVENTS = Number(values.events);
const QUERIES = Number(values.queries);
const dir = values.dir ?? mkdtempSync(join(tmpdir(), 'bench-projections-'));
const projections = [salesProjection, targetsProjection, customersProjection, complaintsProjection];
const gc = (globalThis as { gc?: () => void }).gc;

// Reads are synchronous (sqlite), so a timer would never fire mid-rebuild: RSS is sampled on the read path.
let peakRss = 0;
function sampled(store: EventStore): EventStore {
  return {
    ...store,
    readAll: async (options) => {
      const batch = await store.readAll(options);
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      return batch;
    },
    subscribe: (options) => {
      const subscription = store.subscribe(options);
      const iterator = subscription[Symbol.asyncIterator]();
      let seen = 0;
      return {
        close: () => subscription.close(),
        [Symbol.asyncIterator]: () => ({
          next: async () => {
            if (++seen % 5000 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
            return iterator.next();
          },
        }),
      };
    },
  };
}
/** Bytes the snapshot states take in the file (SQLite's dbstat is not compiled in everywhere: the states' lengths). */
function snapshotDiskBytes(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT coalesce(sum(length(state)), 0) AS bytes FROM snapshot_state').get() as { bytes: number }).bytes;
  } finally {
    db.close();
  }
}
const mb = (bytes: number) => `${Math.round(bytes / 1_048_576)} MB`;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

async function rawRead(store: EventStore): Promise<number> {
  let count = 0;
  let after: bigint | undefined;
  for (;;) {
    const batch = await store.readAll({ after, limit: 5000 });
    count += batch.length;
    if (batch.length < 5000) return count;
    after = batch[batch.length - 1]?.position;
  }
}

export async function main(): Promise<void> {
  const file = join(dir, 'events.db');
  console.log(`projection benchmark: ${EVENTS.toLocaleString('en-US')} generated events, sqlite in ${dir}${gc ? '' : ' (run with --expose-gc for exact memory figures)'}`);
  const generated = await timed(() => generateHistory({ seed: 1, events: EVENTS }));
  let clock = new Date(0);
  const store = openSqliteStore({ file, now: () => clock });
  const loaded = await timed(() => loadPlannedHistory(store, generated.result, { setClock: (at) => (clock = at), chunk: 5000 }));
  const total = generated.result.length;
  const deals = generated.result.filter((p) => p.event.type === 'LeadFound').length;
  const middle = generated.result[Math.floor(total / 2)]?.recordedAt ?? 0;
  // The queries ask for points spread over the middle tenth of the history, so they land anywhere between two snapshots.
  const points = Array.from({ length: QUERIES }, (_, i) => generated.result[Math.floor(total * (0.45 + (0.1 * i) / Math.max(1, QUERIES - 1)))]?.recordedAt ?? middle);
  console.log(`generated ${total.toLocaleString('en-US')} events (${deals.toLocaleString('en-US')} deals) in ${generated.seconds.toFixed(1)} s; loaded at ${formatRate(total / loaded.seconds)} events/s`);
  generated.result.length = 0;

  // memory first, on a fresh heap: the live states of all projections, per deal
  gc?.();
  gc?.();
  // Heap and array buffers both: the deal and customer tables live in typed arrays, off the heap.
  const used = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const heapBefore = used();
  const holder = new ProjectionRunner({ store, snapshots: createMemorySnapshotStore(), projections, snapshotEvery: Number.MAX_SAFE_INTEGER });
  await holder.start();
  gc?.();
  gc?.();
  const perDeal = (used() - heapBefore) / deals;
  // the states must still be alive when the heap is measured
  if (holder.current(salesProjection).deals.size !== deals) throw new Error('deal count mismatch');
  await holder.stop();

  // raw read and full rebuild, alternated twice; the better of each
  const raw: number[] = [];
  const rebuild: number[] = [];
  let rebuildRss = 0;
  for (let round = 0; round < 2; round++) {
    gc?.();
    raw.push(total / (await timed(() => rawRead(store))).seconds);
    gc?.();
    const before = peakRss;
    peakRss = 0;
    const runner = new ProjectionRunner({ store: sampled(store), snapshots: createMemorySnapshotStore(), projections, snapshotEvery: Number.MAX_SAFE_INTEGER });
    rebuild.push(total / (await timed(() => runner.start())).seconds);
    rebuildRss = Math.max(rebuildRss, peakRss);
    peakRss = Math.max(before, peakRss);
    await runner.stop();
  }

  // knownAt mid-history: from the nearest snapshot (the server's defaults: full every 25,000 events, delta every 2,500), beside a replay from the first event
  const snapshots = openSqliteSnapshotStore(join(dir, 'projections.db'));
  const live = new ProjectionRunner({ store, snapshots, projections: [salesProjection], snapshotEvery: 25_000, deltaEvery: 2_500 });
  const catchUp = await timed(() => live.start());
  const taken = await snapshots.list(salesProjection.name);
  const snapshotBytes = snapshotDiskBytes(file);
  const windowQuery = { pipelineId: 'standard', mode: 'cohort' as const, from: 0, to: middle };
  const knownAt = new Date(middle);
  const latencies: number[] = [];
  let replayed = 0;
  for (const point of points) {
    const { seconds, result } = await timed(async () => {
      const at = await live.stateAt(salesProjection, { knownAt: new Date(point) });
      funnel(at.state, { ...windowQuery, to: point });
      return at.replayed;
    });
    latencies.push(seconds * 1000);
    replayed = Math.max(replayed, result);
  }
  latencies.sort((a, b) => a - b);
  const cold = new ProjectionRunner({ store, snapshots: createMemorySnapshotStore(), projections: [salesProjection] });
  const full: number[] = [];
  for (let i = 0; i < 3; i++) {
    full.push((await timed(async () => funnel((await cold.stateAt(salesProjection, { knownAt })).state, windowQuery))).seconds * 1000);
  }
  full.sort((a, b) => a - b);
  await live.stop();
  await snapshots.close();
  await store.close();

  const rawRate = Math.max(...raw);
  const rebuildRate = Math.max(...rebuild);
  const median = percentile(latencies, 0.5);
  const fullMedian = percentile(full, 0.5);
  printTable(
    `projections over ${total.toLocaleString('en-US')} events, ${deals.toLocaleString('en-US')} deals (sqlite, one process)`,
    ['measure', 'value', 'beside', 'ratio', 'goal', 'result'],
    [
      ['full rebuild of all projections', `${formatRate(rebuildRate)} events/s`, `raw readAll + JSON parse: ${formatRate(rawRate)} events/s`, `${(rebuildRate / rawRate).toFixed(2)}×`, '≥ 0.5×', rebuildRate / rawRate >= 0.5 ? 'met' : 'NOT MET'],
      ['peak RSS during rebuild', mb(rebuildRss), '', '', '', ''],
      [
        `knownAt in the middle tenth + funnel, ${QUERIES} points (replays ≤ ${replayed.toLocaleString('en-US')} events)`,
        `median ${median.toFixed(1)} ms, p95 ${percentile(latencies, 0.95).toFixed(1)} ms`,
        `full replay to the same point: ${fullMedian.toFixed(0)} ms`,
        `${(fullMedian / median).toFixed(1)}× faster`,
        '≥ 20×',
        fullMedian / median >= 20 ? 'met' : 'NOT MET',
      ],
      [
        'sales catch-up from the first event, snapshotting',
        `${formatRate(total / catchUp.seconds)} events/s`,
        `${taken.filter((meta) => meta.base === null).length} full + ${taken.filter((meta) => meta.base !== null).length} delta snapshots, ${mb(snapshotBytes)} on disk`,
        '',
        '',
        '',
      ],
      ['projection state per deal (all projections, heap + typed arrays)', `${Math.round(perDeal)} bytes`, `${mb(perDeal * 100_000)} per 100,000 deals`, '', '< 1 KB', perDeal < 1024 ? 'met' : 'NOT MET'],
    ],
  );
  if (!values.dir) rmSync(dir, { recursive: true, force: true });
}
