import type { ComplaintEvent } from '../domain/complaint/events.js';
import type { CustomerEvent } from '../domain/customer/events.js';
import type { DealEvent } from '../domain/deal/events.js';
import type { RepEvent, TeamEvent } from '../domain/organisation/events.js';
import type { PipelineEvent } from '../domain/pipeline/events.js';
import type { TargetEvent } from '../domain/target/events.js';
import { upcast } from '../domain/upcasting.js';
import type { Position, RecordedEvent } from '../eventstore/port.js';

export type DomainEventUnion = DealEvent | CustomerEvent | ComplaintEvent | TargetEvent | RepEvent | TeamEvent | PipelineEvent;
export type DomainEventType = DomainEventUnion['type'];

/** The envelope facts a projection may use; times as epoch milliseconds (cheap to compare and store). */
export type Envelope = {
  eventId: string;
  streamId: string;
  streamVersion: number;
  position: Position;
  occurredAt: number;
  recordedAt: number;
  actor: string;
  correlationId: string;
  causationId: string;
};

export type ProjectedEvent = DomainEventUnion & Envelope;

/**
 * A stored event as projections see it: payload lifted to the current schema version, times
 * parsed. Payloads were validated by their zod schema when written, so they are trusted here:
 * re-validating a million events would cost more than the projections themselves.
 */
export function toProjectedEvent(recorded: RecordedEvent): ProjectedEvent {
  const { metadata } = recorded;
  return {
    type: recorded.type,
    data: upcast(recorded.type, metadata.schemaVersion, recorded.data),
    eventId: recorded.eventId,
    streamId: recorded.streamId,
    streamVersion: recorded.streamVersion,
    position: recorded.position,
    occurredAt: Date.parse(metadata.occurredAt),
    recordedAt: Date.parse(metadata.recordedAt),
    actor: metadata.actor,
    correlationId: metadata.correlationId,
    causationId: metadata.causationId,
  } as ProjectedEvent;
}

/** The id part of a stream id: `deal-01J…` → `01J…`. */
export const idOf = (streamId: string): string => streamId.slice(streamId.indexOf('-') + 1);
