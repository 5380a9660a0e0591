import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { feedEvent, feedEventSchema } from '../../src/api/eventRoutes.js';
import { responseSerializer } from '../../src/api/serializer.js';
import { complaintPageSchema, complaintView, complaintViewSchema } from '../../src/api/views/complaint.js';
import { customerLifecyclePageSchema, customerView, customerViewSchema } from '../../src/api/views/customer.js';
import { dealPageSchema, dealView, dealViewSchema } from '../../src/api/views/deal.js';
import { pipelineView, pipelineViewSchema } from '../../src/api/views/pipeline.js';
import { repPageSchema, repView, repViewSchema } from '../../src/api/views/rep.js';
import { targetPageSchema, targetView, targetViewSchema } from '../../src/api/views/target.js';
import { membersByTeam, teamView, teamViewSchema } from '../../src/api/views/team.js';
import type { RecordedEvent } from '../../src/eventstore/port.js';
import { generateHistory } from '../../src/generate/history.js';
import type { PlannedEvent } from '../../src/generate/history.js';
import { complaintsProjection } from '../../src/projections/complaints.js';
import { customersProjection } from '../../src/projections/customers.js';
import type { DomainEventUnion, ProjectedEvent } from '../../src/projections/events.js';
import { customerLifecycles } from '../../src/projections/lifecycle.js';
import { replay } from '../../src/projections/projection.js';
import { salesProjection } from '../../src/projections/sales.js';
import { targetsProjection } from '../../src/projections/targets.js';

const DAY = 86_400_000;

// A generated history, and what the generator may not plan: a departure, an adjusted and a withdrawn target, a retired stage.
const generated = generateHistory({ seed: 7, events: 5_000 }).sort((a, b) => a.recordedAt - b.recordedAt);
const end = Math.max(...generated.map((p) => p.occurredAt)) + DAY;
const later = (streamId: string, event: DomainEventUnion): PlannedEvent => ({ streamId, event, occurredAt: end, recordedAt: end });
const firstStream = (type: string) => generated.find((p) => p.event.type === type)?.streamId ?? 'none';
const planned = [
  ...generated,
  later(firstStream('RepHired'), { type: 'RepDeparted', data: { reason: 'moved on' } }),
  later(firstStream('TargetSet'), { type: 'TargetAdjusted', data: { amount: 1_250_000, previousAmount: 1_000_000, reason: 'new product launch' } }),
  later(firstStream('TargetSet'), { type: 'TargetWithdrawn', data: { reason: 'reorganised' } }),
  later('pipeline-standard', { type: 'StageAdded', data: { stage: { stageId: 'demo', name: 'Demo', probability: 0.3 }, beforeStageId: 'proposal' } }),
  later('pipeline-standard', { type: 'StageRetired', data: { stageId: 'demo' } }),
];
const events = planned.map(
  (p, i): ProjectedEvent =>
    ({ ...p.event, eventId: `e${i + 1}`, streamId: p.streamId, streamVersion: 0, position: BigInt(i + 1), occurredAt: p.occurredAt, recordedAt: p.recordedAt, actor: 'generator', correlationId: `c${i}`, causationId: `c${i}` }) as ProjectedEvent,
);
const sales = replay(salesProjection, events);
const customers = replay(customersProjection, events);
const complaints = replay(complaintsProjection, events);
const targets = replay(targetsProjection, events);
/** Reads at the end of the history, and in its middle (other teams, stages, classes). */
const instants = [end, (generated[0]?.occurredAt ?? 0) + (end - (generated[0]?.occurredAt ?? 0)) / 2];

const serializerFor = (schema: z.ZodType) => responseSerializer({ schema, method: 'GET', url: '/views', httpStatus: '200' } as Parameters<typeof responseSerializer>[0]);

/**
 * Each view is sent by its compiled serializer as JSON.stringify would send it (fast-json-stringify
 * truncates a fractional `integer` and drops a field the schema does not name), and parses back to
 * itself with its schema: zod drops unknown keys at any depth, so an undocumented field fails here.
 */
function expectSentAsDocumented<Schema extends z.ZodObject>(schema: Schema, views: readonly z.infer<Schema>[]): void {
  const serialize = serializerFor(schema);
  expect(views.length).toBeGreaterThan(0);
  for (const view of views) {
    expect(serialize(view)).toBe(JSON.stringify(view));
    expect(schema.strict().parse(view)).toStrictEqual(view);
  }
}

const pagesOf = <View>(views: View[]) => [
  { items: views, nextCursor: null },
  { items: views.slice(0, 1), nextCursor: 'WyJrIiwiaWQiXQ' },
];

describe('the resource views of a generated history', () => {
  it('send every customer, and the customer list, as their schemas document them', () => {
    // given every customer the history registered
    const views = [...sales.customers.values()].flatMap((facts) => {
      const record = customers.customers.get(facts.customerId);
      return record ? [customerView(record)] : [];
    });
    // then each is sent as documented, and so are the lifecycle rows the list shows
    expect(views).toHaveLength(sales.customers.size);
    expectSentAsDocumented(customerViewSchema, views);
    for (const now of instants) {
      const rows = customerLifecycles({ sales, customers, complaints, now });
      expectSentAsDocumented(customerLifecyclePageSchema, pagesOf(rows));
    }
  });

  it('send every complaint and target, and their lists, as their schemas document them', () => {
    // given every complaint and target, a withdrawn one and adjusted ones among them
    const complaintViews = [...complaints.complaints.values()].map(complaintView);
    const targetViews = [...targets.targets.values()].map(targetView);
    expect(targetViews.some((t) => t.status === 'withdrawn') && targetViews.some((t) => t.adjustments.length > 0)).toBe(true);
    expect(complaintViews.some((c) => c.reopened > 0) && complaintViews.some((c) => c.closedAt !== null)).toBe(true);
    // then each is sent as documented, alone and in a page
    expectSentAsDocumented(complaintViewSchema, complaintViews);
    expectSentAsDocumented(complaintPageSchema, pagesOf(complaintViews));
    expectSentAsDocumented(targetViewSchema, targetViews);
    expectSentAsDocumented(targetPageSchema, pagesOf(targetViews));
  });

  it('send every rep, team and pipeline as their schemas document them, at any point in time', () => {
    for (const now of instants) {
      // given the organisation as read at that instant, a departed rep among them
      const reps = [...sales.reps.values()].map((rep) => repView(rep, now));
      const members = membersByTeam(sales, now);
      const teams = [...sales.teams.values()].map((team) => teamView(team, members));
      const pipelines = [...sales.pipelines.values()].flatMap((p) => (p.status === 'defined' ? [pipelineView(p)] : []));
      expect(reps.some((r) => r.status === 'departed')).toBe(true);
      // then each is sent as documented
      expectSentAsDocumented(repViewSchema, reps);
      expectSentAsDocumented(repPageSchema, pagesOf(reps));
      expectSentAsDocumented(teamViewSchema, teams);
      expectSentAsDocumented(pipelineViewSchema, pipelines);
    }
  });

  it('send every deal, and the deal list, as their schemas document them', () => {
    // given every deal, open, won and lost
    const views = [...sales.deals.values()].map((deal) => dealView(deal, sales, end));
    expect(new Set(views.map((d) => d.status))).toEqual(new Set(['open', 'won', 'lost']));
    // then each is sent as documented
    expectSentAsDocumented(dealViewSchema, views);
    expectSentAsDocumented(dealPageSchema, pagesOf(views));
  });

  it('documents every field of the event feed, metadata included', () => {
    // given stored events, one written with an idempotency key
    const recorded = planned.slice(0, 200).map(
      (p, i): RecordedEvent => ({
        eventId: `01J${String(i).padStart(23, '0')}`,
        type: p.event.type,
        streamId: p.streamId,
        streamVersion: 0,
        position: BigInt(i + 1),
        data: { ...p.event.data },
        metadata: {
          occurredAt: new Date(p.occurredAt).toISOString(),
          actor: 'generator',
          correlationId: `c${i}`,
          causationId: `c${i}`,
          ...(i === 0 ? { idempotencyKey: 'k1', commandHash: 'h1' } : {}),
          schemaVersion: 1,
          recordedAt: new Date(p.recordedAt).toISOString(),
        },
      }),
    );
    // then each, as the feed shows it, parses back to itself with the feed's schema, and the
    // metadata this engine writes is all named there (the schema passes on what other writers add)
    const named = Object.keys(feedEventSchema.shape.metadata.shape);
    for (const event of recorded.map(feedEvent)) {
      expect(feedEventSchema.strict().parse(event)).toStrictEqual(event);
      expect(named).toEqual(expect.arrayContaining(Object.keys(event.metadata)));
    }
  });
});
