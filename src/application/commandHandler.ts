import { z } from 'zod';
import { refuse } from '../domain/errors.js';
import { instantSchema } from '../domain/shared/schemas.js';
import { checkOccurredAt } from '../domain/shared/time.js';
import type { TimePolicy } from '../domain/shared/time.js';
import { currentSchemaVersion, upcast } from '../domain/upcasting.js';
import { ConcurrencyError } from '../eventstore/errors.js';
import type { EventMetadataInput, EventStore, JsonObject, Position, RecordedEvent } from '../eventstore/port.js';
import type { Aggregate } from './aggregates.js';
import { commandHash, deterministicEventId } from './ids.js';

/** Who and when, for every command; the actor comes from the caller's credentials, never from a request body. */
export const commandMetadataSchema = z.object({
  actor: z.string().min(1),
  /** Business time of the fact; the handler's clock when absent. */
  occurredAt: instantSchema.optional(),
  correlationId: z.string().min(1).max(200).optional(),
  causationId: z.string().min(1).max(200).optional(),
  /** A retry with the same key appends nothing and answers as the first time did. */
  idempotencyKey: z.string().min(1).max(200).optional(),
  /** When set, the command applies only if the stream is still at this version (If-Match). */
  expectedVersion: z.number().int().min(-1).optional(),
});
export type CommandMetadata = z.infer<typeof commandMetadataSchema>;

export type HandlerDeps = {
  store: EventStore;
  clock: () => Date;
  newId: () => string;
  timePolicy: TimePolicy;
  /** How many times a command is re-decided after losing a race for the stream's version. */
  maxConflictRetries: number;
};

export type CommandResult = {
  streamId: string;
  /** The stream's version after the command; null when the stream still does not exist. */
  streamVersion: number | null;
  /** Global position of the command's last event, or of the stream's last event when it appended none. */
  position: Position | null;
  events: { eventId: string; type: string }[];
  /** True when an idempotency key matched an earlier command: nothing was appended this time. */
  replayed: boolean;
};

export type Loaded<State> = { state: State; version: number | null; lastOccurredAt: Date | null; recorded: RecordedEvent[] };

/** Reads a stream and folds it; stored payloads are lifted to their current shape first. */
export async function loadAggregate<S, C, E, X>(store: EventStore, aggregate: Aggregate<S, C, E, X>, streamId: string): Promise<Loaded<S>> {
  const recorded = await store.readStream(streamId);
  const events = recorded.map((r) => aggregate.eventSchema.parse({ type: r.type, data: upcast(r.type, r.metadata.schemaVersion, r.data) }));
  const last = recorded[recorded.length - 1];
  return {
    state: events.reduce(aggregate.decider.evolve, aggregate.decider.initialState),
    version: last ? last.streamVersion : null,
    lastOccurredAt: last ? new Date(last.metadata.occurredAt) : null,
    recorded,
  };
}

function resultOf(streamId: string, recorded: readonly RecordedEvent[], replayed: boolean): CommandResult {
  const last = recorded[recorded.length - 1];
  return {
    streamId,
    streamVersion: last ? last.streamVersion : null,
    position: last ? last.position : null,
    events: recorded.map((r) => ({ eventId: r.eventId, type: r.type })),
    replayed,
  };
}

/** The answer given the first time a command ran under this idempotency key, if it ran. */
function earlierResult(streamId: string, recorded: readonly RecordedEvent[], key: string, hash: string): CommandResult | null {
  const earlier = recorded.filter((r) => r.metadata.idempotencyKey === key);
  if (earlier.length === 0) return null;
  if (earlier.some((r) => r.metadata.commandHash !== hash)) refuse('IDEMPOTENCY_KEY_REUSED', key);
  return resultOf(streamId, earlier, true);
}

type Decision<S, E> = { loaded: Loaded<S>; events: E[]; now: Date; occurredAt: Date } | { replay: CommandResult };

/** Everything but the append: read, fold, check time, load the context, decide. */
export async function decideCommand<S, C, E, X>(
  deps: HandlerDeps,
  aggregate: Aggregate<S, C, E, X>,
  streamId: string,
  command: C,
  metadata: CommandMetadata,
  loadContext: (state: S) => Promise<X>,
  hash: string | undefined = metadata.idempotencyKey ? commandHash(command) : undefined,
): Promise<Decision<S, E>> {
  const loaded = await loadAggregate(deps.store, aggregate, streamId);
  if (metadata.idempotencyKey && hash !== undefined) {
    const earlier = earlierResult(streamId, loaded.recorded, metadata.idempotencyKey, hash);
    if (earlier) return { replay: earlier };
  }
  if (metadata.expectedVersion !== undefined && metadata.expectedVersion !== (loaded.version ?? -1)) {
    throw new ConcurrencyError(streamId, metadata.expectedVersion, loaded.version);
  }
  const now = deps.clock();
  const occurredAt = metadata.occurredAt ? new Date(metadata.occurredAt) : now;
  checkOccurredAt(occurredAt, loaded.lastOccurredAt, now, deps.timePolicy);
  const events = aggregate.decider.decide(command, loaded.state, await loadContext(loaded.state));
  return { loaded, events, now, occurredAt };
}

/**
 * Command handling (DESIGN.md §3): read the stream, fold, decide, append with the version read.
 * Losing the race for that version re-reads and re-decides, up to `maxConflictRetries` times,
 * then the ConcurrencyError surfaces. A refusal appends nothing.
 */
export async function handleCommand<S, C extends { type: string }, E extends { type: string; data: unknown }, X>(
  deps: HandlerDeps,
  aggregate: Aggregate<S, C, E, X>,
  id: string,
  command: C,
  metadata: CommandMetadata,
  loadContext: (state: S) => Promise<X>,
): Promise<CommandResult> {
  const streamId = `${aggregate.category}-${id}`;
  const key = metadata.idempotencyKey;
  const hash = key ? commandHash(command) : undefined;
  const correlationId = metadata.correlationId ?? deps.newId();
  for (let attempt = 0; ; attempt++) {
    const decision = await decideCommand(deps, aggregate, streamId, command, metadata, loadContext, hash);
    if ('replay' in decision) return decision.replay;
    const { loaded, events, occurredAt } = decision;
    if (events.length === 0) return resultOf(streamId, loaded.recorded.slice(-1), false);
    const base: Omit<EventMetadataInput, 'schemaVersion'> = {
      occurredAt: occurredAt.toISOString(),
      actor: metadata.actor,
      correlationId,
      causationId: metadata.causationId ?? correlationId,
      ...(key ? { idempotencyKey: key, commandHash: hash } : {}),
    };
    const newEvents = events.map((event, index) => ({
      // The fingerprint is part of the id: a different command racing under the same key cannot pass for a retry.
      eventId: key ? deterministicEventId(streamId, `${key}\u0000${hash}`, index) : deps.newId(),
      type: event.type,
      data: event.data as JsonObject,
      metadata: { ...base, schemaVersion: currentSchemaVersion(event.type) },
    }));
    try {
      const appended = await deps.store.appendToStream(streamId, newEvents, { expectedVersion: loaded.version ?? 'noStream' });
      return {
        streamId,
        streamVersion: appended.nextExpectedVersion,
        position: appended.position,
        events: newEvents.map((e) => ({ eventId: e.eventId, type: e.type })),
        replayed: false,
      };
    } catch (error) {
      const conditional = metadata.expectedVersion !== undefined;
      if (!(error instanceof ConcurrencyError) || conditional || attempt >= deps.maxConflictRetries) throw error;
    }
  }
}
