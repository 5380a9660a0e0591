import { z } from 'zod';
import { instantSchema, moneySchema, positionSchema } from './answer.js';
import { dealDecider } from '../domain/deal/decider.js';
import type { DealState } from '../domain/deal/decider.js';
import type { DealEvent } from '../domain/deal/events.js';
import type { EventStore } from '../eventstore/port.js';
import { toProjectedEvent } from './events.js';
import type { ProjectedEvent } from './events.js';
import type { PointInTime } from './runner.js';
import { LATE_ENTRY_MS } from './sales.js';

export const timelineEntrySchema = z.object({
  position: positionSchema,
  streamVersion: z.number().int(),
  type: z.string().describe("the event's type, e.g. DealStageChanged"),
  occurredAt: instantSchema.describe('business time (ISO 8601)'),
  recordedAt: instantSchema.describe('system time (ISO 8601)'),
  actor: z.string(),
  correlationId: z.string(),
  causationId: z.string(),
  data: z.record(z.string(), z.unknown()).describe("the event's own fields, as its type defines them"),
  late: z.boolean().describe('recorded more than a day after it occurred'),
  correction: z.boolean().describe('a correction of an earlier fact (the old value stays in the trail)'),
  after: z
    .object({
      status: z.string(),
      stageId: z.string().nullable(),
      ownerRepId: z.string().nullable(),
      amount: moneySchema.nullable(),
      forecastCategory: z.string().nullable(),
    })
    .describe('the deal as it stood after this event'),
});
export type TimelineEntry = z.infer<typeof timelineEntrySchema>;

const CORRECTIONS = new Set(['ContractAmountCorrected']);

function summary(state: DealState): TimelineEntry['after'] {
  if (state.status === 'none') return { status: 'none', stageId: null, ownerRepId: null, amount: null, forecastCategory: null };
  return {
    status: state.status,
    stageId: state.stageId,
    ownerRepId: state.ownerRepId,
    amount: state.contractAmount ?? state.estimatedAmount,
    forecastCategory: state.forecastCategory,
  };
}

/** Every event of one deal in order, with both clocks, who and why, and the deal's state after it. */
export function dealTimeline(events: readonly ProjectedEvent[], lateAfterMs = LATE_ENTRY_MS): TimelineEntry[] {
  let state = dealDecider.initialState;
  return events.map((event) => {
    state = dealDecider.evolve(state, event as DealEvent);
    return {
      position: String(event.position),
      streamVersion: event.streamVersion,
      type: event.type,
      occurredAt: new Date(event.occurredAt).toISOString(),
      recordedAt: new Date(event.recordedAt).toISOString(),
      actor: event.actor,
      correlationId: event.correlationId,
      causationId: event.causationId,
      data: event.data,
      late: event.recordedAt - event.occurredAt > lateAfterMs,
      correction: CORRECTIONS.has(event.type),
      after: summary(state),
    };
  });
}

/** The timeline read from the deal's own stream, as it was at a point in time. */
export async function readDealTimeline(store: EventStore, dealId: string, at: PointInTime = {}): Promise<TimelineEntry[]> {
  const asOf = at.asOf?.getTime();
  const knownAt = at.knownAt?.getTime();
  const events = (await store.readStream(`deal-${dealId}`))
    .map(toProjectedEvent)
    .filter((e) => (knownAt === undefined || e.recordedAt <= knownAt) && (asOf === undefined || e.occurredAt <= asOf));
  return dealTimeline(events);
}
