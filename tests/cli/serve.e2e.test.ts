import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteSnapshotStore } from '../../src/eventstore/sqlite/snapshots.js';
import { openSqliteStore } from '../../src/eventstore/sqlite/store.js';
import { aTempDir } from '../support/tempDir.js';
import { listeningPort, startEngine } from '../support/engineProcess.js';

const dataDir = aTempDir();

/** Ready comes once the projections have caught up with the log: poll for it. */
async function readyWithin(port: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if ((await fetch(`http://127.0.0.1:${port}/ready`)).status === 200) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

describe('serve, as an operator runs it', () => {
  it('serves a store filled by seed, whose standard pipeline the generator defined at its own time', async () => {
    const dir = join(dataDir, 'seeded');
    expect((await startEngine(['seed', '--events', '3000', '--seed', '7'], { DATA_DIR: dir }).exited).code).toBe(0);

    const engine = startEngine(['serve'], { PORT: '0', DATA_DIR: dir });
    const port = await listeningPort(engine);

    expect(await readyWithin(port, 20_000)).toBe(true);
    engine.child.kill('SIGTERM');
    expect(await engine.exited).toEqual({ code: 0, signal: null });
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('serves health and readiness on the sqlite store and shuts down on %s', async (signal) => {
    const dir = join(dataDir, signal);
    const engine = startEngine(['serve'], { PORT: '0', DATA_DIR: dir });
    const port = await listeningPort(engine);

    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect(await readyWithin(port, 10_000)).toBe(true);
    expect(engine.output()).toContain('projections caught up: ready');
    expect(existsSync(join(dir, 'events.db'))).toBe(true);
    // structured JSON logs when no TTY is attached
    expect(engine.output()).toMatch(/^\{"level":30/m);

    engine.child.kill(signal);
    expect(await engine.exited).toEqual({ code: 0, signal: null });
    // one access line for the request, and the lines of the shutdown, written before it exited
    expect(engine.output()).toMatch(/"req":\{"method":"GET","url":"\/health".*"res":\{"statusCode":200\}.*"msg":"request completed"/);
    expect(engine.output()).toContain('shutting down');
  });

  it('with no API_KEYS, prints one generated admin key that works, and runs nothing open', async () => {
    const engine = startEngine(['serve'], { PORT: '0', DATA_DIR: join(dataDir, 'keys') });
    const port = await listeningPort(engine);
    expect(await readyWithin(port, 10_000)).toBe(true);
    const secret = /Admin API key for this run: (\S+)/.exec(engine.output())?.[1];
    expect(secret).toMatch(/^spe_/);
    // after the warning that says why there is one
    expect(engine.output().indexOf('generated an admin key')).toBeGreaterThanOrEqual(0);
    expect(engine.output().indexOf('generated an admin key')).toBeLessThan(engine.output().indexOf('Admin API key for this run'));
    expect((await fetch(`http://127.0.0.1:${port}/deals/stalled`)).status).toBe(401);
    const authorised = await fetch(`http://127.0.0.1:${port}/deals/stalled`, { headers: { authorization: `Bearer ${secret}` } });
    expect(authorised.status).toBe(200);
    // the hint names the port taken (PORT=0 picks one), and its URL, quoted, answers
    const hinted = /Use it as: curl -H "Authorization: Bearer \S+" "(http:\/\/[^"]+)"/.exec(engine.output())?.[1];
    expect(hinted).toContain(`http://127.0.0.1:${port}/funnel?from=`);
    expect((await fetch(hinted ?? '', { headers: { authorization: `Bearer ${secret}` } })).status).toBe(200);
    // the secret is shown once on the console and never written into the JSON logs
    expect(engine.output().split(secret ?? '').length - 1).toBe(2);
    engine.child.kill('SIGTERM');
    expect((await engine.exited).code).toBe(0);
  });

  it('defines the standard pipeline on the first start, and only then', async () => {
    const dir = join(dataDir, 'pipeline');
    for (let start = 0; start < 2; start++) {
      const engine = startEngine(['serve'], { PORT: '0', DATA_DIR: dir });
      expect(await readyWithin(await listeningPort(engine), 10_000)).toBe(true);
      engine.child.kill('SIGTERM');
      expect((await engine.exited).code).toBe(0);
    }
    const store = openSqliteStore({ file: join(dir, 'events.db') });
    const pipeline = await store.readStream('pipeline-standard');
    expect(pipeline.map((e) => e.type)).toEqual(['PipelineDefined']);
    expect(pipeline[0]?.metadata.actor).toBe('system');
    await store.close();
    // and the projections left snapshots on shutdown, so a restart does not replay everything
    const snapshots = openSqliteSnapshotStore(join(dir, 'projections.db'));
    expect((await snapshots.list('sales')).length).toBeGreaterThan(0);
    await snapshots.close();
  });

  it('stops at start-up with one line naming a bad variable, exit code 1 and no stack trace', async () => {
    const engine = startEngine(['serve'], { PORT: 'eighty' });
    expect((await engine.exited).code).toBe(1);
    expect(engine.output().trim()).toBe('configuration error: PORT must be a whole number from 0 to 65535 (got "eighty")');
  });

  it('fails fast with a clear error when EventStoreDB is unreachable', async () => {
    const started = Date.now();
    const engine = startEngine(['serve'], {
      STORE: 'eventstoredb',
      EVENTSTORE_CONNECTION_STRING: 'esdb://127.0.0.1:1?tls=false',
    });
    expect((await engine.exited).code).toBe(1);
    expect(engine.output()).toMatch(/^cannot start: EventStoreDB at esdb:\/\/127\.0\.0\.1:1\?tls=false is unreachable/);
    expect(engine.output()).not.toMatch(/\n\s+at /);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('refuses an unknown command with usage and exit code 2', async () => {
    const engine = startEngine(['launch'], {});
    expect((await engine.exited).code).toBe(2);
    expect(engine.output()).toContain('unknown command "launch"');
  });
});
