import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ulid } from 'ulid';
import { sha256Hex } from '../../src/api/auth.js';
import type { Role } from '../../src/api/auth.js';
import { buildServer } from '../../src/api/server.js';
import { createCommandService, ensureStandardPipeline } from '../../src/application/commandService.js';
import { newUlid } from '../../src/application/ids.js';
import type { EventStore } from '../../src/eventstore/port.js';
import { openSqliteSnapshotStore } from '../../src/eventstore/sqlite/snapshots.js';
import { openSqliteStore } from '../../src/eventstore/sqlite/store.js';
import { liveProjections } from '../../src/projections/catalogue.js';
import { ReadModels } from '../../src/projections/readModels.js';
import { ProjectionRunner } from '../../src/projections/runner.js';

export const keyOf: Record<Role, string> = { viewer: 'secret-viewer', rep: 'secret-rep', manager: 'secret-manager', admin: 'secret-admin' };
export const as = (role: Role) => ({ authorization: `Bearer ${keyOf[role]}` });

export type TestApi = {
  app: FastifyInstance;
  store: EventStore;
  close: () => Promise<void>;
  eventCount: () => Promise<number>;
  /** Stops the projections following the log: writes go on, and reads of a later minPosition wait in vain. */
  stopProjections: () => Promise<void>;
};

/** The whole API on a real sqlite store and a live runner, with one key per role (named after the role). */
export async function anApi(dir: string, options: { rateLimitPerMinute?: number; readBudgetMsPerMinute?: number; maxReplay?: number; corsOrigins?: string[]; trustProxy?: string[] } = {}): Promise<TestApi> {
  const file = join(dir, `${ulid()}.db`);
  const store = openSqliteStore({ file, pollIntervalMs: 10 });
  const commands = createCommandService({ store, clock: () => new Date(), newId: newUlid, timePolicy: { maxClockSkewMs: 60_000 }, maxConflictRetries: 5 });
  await ensureStandardPipeline(commands, store);
  const snapshots = openSqliteSnapshotStore(file);
  const runner = new ProjectionRunner({ store, snapshots, projections: liveProjections });
  await runner.start();
  const keys = (Object.keys(keyOf) as Role[]).map((role) => ({ name: role, role, sha256: sha256Hex(keyOf[role]) }));
  const app = await buildServer({
    store,
    projectionsCaughtUp: () => runner.isCaughtUp,
    trustProxy: options.trustProxy,
    api: { commands, readModels: new ReadModels(runner, store, () => new Date(), { maxReplay: options.maxReplay }), runner, keys, rateLimitPerMinute: options.rateLimitPerMinute ?? 10_000, readBudgetMsPerMinute: options.readBudgetMsPerMinute, minPositionWaitMs: 200, corsOrigins: options.corsOrigins },
  });
  return {
    app,
    store,
    eventCount: async () => (await store.readAll({ limit: 100_000 })).length,
    stopProjections: () => runner.stop(),
    close: async () => {
      await app.close();
      await runner.stop();
      await snapshots.close();
      await store.close();
    },
  };
}
