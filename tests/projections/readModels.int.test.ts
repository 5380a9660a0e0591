import { join } from 'node:path';
import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { openSqliteSnapshotStore } from '../../src/eventstore/sqlite/snapshots.js';
import { openSqliteStore } from '../../src/eventstore/sqlite/store.js';
import { liveProjections } from '../../src/projections/catalogue.js';
import { ReadModels } from '../../src/projections/readModels.js';
import { ProjectionRunner } from '../../src/projections/runner.js';
import { History, day } from '../support/history.js';
import { loadHistory } from '../support/loadHistory.js';
import { q3History } from '../support/q3History.js';
import { aTempDir } from '../support/tempDir.js';

const dir = aTempDir();

async function readModelsOverQ3() {
  const file = join(dir, `${ulid()}.db`);
  let clock = new Date(0);
  const store = openSqliteStore({ file, now: () => clock, pollIntervalMs: 20 });
  const events = [...q3History.events].sort((a, b) => a.recordedAt - b.recordedAt);
  await loadHistory(store, (at) => (clock = at), events);
  const runner = new ProjectionRunner({ store, snapshots: openSqliteSnapshotStore(file), projections: liveProjections, snapshotEvery: 5 });
  await runner.start();
  return { models: new ReadModels(runner, store, () => new Date('2026-10-05T00:00:00Z')), close: async () => (await runner.stop(), await store.close()) };
}

describe('read models through the runner', () => {
  it('measures a target as known then: on 10-01 nobody knew J was signed on 09-30', async () => {
    const { models, close } = await readModelsOverQ3();
    const before = await models.targetProgress(['t-org'], { knownAt: new Date(day('2026-10-01T12:00:00Z')) });
    const after = await models.targetProgress(['t-org'], { knownAt: new Date(day('2026-10-03T00:00:00Z')) });
    expect(before.result[0]?.actual).toBe(600_000);
    expect(after.result[0]?.actual).toBe(650_000);
    expect(before.at).toMatchObject({ knownAt: '2026-10-01T12:00:00.000Z', now: '2026-10-01T12:00:00.000Z' });
    await close();
  });

  it('re-evaluates targets under other rules at a point in time, writing nothing', async () => {
    const { models, close } = await readModelsOverQ3();
    const what = await models.reevaluateTargets({ attribution: 'ownerAtLead' }, ['t-ann'], { asOf: new Date(day('2026-08-20T00:00:00Z')) });
    // as of 08-20: G, H and I signed; at lead time ann owned G and H only
    expect(what.result[0]).toMatchObject({ actual: { actual: 3 }, alternative: { actual: 2 } });
    await close();
  });

  it('explains lifecycle counts with the customers behind them and the contracts behind each stage', async () => {
    const { models, close } = await readModelsOverQ3();
    const lifecycle = await models.customerLifecycles({}, { explain: true });
    expect(lifecycle.result.counts.provenance?.byStage.prospect).toEqual(['umbrella']);
    const acme = lifecycle.result.customers.find((c) => c.customerId === 'acme');
    expect(acme?.provenance?.contracts.map((c) => c.dealId)).toEqual(['G', 'I']);
    await close();
  });

  it('shows a funnel as of a day, with the pipeline as defined then', async () => {
    const { models, close } = await readModelsOverQ3();
    const july = { pipelineId: 'standard', mode: 'cohort' as const, from: day('2026-07-01T00:00:00Z'), to: day('2026-08-01T00:00:00Z') };
    const early = await models.funnel(july, { asOf: new Date(day('2026-07-04T00:00:00Z')) });
    const late = await models.funnel(july, {});
    expect(early.result[0]?.deals).toBe(3); // H, J, K found by 07-04 morning
    expect(late.result[0]?.deals).toBe(5); // and L, I
    await close();
  });
});

describe('live answers', () => {
  it('are served again while no event is appended, and recomputed as soon as one is', async () => {
    const file = join(dir, `${ulid()}.db`);
    let clock = new Date(0);
    const store = openSqliteStore({ file, now: () => clock, pollIntervalMs: 20 });
    const events = [...q3History.events].sort((a, b) => a.recordedAt - b.recordedAt);
    await loadHistory(store, (at) => (clock = at), events);
    const runner = new ProjectionRunner({ store, snapshots: openSqliteSnapshotStore(file), projections: liveProjections });
    await runner.start();
    const models = new ReadModels(runner, store, () => new Date('2026-10-05T00:00:00Z'));
    const july = { pipelineId: 'standard', mode: 'cohort' as const, from: day('2026-07-01T00:00:00Z'), to: day('2026-08-01T00:00:00Z') };
    const first = await models.funnel(july);
    expect(await models.funnel(july)).toBe(first);
    clock = new Date('2026-10-04T00:00:00Z');
    const [position] = await loadHistory(store, (at) => (clock = at), new History().lead('M', '2026-07-20', { customer: 'acme' }).events.map((e) => ({ ...e, recordedAt: day('2026-10-04T00:00:00Z') })));
    await runner.waitFor(position ?? 0n, 5000);
    const after = await models.funnel(july);
    expect(after).not.toBe(first);
    expect(after.result[0]?.deals).toBe((first.result[0]?.deals ?? 0) + 1);
    await runner.stop();
    await store.close();
  });
});
