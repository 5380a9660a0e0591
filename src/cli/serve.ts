import type { AddressInfo } from 'node:net';
import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';
import { createCommandService, ensureStandardPipeline } from '../application/commandService.js';
import { newUlid } from '../application/ids.js';
import { asynchronousStdout, loggerOptions } from '../api/logger.js';
import { buildServer } from '../api/server.js';
import type { Config } from './config.js';
import { generateAdminKey } from '../api/auth.js';
import { liveProjections } from '../projections/catalogue.js';
import { ReadModels } from '../projections/readModels.js';
import { ProjectionRunner } from '../projections/runner.js';
import { describeStore, openSnapshotStore, openStore } from './openStore.js';

const SHUTDOWN_GRACE_MS = 10_000;

/**
 * Starts the engine: opens the store, checks it answers (an unreachable EventStoreDB is a clear
 * error within seconds, not a hang), listens, and on SIGTERM/SIGINT stops accepting, lets
 * in-flight requests finish, then closes the store.
 */
export async function serve(config: Config): Promise<void> {
  const store = openStore(config);
  try {
    await store.ping();
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  const commands = createCommandService({
    store,
    clock: () => new Date(),
    newId: newUlid,
    timePolicy: { maxClockSkewMs: config.CLOCK_SKEW_MS },
    maxConflictRetries: config.COMMAND_CONFLICT_RETRIES,
    lossReasons: config.LOSS_REASONS,
  });
  await ensureStandardPipeline(commands, store);
  const snapshots = openSnapshotStore(config);
  let app: FastifyInstance | null = null;
  const runner = new ProjectionRunner({
    store,
    snapshots,
    projections: liveProjections,
    snapshotEvery: config.SNAPSHOT_EVERY,
    deltaEvery: config.SNAPSHOT_DELTA_EVERY,
    keepSnapshots: config.SNAPSHOT_KEEP,
    onError: (err) => app?.log.error({ err }, 'projection runner failed'),
  });
  // With no key configured, a first try still works: one admin key is generated and shown once.
  const configured = config.API_KEYS ?? config.API_KEYS_FILE;
  const generated = configured === undefined ? generateAdminKey() : null;
  const keys = configured ?? (generated ? [generated.key] : []);
  // Pretty-printed when a person is watching a terminal, JSON lines otherwise.
  const logStream = process.stdout.isTTY ? null : asynchronousStdout();
  app = await buildServer({
    store,
    logger: loggerOptions(config.LOG_LEVEL, logStream),
    projectionsCaughtUp: () => runner.isCaughtUp,
    trustProxy: config.TRUST_PROXY,
    api: {
      commands,
      readModels: new ReadModels(runner, store, () => new Date(), { maxReplay: config.MAX_REPLAY_EVENTS }),
      runner,
      keys,
      rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
      readBudgetMsPerMinute: config.READ_BUDGET_MS_PER_MINUTE,
      corsOrigins: config.CORS_ORIGINS,
    },
  });
  const server = app;
  server.addHook('onClose', async () => {
    // Projections snapshot their state before the store goes, so the next start does not replay everything.
    await runner.stop();
    await snapshots.close();
    await store.close();
  });

  closeWithGrace({ delay: SHUTDOWN_GRACE_MS }, async ({ signal, err }) => {
    if (err) server.log.error({ err }, 'shutting down after an uncaught error');
    else server.log.info({ signal }, 'shutting down: finishing in-flight requests');
    await server.close();
  });

  await server.listen({ host: config.HOST, port: config.PORT });
  server.log.info({ store: describeStore(config) }, 'sales pipeline engine listening; projections catching up');
  // Once listening: a start that fails shows no key, and the hint has the port taken (PORT=0 picks one).
  if (generated) {
    server.log.warn('no API_KEYS or API_KEYS_FILE configured: generated an admin key for this run only (set one to keep keys across restarts)');
    const year = new Date().getUTCFullYear();
    const url = `${baseUrlOf(server.server.address(), config.HOST)}/funnel?from=${year}-01-01&to=${year + 1}-01-01`;
    // Through the log's stream when there is one, so that it comes after the line above rather than before it.
    (logStream ?? process.stdout).write(`\nAdmin API key for this run: ${generated.secret}\nUse it as: curl -H "Authorization: Bearer ${generated.secret}" "${url}"\n\n`);
  }
  const started = performance.now();
  runner.start().then(
    () => server.log.info({ seconds: Math.round((performance.now() - started) / 100) / 10, position: String(runner.livePosition) }, 'projections caught up: ready'),
    (err: unknown) => server.log.error({ err }, 'projections could not catch up'),
  );
}

/** Where a client on this machine reaches the server: a wildcard host is reached on the loopback address. */
function baseUrlOf(address: AddressInfo | string | null, host: string): string {
  if (address === null || typeof address === 'string') return `http://${host}`;
  const reachable = address.address === '0.0.0.0' ? '127.0.0.1' : address.address === '::' ? '::1' : address.address;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${address.port}`;
}
