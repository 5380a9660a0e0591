/**
 * The HTTP API under load (autocannon, 127.0.0.1, 50 connections) over a generated history,
 * each scenario beside a bare Fastify route returning 2 KB of JSON: the two alternate for a few
 * rounds in the same run, and the ratio is the median of the rounds'.
 * Usage: npm run bench -- api [--deals 100000] [--seconds 5] [--rounds 3] [--only funnel,target,tree,deal,offer]
 * autocannon runs in a child process (bench/apiLoad.ts), so it does not share the server's event
 * loop; on a 2-core machine the two then have a core each.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import pino from 'pino';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { commandHeaders, commandResultSchema, dataOf } from '../src/api/commandRoutes.js';
import { sha256Hex } from '../src/api/auth.js';
import { loggerOptions } from '../src/api/logger.js';
import { buildServer } from '../src/api/server.js';
import { createCommandService } from '../src/application/commandService.js';
import { newUlid } from '../src/application/ids.js';
import { loadConfig } from '../src/cli/config.js';
import type { EventStore } from '../src/eventstore/port.js';
import { openSqliteSnapshotStore } from '../src/eventstore/sqlite/snapshots.js';
import { openSqliteStore } from '../src/eventstore/sqlite/store.js';
import { dealCommandSchema } from '../src/domain/deal/commands.js';
import { idSchema } from '../src/domain/shared/schemas.js';
import { generateHistory } from '../src/generate/history.js';
import { loadPlannedHistory } from '../src/generate/load.js';
import { liveProjections } from '../src/projections/catalogue.js';
import { ReadModels } from '../src/projections/readModels.js';
import { ProjectionRunner } from '../src/projections/runner.js';
import { salesProjection } from '../src/projections/sales.js';
import { targetsProjection } from '../src/projections/targets.js';
import { stealMeter } from './machine.js';
import { formatRate, printTable } from './table.js';

const { values } = parseArgs({
  args: process.argv.slice(3),
  options: { deals: { type: 'string', default: '100000' }, seconds: { type: 'string', default: '5' }, rounds: { type: 'string', default: '3' }, only: { type: 'string' } },
});
const DEALS = Number(values.deals);
const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);
const SCENARIOS = ['funnel', 'target', 'tree', 'deal', 'offer'] as const;
const ONLY = values.only === undefined ? SCENARIOS : values.only.split(',');
const unknownScenario = ONLY.find((name) => !(SCENARIOS as readonly string[]).includes(name));
if (unknownScenario !== undefined) throw new Error(`--only: no scenario ${unknownScenario}; the scenarios are ${SCENARIOS.join(', ')}`);
const SECRET = 'bench-secret';
const WARM_UP_SECONDS = 3;

/** `serverCpuUs`: this process (the server, its threads, the bare route) while the load ran; `clientCpuUs`: the load generator's. */
type Load = { rps: number; p99: number; errors: number; requests: number; clientCpuUs: number; serverCpuUs: number };

// Beside this file: compiled, as `npm run bench` runs it, or the source under tsx.
const LOADER = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './apiLoad.ts' : './apiLoad.js', import.meta.url));
const LOADER_ARGS = import.meta.url.endsWith('.ts') ? ['--import', 'tsx', LOADER] : [LOADER];

/** `once`: each path sent once, in one round, instead of rounds of `--seconds` (bench/apiLoad.ts). */
type Options = { paths?: string[]; post?: { body: string }; once?: boolean };

/** Runs one scenario from the load-generator process and reads its figures. */
function run(url: string, options: Options, seconds: number): Promise<Load> {
  const scenario = join(tmpdir(), `bench-api-scenario-${process.pid}.json`);
  writeFileSync(scenario, JSON.stringify({ url, secret: SECRET, seconds, ...options }));
  const cpuBefore = process.cpuUsage();
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [...LOADER_ARGS, scenario], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => {
      const cpu = process.cpuUsage(cpuBefore);
      if (error) reject(error);
      else resolve({ ...(JSON.parse(stdout) as Omit<Load, 'serverCpuUs'>), serverCpuUs: cpu.user + cpu.system });
    });
  });
}

/** Where a request's CPU went: the server process, and the load generator beside it on the same cores. */
const cpuPerRequest = (l: Load): string => `${Math.round(l.serverCpuUs / l.requests)} + ${Math.round(l.clientCpuUs / l.requests)}`;

/** Runs a scenario for the warm-up alone, so that no route is measured while the JIT is still compiling it. */
const warmUp = (url: string, options: Options = {}): Promise<Load> => run(url, options, WARM_UP_SECONDS);

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/** All the loads of a scenario (or of the bare route) as one: requests and CPU add up, the worst p99 stands. */
const together = (loads: readonly Load[]): Load =>
  loads.reduce((sum, l) => ({ rps: 0, p99: Math.max(sum.p99, l.p99), errors: sum.errors + l.errors, requests: sum.requests + l.requests, clientCpuUs: sum.clientCpuUs + l.clientCpuUs, serverCpuUs: sum.serverCpuUs + l.serverCpuUs }));

/**
 * Generates and loads the history, and keeps only what the scenarios need of it: the planned
 * events (176 MB of heap for 100,000 deals) do not stay in the measured process, as no server
 * would carry them. (Kept, they made no difference a scratch run could see.)
 */
async function loadHistory(store: EventStore, setClock: (at: Date) => void): Promise<{ events: number; lastRecordedAt: number; targetId: string }> {
  const history = generateHistory({ seed: 3, events: DEALS * 7 });
  await loadPlannedHistory(store, history, { setClock, chunk: 5000 });
  return {
    events: history.length,
    lastRecordedAt: history.at(-1)?.recordedAt ?? 0,
    targetId: history.find((p) => p.event.type === 'TargetSet')?.streamId.slice('target-'.length) ?? '',
  };
}

export async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-api-'));
  const file = join(dir, 'events.db');
  let clock = new Date(0);
  const store = openSqliteStore({ file, now: () => clock });
  const { events, lastRecordedAt, targetId } = await loadHistory(store, (at) => (clock = at));
  clock = new Date(Math.max(Date.now(), lastRecordedAt + 1));
  const frozen = clock;
  // Snapshots as the server takes them (every SNAPSHOT_EVERY events, deltas between): the commands pay for them.
  const { SNAPSHOT_EVERY, SNAPSHOT_DELTA_EVERY } = loadConfig({});
  const runner = new ProjectionRunner({ store, snapshots: openSqliteSnapshotStore(join(dir, 'projections.db')), projections: liveProjections, snapshotEvery: SNAPSHOT_EVERY, deltaEvery: SNAPSHOT_DELTA_EVERY });
  await runner.start();
  const deals = [...runner.current(salesProjection).deals.values()];
  const open = deals.filter((d) => d.status === 'open').map((d) => d.dealId);
  const commands = createCommandService({ store, clock: () => frozen, newId: newUlid, timePolicy: { maxClockSkewMs: 3_600_000 }, maxConflictRetries: 5 });
  // Logging as `npm start` does (JSON lines at info, one a request, written off the event loop), into a file rather than the table.
  const logFile = join(dir, 'server.log');
  const app = await buildServer({
    store,
    logger: loggerOptions('info', pino.destination({ dest: logFile, sync: false })),
    projectionsCaughtUp: () => runner.isCaughtUp,
    api: { commands, readModels: new ReadModels(runner, store, () => frozen), runner, keys: [{ name: 'bench', role: 'admin', sha256: sha256Hex(SECRET) }], rateLimitPerMinute: 100_000_000 },
  });
  // The offer's answer as a constant, from a route that validates the offer's body, id and headers with the offers' own schemas: what the API's stack costs a command by itself.
  const offerAnswer = { id: 'd0', streamVersion: 7, position: String(events + 1), events: [{ eventId: newUlid(), type: 'OfferMade' }], replayed: false };
  app.withTypeProvider<ZodTypeProvider>().post(
    '/bench/deals/:id/offers',
    { schema: { hide: true, params: z.object({ id: idSchema }), body: dataOf(dealCommandSchema, 'MakeOffer'), headers: commandHeaders, response: { 200: commandResultSchema } } },
    async (request) => ({ ...offerAnswer, id: request.params.id }),
  );
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const payload = { items: Array.from({ length: 20 }, (_, i) => ({ id: `item-${i}`, name: 'x'.repeat(60), value: i })) };
  const bare = Fastify();
  bare.get('/', async () => payload);
  // The tree's answer as it is, sent by the bare route: what sending that many bytes costs by itself.
  let treeBody = '';
  bare.get('/tree-body', async (_request, reply) => reply.type('application/json; charset=utf-8').send(treeBody));
  bare.post('/deals/:id/offers', async (request) => ({ ...offerAnswer, id: (request.params as { id: string }).id }));
  const bareUrl = await bare.listen({ host: '127.0.0.1', port: 0 });
  console.log(`API benchmark: ${deals.length.toLocaleString('en-US')} deals (${events.toLocaleString('en-US')} events), 50 connections, ${ROUNDS} rounds of ${SECONDS} s beside the bare route per scenario after ${WARM_UP_SECONDS} s of warm-up; bare route body ${JSON.stringify(payload).length} bytes; the API logs as npm start does, into ${logFile}`);

  const year = new Date(frozen).getUTCFullYear();
  const rows: string[][] = [];
  // The bare route and the scenario alternate, ROUNDS times each, and the ratio is the median of
  // the rounds' ratios: this machine drifts by up to ±20 % within a run, so a ratio is only taken
  // between neighbours, and one slow round does not decide the result.
  const bareRuns: Load[] = [];
  const stolenOverall = stealMeter();
  await warmUp(bareUrl);
  /**
   * A scenario's row; with no goal, a reference beside the others (`reference` in the result column).
   * It is warmed up with its own requests, unless given others (`warmUpWith`), or none (null).
   */
  const report = async (scenario: (typeof SCENARIOS)[number], name: string, url: string, options: Options, goal: number | null, p99Goal: number | null, warmUpWith: Options | null = options) => {
    if (!ONLY.includes(scenario)) return;
    if (warmUpWith !== null) await warmUp(url, warmUpWith);
    const stolen = stealMeter();
    const rounds: { bare: Load; measured: Load }[] = [];
    for (let round = 0; round < (options.once ? 1 : ROUNDS); round++) rounds.push({ bare: await run(bareUrl, {}, SECONDS), measured: await run(url, options, SECONDS) });
    bareRuns.push(...rounds.map((r) => r.bare));
    const ratios = rounds.map((r) => r.measured.rps / r.bare.rps);
    const ratio = median(ratios);
    const measured = together(rounds.map((r) => r.measured));
    const met = (goal === null || ratio >= goal) && (p99Goal === null || measured.p99 <= p99Goal) && measured.errors === 0;
    rows.push([
      name,
      formatRate(median(rounds.map((r) => r.measured.rps))),
      `${measured.p99} ms`,
      String(measured.errors),
      cpuPerRequest(measured),
      formatRate(median(rounds.map((r) => r.bare.rps))),
      `${ratio.toFixed(2)}× (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`,
      goal === null ? '' : `≥ ${goal}×${p99Goal === null ? '' : `, p99 ≤ ${p99Goal} ms`}`,
      goal === null ? 'reference' : met ? 'met' : 'NOT MET',
      stolen(),
    ]);
  };
  await report('funnel', 'GET /funnel (cohort, this year)', `${base}/funnel?from=${year - 1}-01-01T00:00:00Z&to=${year + 1}-01-01T00:00:00Z`, {}, 0.6, 10);
  await report('target', `GET /targets/${targetId}/progress`, `${base}/targets/${targetId}/progress`, {}, 0.6, 10);
  const children = [...runner.current(targetsProjection).targets.values()].filter((t) => t.parentTargetId === targetId).length;
  const treeUrl = `${base}/targets/${targetId}/progress?children=true`;
  await report('tree', `  … ?children=true (the tree: ${children} child targets)`, treeUrl, {}, 0.6, 10);
  if (ONLY.includes('tree')) {
    treeBody = await (await fetch(treeUrl, { headers: { authorization: `Bearer ${SECRET}` } })).text();
    await report('tree', `  bare route sending the tree's ${(treeBody.length / 1024).toFixed(0)} KB answer`, `${bareUrl}/tree-body`, {}, null, null);
  }
  const sample = (ids: string[]) => Array.from({ length: Math.min(ids.length, 20_000) }, (_, i) => ids[(i * 7919) % ids.length] as string);
  await report('deal', 'GET /deals/{id} (random deal)', base, { paths: sample(deals.map((d) => d.dealId)).map((id) => `/deals/${id}`) }, 0.6, 10);
  const offerBody = { body: JSON.stringify({ by: 'customer', amount: { amountMinor: 100_000, currency: 'EUR' }, discountPercent: 5 }) };
  const openSample = sample(open);
  const offersOn = (ids: readonly string[], prefix = '') => ({ paths: ids.map((id) => `${prefix}/deals/${id}/offers`), post: offerBody });
  // A tenth of the sampled open deals is held out: the code is warmed up on them, so that the first offer on each of the
  // others, the first row, measures a first touch of each deal (its stream read from the store and folded) and nothing else.
  const heldOut = Math.max(50, Math.floor(openSample.length / 10));
  const offers = offersOn(openSample.slice(heldOut));
  await report('offer', `POST /deals/{id}/offers, the first on each of ${offers.paths.length.toLocaleString('en-US')} open deals (stream read from the store)`, base, { ...offers, once: true }, null, null, offersOn(openSample.slice(0, heldOut)));
  // Then on the same deals, whose aggregates the command service now caches (50,000 streams), as a server that has served them before does.
  await report('offer', 'POST /deals/{id}/offers (random open deal, idempotency key), aggregates cached', base, offers, 0.25, null);
  // Where an offer's cost lies: the same POST to a bare route, and through the API's whole stack (key, rate limit, body and header checks, validation, serializer, metrics) to a constant answer.
  await report('offer', '  bare route taking the offer (POST, constant answer)', bareUrl, offersOn(openSample), null, null);
  await report('offer', "  the API's stack, no command: constant answer", base, offersOn(openSample, '/bench'), null, null);
  const bareRates = bareRuns.map((r) => r.rps).sort((a, b) => a - b);
  rows.unshift([
    `bare Fastify route (2 KB JSON), ${bareRuns.length} runs`,
    `${formatRate(bareRates[0] ?? 0)}–${formatRate(bareRates[bareRates.length - 1] ?? 0)}`,
    `${Math.max(...bareRuns.map((r) => r.p99))} ms`,
    String(bareRuns.reduce((sum, r) => sum + r.errors, 0)),
    // Over all the bare runs together.
    cpuPerRequest(together(bareRuns)),
    '',
    '',
    '',
    '',
    stolenOverall(),
  ]);
  printTable(
    `API over 127.0.0.1, load from a separate process; ${ROUNDS} rounds of bare route then scenario, ${SECONDS} s each (req/s: median of the rounds' averages; p99: the worst round's; errors count non-2xx answers and reused idempotency keys too)`,
    ['scenario', 'req/s', 'p99', 'errors', 'CPU µs/request: server + load', 'bare beside it', 'vs bare: median (rounds)', 'goal', 'result', 'CPU stolen (VM)'],
    rows,
  );
  await app.close();
  await bare.close();
  await runner.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
