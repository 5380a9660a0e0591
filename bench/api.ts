/**
 * The HTTP API under load (autocannon, 127.0.0.1, 50 connections) over a generated history,
 * each scenario beside a bare Fastify route returning 2 KB of JSON, in the same run.
 * Usage: npm run bench -- api [--deals 100000] [--seconds 10]
 * autocannon runs in this process, sharing the event loop with the server: every scenario, the
 * bare route included, pays for it, so absolute rates are low and ratios are only indicative.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { ulid } from 'ulid';
import { sha256Hex } from '../src/api/auth.js';
import { buildServer } from '../src/api/server.js';
import { createCommandService } from '../src/application/commandService.js';
import { openSqliteSnapshotStore } from '../src/eventstore/sqlite/snapshots.js';
import { openSqliteStore } from '../src/eventstore/sqlite/store.js';
import { generateHistory } from '../src/generate/history.js';
import { loadPlannedHistory } from '../src/generate/load.js';
import { liveProjections } from '../src/projections/catalogue.js';
import { ReadModels } from '../src/projections/readModels.js';
import { ProjectionRunner } from '../src/projections/runner.js';
import { salesProjection } from '../src/projections/sales.js';
import { formatRate, printTable } from './table.js';

const { values } = parseArgs({ args: process.argv.slice(3), options: { deals: { type: 'string', default: '100000' }, seconds: { type: 'string', default: '10' } } });
const DEALS = Number(values.deals);
const SECONDS = Number(values.seconds);
const SECRET = 'bench-secret';

type Load = { rps: number; p99: number; errors: number };

function load(url: string, options: Partial<autocannon.Options> = {}): Promise<Load> {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections: 50, duration: SECONDS, headers: { authorization: `Bearer ${SECRET}` }, ...options }, (error, result) => {
      if (error) reject(error);
      else resolve({ rps: result.requests.average, p99: result.latency.p99, errors: result.errors + result.non2xx });
    });
  });
}

export async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-api-'));
  const file = join(dir, 'events.db');
  let clock = new Date(0);
  const store = openSqliteStore({ file, now: () => clock });
  const history = generateHistory({ seed: 3, events: DEALS * 7 });
  await loadPlannedHistory(store, history, { setClock: (at) => (clock = at), chunk: 5000 });
  clock = new Date(Math.max(Date.now(), (history.at(-1)?.recordedAt ?? 0) + 1));
  const frozen = clock;
  const runner = new ProjectionRunner({ store, snapshots: openSqliteSnapshotStore(file), projections: liveProjections, snapshotEvery: Number.MAX_SAFE_INTEGER });
  await runner.start();
  const deals = [...runner.current(salesProjection).deals.values()];
  const open = deals.filter((d) => d.status === 'open').map((d) => d.dealId);
  const targetId = history.find((p) => p.event.type === 'TargetSet')?.streamId.slice('target-'.length) ?? '';
  const commands = createCommandService({ store, clock: () => frozen, newId: ulid, timePolicy: { maxClockSkewMs: 3_600_000 }, maxConflictRetries: 5 });
  const app = await buildServer({
    store,
    projectionsCaughtUp: () => runner.isCaughtUp,
    api: { commands, readModels: new ReadModels(runner, store, () => frozen), runner, keys: [{ name: 'bench', role: 'admin', sha256: sha256Hex(SECRET) }], rateLimitPerMinute: 100_000_000 },
  });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const payload = { items: Array.from({ length: 20 }, (_, i) => ({ id: `item-${i}`, name: 'x'.repeat(60), value: i })) };
  const bare = Fastify();
  bare.get('/', async () => payload);
  const bareUrl = await bare.listen({ host: '127.0.0.1', port: 0 });
  console.log(`API benchmark: ${deals.length.toLocaleString('en-US')} deals (${history.length.toLocaleString('en-US')} events), 50 connections, ${SECONDS} s per scenario; bare route body ${JSON.stringify(payload).length} bytes`);

  const year = new Date(frozen).getUTCFullYear();
  const rows: string[][] = [];
  const report = (name: string, measured: Load, against: Load, goal: number, p99Goal: number | null) => {
    const ratio = measured.rps / against.rps;
    const met = ratio >= goal && (p99Goal === null || measured.p99 <= p99Goal) && measured.errors === 0;
    rows.push([name, formatRate(measured.rps), `${measured.p99} ms`, String(measured.errors), `${ratio.toFixed(2)}×`, `≥ ${goal}×${p99Goal === null ? '' : `, p99 ≤ ${p99Goal} ms`}`, met ? 'met' : 'NOT MET']);
  };
  const baseline = await load(bareUrl);
  rows.push(['bare Fastify route (2 KB JSON)', formatRate(baseline.rps), `${baseline.p99} ms`, String(baseline.errors), '1.00×', '', '']);
  report('GET /funnel (cohort, this year)', await load(`${base}/funnel?from=${year - 1}-01-01T00:00:00Z&to=${year + 1}-01-01T00:00:00Z`), baseline, 0.6, 10);
  report(`GET /targets/${targetId}/progress`, await load(`${base}/targets/${targetId}/progress`), baseline, 0.6, 10);
  let n = 0;
  report(
    'GET /deals/{id} (random deal)',
    await load(`${base}/deals/${deals[0]?.dealId}`, { requests: [{ setupRequest: (request) => ({ ...request, path: `/deals/${deals[n++ % deals.length]?.dealId}` }) }] }),
    baseline,
    0.6,
    10,
  );
  report(
    'POST /deals/{id}/offers (random open deal, idempotency key)',
    await load(`${base}/deals/${open[0]}/offers`, {
      method: 'POST',
      requests: [
        {
          // setupRequest replaces the headers: the key goes in again
          setupRequest: (request) => ({
            ...request,
            method: 'POST',
            path: `/deals/${open[n++ % open.length]}/offers`,
            headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json', 'idempotency-key': `k-${n}` },
            body: JSON.stringify({ by: 'customer', amount: { amountMinor: 100_000, currency: 'EUR' }, discountPercent: 5 }),
          }),
        },
      ],
    }),
    baseline,
    0.25,
    null,
  );
  printTable('API over 127.0.0.1 (requests/s are averages; errors count non-2xx answers too)', ['scenario', 'req/s', 'p99', 'errors', 'vs bare', 'goal', 'result'], rows);
  await app.close();
  await bare.close();
  await runner.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
