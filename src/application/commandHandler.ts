import { z } from 'zod';
import { refuse } from '../domain/errors.js';
import { instantSchema } from '../domain/shared/schemas.js';
import { checkOccurredAt } from '../domain/shared/time.js';
import type { TimePolicy } from '../domain/shared/time.js';
import { currentSchemaVersion, upcast } from '../domain/upcasting.js';
import { ConcurrencyError } from '../eventstore/errors.js';
import type { EventMetadataInput, EventStore, JsonObject, Position } from '../eventstore/port.js';
import { keyedAt } from './aggregateCache.js';
import type { AggregateCache, Answered, Loaded } from './aggregateCache.js';
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
  /**
   * When set, the command applies only if the stream is at this version, at one of these
   * versions, or, for 'exists', exists at all (If-Match with one tag, several, or `*`).
   */
  expectedVersion: z.union([z.number().int().min(-1), z.array(z.number().int().min(-1)).min(1), z.literal('exists')]).optional(),
});
export type CommandMetadata = z.infer<typeof commandMetadataSchema>;
type Precondition = NonNullable<CommandMetadata['expectedVersion']>;

/** Whether a stream at `version` (null: absent) meets the command's precondition. */
function meets(precondition: Precondition, version: number | null): boolean {
  if (precondition === 'exists') return version !== null;
  const current = version ?? -1;
  return typeof precondition === 'number' ? precondition === current : precondition.includes(current);
}

export type HandlerDeps = {
  store: EventStore;
  clock: () => Date;
  newId: () => string;
  timePolicy: TimePolicy;
  /** How many times a command is re-decided after losing a race for the stream's version. */
  maxConflictRetries: number;
  /** Streams folded by earlier commands of this process; without it every command reads its stream. */
  cache?: AggregateCache;
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

/** Reads a stream and folds it; stored payloads are lifted to their current shape first. */
export async function loadAggregate<S, C, E, X>(store: EventStore, aggregate: Aggregate<S, C, E, X>, streamId: string): Promise<Loaded<S>> {
  const recorded = await store.readStream(streamId);
  const events = recorded.map((r) => aggregate.eventSchema.parse({ type: r.type, data: upcast(r.type, r.metadata.schemaVersion, r.data) }));
  const keyed = new Map<string, { hashes: (string | undefined)[]; answer: Answered }>();
  for (const r of recorded) {
    if (r.metadata.idempotencyKey === undefined) continue;
    const key = keyOf(r.metadata.actor, r.metadata.idempotencyKey);
    const earlier = keyed.get(key);
    const hashes = earlier?.hashes ?? [];
    if (!hashes.includes(r.metadata.commandHash)) hashes.push(r.metadata.commandHash);
    keyed.set(key, { hashes, answer: { streamVersion: r.streamVersion, position: r.position, events: [...(earlier?.answer.events ?? []), { eventId: r.eventId, type: r.type }] } });
  }
  const last = recorded[recorded.length - 1];
  return {
    state: events.reduce(aggregate.decider.evolve, aggregate.decider.initialState),
    version: last ? last.streamVersion : null,
    lastOccurredAt: last ? new Date(last.metadata.occurredAt) : null,
    last: { streamVersion: last?.streamVersion ?? null, position: last?.position ?? null, events: last ? [{ eventId: last.eventId, type: last.type }] : [] },
    keyed,
  };
}

/**
 * An idempotency key is the sender's own: another actor's request under the same key is a
 * different request, neither a retry of the first nor a misuse of its key.
 */
const keyOf = (actor: string, idempotencyKey: string): string => `${actor}\u0000${idempotencyKey}`;

/** The answer given the first time this actor's command ran under this idempotency key, if it ran. */
function earlierResult(streamId: string, loaded: Loaded<unknown>, actor: string, key: string, hash: string): CommandResult | null {
  const earlier = keyedAt(loaded, keyOf(actor, key));
  if (!earlier) return null;
  if (earlier.hashes.some((h) => h !== hash)) refuse('IDEMPOTENCY_KEY_REUSED', key);
  return { streamId, ...earlier.answer, replayed: true };
}

/**
 * The store found these very events stored already: their ids come from the idempotency key, so
 * another request under it wrote them first, perhaps through another process. This one wrote
 * nothing, and the fold it decided on may be behind them (kept from before the other's append):
 * it is read again, and the first answer is given from what is stored, as a retry's is.
 */
async function answeredBefore<S, C, E, X>(
  deps: HandlerDeps,
  aggregate: Aggregate<S, C, E, X>,
  streamId: string,
  decidedOn: Loaded<S>,
  metadata: CommandMetadata,
  hash: string | undefined,
  stored: Answered,
): Promise<CommandResult> {
  deps.cache?.forget(streamId, decidedOn);
  const fresh = await loadAggregate(deps.store, aggregate, streamId);
  deps.cache?.set(streamId, fresh);
  const first = metadata.idempotencyKey && hash !== undefined ? earlierResult(streamId, fresh, metadata.actor, metadata.idempotencyKey, hash) : null;
  return first ?? { streamId, ...stored, replayed: true };
}

/**
 * What a retry under the same idempotency key must repeat: the command, and the business time it
 * was given, as an instant (a contract sent again as of the next quarter is another command, not
 * a retry). Without one, the command's hash alone, as stored before occurredAt counted.
 */
function fingerprintOf(command: unknown, metadata: Pick<CommandMetadata, 'occurredAt'>): string {
  return commandHash(metadata.occurredAt === undefined ? command : { command, occurredAt: new Date(metadata.occurredAt).toISOString() });
}

type Decision<S, E> = { loaded: Loaded<S>; events: E[]; now: Date; occurredAt: Date } | { replay: CommandResult };

/**
 * Everything but the append: read (or take the kept fold), fold, check time, load the context,
 * decide. Only an append, which the store checks against the version, or a replay, made of
 * stored facts, is taken from a kept fold: a refusal or a no-op decided on one is decided again on
 * a fresh read, since another process may have appended since.
 */
export async function decideCommand<S, C, E, X>(
  deps: HandlerDeps,
  aggregate: Aggregate<S, C, E, X>,
  streamId: string,
  command: C,
  metadata: CommandMetadata,
  loadContext: (state: S) => Promise<X>,
  hash: string | undefined = metadata.idempotencyKey ? fingerprintOf(command, metadata) : undefined,
): Promise<Decision<S, E>> {
  const decideOn = async (loaded: Loaded<S>): Promise<Decision<S, E>> => {
    if (metadata.idempotencyKey && hash !== undefined) {
      const earlier = earlierResult(streamId, loaded, metadata.actor, metadata.idempotencyKey, hash);
      if (earlier) return { replay: earlier };
    }
    const precondition = metadata.expectedVersion;
    if (precondition !== undefined && !meets(precondition, loaded.version)) {
      throw new ConcurrencyError(streamId, precondition === 'exists' ? 'streamExists' : precondition, loaded.version);
    }
    const now = deps.clock();
    const occurredAt = metadata.occurredAt ? new Date(metadata.occurredAt) : now;
    checkOccurredAt(occurredAt, loaded.lastOccurredAt, now, deps.timePolicy);
    const events = aggregate.decider.decide(command, loaded.state, await loadContext(loaded.state));
    return { loaded, events, now, occurredAt };
  };

  const kept = deps.cache?.get<S>(streamId);
  if (kept) {
    try {
      const decision = await decideOn(kept);
      if ('replay' in decision || decision.events.length > 0) return decision;
    } catch {
      // decided again below, on what the store holds now
    }
    deps.cache?.forget(streamId, kept);
  }
  const loaded = await loadAggregate(deps.store, aggregate, streamId);
  deps.cache?.set(streamId, loaded);
  return decideOn(loaded);
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
  const hash = key ? fingerprintOf(command, metadata) : undefined;
  const scopedKey = key ? keyOf(metadata.actor, key) : undefined;
  const correlationId = metadata.correlationId ?? deps.newId();
  for (let attempt = 0; ; attempt++) {
    const decision = await decideCommand(deps, aggregate, streamId, command, metadata, loadContext, hash);
    if ('replay' in decision) return decision.replay;
    const { loaded, events, occurredAt } = decision;
    if (events.length === 0) return { streamId, ...loaded.last, replayed: false };
    const base: Omit<EventMetadataInput, 'schemaVersion'> = {
      occurredAt: occurredAt.toISOString(),
      actor: metadata.actor,
      correlationId,
      causationId: metadata.causationId ?? correlationId,
      ...(key ? { idempotencyKey: key, commandHash: hash } : {}),
    };
    const newEvents = events.map((event, index) => ({
      // The fingerprint is part of the id: a different command racing under the same key cannot pass for a retry.
      eventId: scopedKey ? deterministicEventId(streamId, `${scopedKey}\u0000${hash}`, index) : deps.newId(),
      type: event.type,
      data: event.data as JsonObject,
      metadata: { ...base, schemaVersion: currentSchemaVersion(event.type) },
    }));
    try {
      const appended = await deps.store.appendToStream(streamId, newEvents, { expectedVersion: loaded.version ?? 'noStream' });
      const answer: Answered = { streamVersion: appended.nextExpectedVersion, position: appended.position, events: newEvents.map((e) => ({ eventId: e.eventId, type: e.type })) };
      if (appended.alreadyStored) return await answeredBefore(deps, aggregate, streamId, loaded, metadata, hash, answer);
      deps.cache?.set(streamId, {
        state: events.reduce(aggregate.decider.evolve, loaded.state),
        version: appended.nextExpectedVersion,
        lastOccurredAt: occurredAt,
        last: { ...answer, events: answer.events.slice(-1) },
        keyed: scopedKey ? loaded.keyed.set(scopedKey, { hashes: [hash], answer }) : loaded.keyed,
      });
      return { streamId, ...answer, replayed: false };
    } catch (error) {
      deps.cache?.forget(streamId, loaded);
      // A lost race changes the version, so a precondition on versions fails for good; 'exists' still holds, and is decided again.
      const conditional = metadata.expectedVersion !== undefined && metadata.expectedVersion !== 'exists';
      if (!(error instanceof ConcurrencyError) || conditional || attempt >= deps.maxConflictRetries) throw error;
    }
  }
}
