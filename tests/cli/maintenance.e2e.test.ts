import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteSnapshotStore } from '../../src/eventstore/sqlite/snapshots.js';
import { openSqliteStore } from '../../src/eventstore/sqlite/store.js';
import { startEngine } from '../support/engineProcess.js';
import { aTempDir } from '../support/tempDir.js';

const root = aTempDir();

describe('seed and rebuild, as an operator runs them', () => {
  it('seeds an empty store with a generated history, recorded at its own times, and refuses a second seed', async () => {
    const dir = join(root, 'seed');
    const first = startEngine(['seed', '--events', '3000', '--seed', '9'], { DATA_DIR: dir });
    expect((await first.exited).code).toBe(0);
    expect(first.output()).toMatch(/seeded [\d,]+ events into sqlite at/);

    const store = openSqliteStore({ file: join(dir, 'events.db') });
    const events = await store.readAll({ limit: 10_000 });
    expect(events.length).toBeGreaterThan(2000);
    // recorded over the generated months, not all at the moment of seeding
    const span = Date.parse(events.at(-1)?.metadata.recordedAt ?? '') - Date.parse(events[0]?.metadata.recordedAt ?? '');
    expect(span).toBeGreaterThan(30 * 86_400_000);
    await store.close();

    const second = startEngine(['seed'], { DATA_DIR: dir });
    expect((await second.exited).code).toBe(1);
    expect(second.output()).toMatch(/^seed failed: the store .* already holds events/);
  });

  it('shows its usage for --help after any command, and does nothing else', async () => {
    const dir = join(root, 'help');
    for (const args of [['seed', '--help'], ['rebuild', '-h'], ['serve', '--help']]) {
      const asked = startEngine(args, { DATA_DIR: dir });
      expect((await asked.exited).code, args.join(' ')).toBe(0);
      expect(asked.output()).toMatch(/^usage: sales-pipeline <command> \[options\]/);
    }
    // nothing was seeded, served or rebuilt: no store was even opened
    expect(existsSync(dir)).toBe(false);
  });

  it('rebuilds every projection with progress, replacing the snapshots', async () => {
    const dir = join(root, 'rebuild');
    expect((await startEngine(['seed', '--events', '3000'], { DATA_DIR: dir }).exited).code).toBe(0);
    const rebuild = startEngine(['rebuild'], { DATA_DIR: dir, SNAPSHOT_EVERY: '1000' });
    expect((await rebuild.exited).code).toBe(0);
    for (const name of ['sales', 'targets', 'customers', 'complaints']) expect(rebuild.output()).toMatch(new RegExp(`rebuilt ${name}: [\\d,]+ events at`));
    const snapshots = openSqliteSnapshotStore(join(dir, 'projections.db'));
    const taken = await snapshots.list('sales');
    expect(taken.length).toBeGreaterThanOrEqual(2);
    // naming the log's first event, so that the server's next start restores them
    const events = openSqliteStore({ file: join(dir, 'events.db') });
    const [first] = await events.readAll({ limit: 1 });
    await events.close();
    expect(taken.map((meta) => meta.firstEventId)).toEqual(taken.map(() => first?.eventId));
    await snapshots.close();

    // and with SNAPSHOT_KEEP=1, only the newest full snapshot stays
    expect((await startEngine(['rebuild', 'sales'], { DATA_DIR: dir, SNAPSHOT_EVERY: '1000', SNAPSHOT_KEEP: '1' }).exited).code).toBe(0);
    const kept = openSqliteSnapshotStore(join(dir, 'projections.db'));
    expect((await kept.list('sales')).filter((meta) => meta.base === null)).toHaveLength(1);
    await kept.close();
  });

  it('refuses an unknown projection or a malformed option with one line', async () => {
    const unknown = startEngine(['rebuild', 'forecasts'], { DATA_DIR: join(root, 'x') });
    expect((await unknown.exited).code).toBe(1);
    expect(unknown.output().trim()).toBe('rebuild failed: no projection named forecasts (known: sales, targets, customers, complaints)');
    const malformed = startEngine(['seed', '--events', 'lots'], { DATA_DIR: join(root, 'y') });
    expect((await malformed.exited).code).toBe(1);
    expect(malformed.output().trim()).toBe('configuration error: --events must be a whole number from 1,000 to 50,000,000 (got "lots")');
    // a number out of the generator's range is named as such, not left to fail inside it
    for (const events of ['5', '99999999999999999999']) {
      const outOfRange = startEngine(['seed', '--events', events], { DATA_DIR: join(root, 'z') });
      expect((await outOfRange.exited).code).toBe(1);
      expect(outOfRange.output().trim()).toBe(`configuration error: --events must be a whole number from 1,000 to 50,000,000 (got "${events}")`);
    }
  });
});
