import closeWithGrace from 'close-with-grace';
import { ulid } from 'ulid';
import { createCommandService, ensureStandardPipeline } from '../application/commandService.js';
import { loggerOptions } from '../api/logger.js';
import { buildServer } from '../api/server.js';
import type { Config } from './config.js';
import { describeStore, openStore } from './openStore.js';

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
    newId: ulid,
    timePolicy: { maxClockSkewMs: config.CLOCK_SKEW_MS },
    maxConflictRetries: config.COMMAND_CONFLICT_RETRIES,
    lossReasons: config.LOSS_REASONS,
  });
  await ensureStandardPipeline(commands);
  const app = buildServer({ store, logger: loggerOptions(config.LOG_LEVEL) });
  app.addHook('onClose', async () => {
    await store.close();
  });

  closeWithGrace({ delay: SHUTDOWN_GRACE_MS }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an uncaught error');
    else app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    await app.close();
  });

  await app.listen({ host: config.HOST, port: config.PORT });
  app.log.info({ store: describeStore(config) }, 'sales pipeline engine ready');
}
