import { join } from 'node:path';
import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { openSqliteSnapshotStore } from '../../src/eventstore/sqlite/snapshots.js';
import { openSqliteStore } from '../../src/eventstore/sqlite/store.js';
import { generateHistory } from '../../src/generate/history.js';
import type { PlannedEvent } from '../../src/generate/history.js';
import { loadPlannedHistory } from '../../src/generate/load.js';
import { answerOf } from '../../src/projections/answer.js';
import { liveProjections } from '../../src/projections/catalogue.js';
import { complaintStatsSchema } from '../../src/projections/complaints.js';
import { timelineEntrySchema } from '../../src/projections/dealTimeline.js';
import { funnelReportSchema } from '../../src/projections/funnel.js';
import { lifecyclesSchema } from '../../src/projections/lifecycle.js';
import { channelRowSchema, performanceRowSchema, stalledDealSchema } from '../../src/projections/performance.js';
import { ReadModels } from '../../src/projections/readModels.js';
import { ProjectionRunner } from '../../src/projections/runner.js';
import { salesProjection } from '../../src/projections/sales.js';
import { reevaluationSchema, targetProgressSchema } from '../../src/projections/targetProgress.js';
import { aTempDir } from '../support/tempDir.js';

const dir = aTempDir();
const history = generateHistory({ seed: 7, events: 4_000 });

async function readModelsOver(planned: readonly PlannedEvent[]) {
  const file = join(dir, `${ulid()}.db`);
  let clock = new Date(0);
  const store = openSqliteStore({ file, now: () => clock, pollIntervalMs: 20 });
  await loadPlannedHistory(store, planned, { setClock: (at) => (clock = at), chunk: 500 });
  const end = Math.max(...planned.map((e) => e.recordedAt));
  const runner = new ProjectionRunner({ store, snapshots: openSqliteSnapshotStore(file), projections: liveProjections, snapshotEvery: 1_000 });
  await runner.start();
  const models = new ReadModels(runner, store, () => new Date(end));
  return { models, runner, close: async () => (await runner.stop(), await store.close()) };
}

/** The schema documents the answer exactly when parsing strips nothing (zod drops keys it does not know) and refuses nothing. */
function expectDocumentedBy(schema: z.ZodType, answer: unknown, what: string) {
  const parsed = schema.safeParse(answer);
  expect(parsed.error, what).toBeUndefined();
  expect(parsed.data, what).toEqual(answer);
}

describe('the schemas of the answers, which the OpenAPI document shows', () => {
  it('document every field of every answer over a generated history, with and without explain, now and in the past', async () => {
    // given a generated history with deals, customers, complaints, targets and reps
    const { models, runner, close } = await readModelsOver(history);
    const start = Math.min(...history.map((e) => e.occurredAt));
    const end = Math.max(...history.map((e) => e.occurredAt));
    const mid = new Date((start + end) / 2);
    const dealIds = [...runner.current(salesProjection).deals.values()].map((d) => d.dealId);
    expect(dealIds.length).toBeGreaterThan(50);

    for (const at of [{}, { asOf: mid }, { knownAt: mid }]) {
      const label = JSON.stringify(at);
      for (const explain of [false, true]) {
        // when every projection is read
        for (const mode of ['cohort', 'flow'] as const) {
          for (const sliceBy of [undefined, 'owner', 'quarter'] as const) {
            const funnel = await models.funnel({ pipelineId: 'standard', mode, from: start, to: end + 1, sliceBy, explain }, at);
            // then each answer is exactly what its schema describes
            expectDocumentedBy(answerOf(funnelReportSchema.array()), funnel, `funnel ${mode} ${String(sliceBy)} ${label}`);
          }
        }
        expectDocumentedBy(answerOf(lifecyclesSchema), await models.customerLifecycles(at, { explain }), `lifecycles ${label}`);
        expectDocumentedBy(answerOf(complaintStatsSchema), await models.complaintStats(at, { explain }), `complaint stats ${label} ${explain}`);
        for (const by of ['rep', 'team'] as const) {
          expectDocumentedBy(answerOf(performanceRowSchema.array()), await models.salesPerformance({ by, from: start, to: end + 1, explain }, at), `performance by ${by} ${label} ${explain}`);
        }
        expectDocumentedBy(answerOf(channelRowSchema.array()), await models.channels({ from: start, to: end + 1, explain }, at), `channels ${label} ${explain}`);
        expectDocumentedBy(answerOf(stalledDealSchema.array()), await models.stalledDeals(at, { explain }), `stalled ${label} ${explain}`);
      }
      const progress = await models.targetProgress(undefined, at);
      expect(progress.result.length, label).toBeGreaterThan(0);
      expectDocumentedBy(answerOf(targetProgressSchema.array()), progress, `target progress ${label}`);
      expectDocumentedBy(answerOf(reevaluationSchema.array()), await models.reevaluateTargets({ attribution: 'ownerAtLead', creditOn: 'recordedAt' }, undefined, at), `what-if ${label}`);
      for (const dealId of dealIds.filter((_, i) => i % 25 === 0)) {
        expectDocumentedBy(answerOf(timelineEntrySchema.array()), await models.dealTimeline(dealId, at), `timeline of ${dealId} ${label}`);
      }
    }
    await close();
  });
});
