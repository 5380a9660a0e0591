import { generateHistory } from '../generate/history.js';
import { loadPlannedHistory } from '../generate/load.js';
import { liveProjections } from '../projections/catalogue.js';
import { ProjectionRunner } from '../projections/runner.js';
import type { Config } from './config.js';
import { describeStore, openSnapshotStore, openStore } from './openStore.js';

const rate = (n: number) => Math.round(n).toLocaleString('en-US');

/** Fills an empty store with a generated, realistic history (for trying the engine and for benchmarks). */
export async function seed(config: Config, options: { events: number; seed: number }, print: (line: string) => void): Promise<void> {
  // The history is recorded at its own planned times: the store's clock follows the loader.
  let clock = new Date();
  const store = openStore(config, { now: () => clock });
  try {
    if ((await store.headPosition()) !== null) {
      throw new Error(`the store (${describeStore(config)}) already holds events; seed fills an empty store only`);
    }
    const history = generateHistory({ seed: options.seed, events: options.events });
    const started = performance.now();
    let printed = 0;
    await loadPlannedHistory(store, history, {
      setClock: (at) => (clock = at),
      onProgress: (loaded) => {
        if (loaded - printed < 100_000) return;
        printed = loaded;
        print(`  ${rate(loaded)} of ${rate(history.length)} events`);
      },
    });
    print(`seeded ${rate(history.length)} events into ${describeStore(config)} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await store.close();
  }
}

/** Rebuilds projections from the first event, replacing their snapshots, and reports progress. */
export async function rebuild(config: Config, names: readonly string[], print: (line: string) => void): Promise<void> {
  const store = openStore(config);
  const snapshots = openSnapshotStore(config);
  try {
    const known = liveProjections.map((p) => p.name);
    const unknown = names.filter((n) => !known.includes(n));
    if (unknown.length > 0) throw new Error(`no projection named ${unknown.join(', ')} (known: ${known.join(', ')})`);
    const runner = new ProjectionRunner({ store, snapshots, projections: liveProjections, snapshotEvery: config.SNAPSHOT_EVERY, deltaEvery: config.SNAPSHOT_DELTA_EVERY, keepSnapshots: config.SNAPSHOT_KEEP });
    for (const name of names.length > 0 ? names : known) {
      let lastPrint = 0;
      const done = await runner.rebuild(name, (p) => {
        if (performance.now() - lastPrint < 1000) return;
        lastPrint = performance.now();
        print(`  ${name}: ${rate(p.events)} events, ${rate(p.eventsPerSecond)} events/s, ETA ${p.etaSeconds === null ? '?' : `${Math.ceil(p.etaSeconds)} s`}`);
      });
      print(`rebuilt ${name}: ${rate(done.events)} events at ${rate(done.eventsPerSecond)} events/s`);
    }
    await runner.stop();
  } finally {
    await snapshots.close();
    await store.close();
  }
}
