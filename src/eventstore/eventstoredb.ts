import {
  ANY,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  MaxAppendSizeExceededError,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
  eventTypeFilter,
  excludeSystemEvents,
  isCommandError,
  jsonEvent,
  streamNameFilter,
} from '@eventstore/db-client';
import type { AllStreamResolvedEvent, AppendExpectedRevision, Filter, ResolvedEvent } from '@eventstore/db-client';
import { ulidToUUID, uuidToULID } from 'ulid';
import { validateAppend } from './appendRules.js';
import { ConcurrencyError, InvalidAppendError, StoreUnavailableError } from './errors.js';
import { DEFAULT_READ_ALL_LIMIT, categoryOf } from './port.js';
import type {
  EventFilter,
  EventMetadata,
  EventStore,
  ExpectedVersion,
  JsonObject,
  Position,
  ReadAllOptions,
  RecordedEvent,
  Subscription,
} from './port.js';
import { matchesFilter } from './reading.js';

export type EventStoreDbOptions = {
  connectionString: string;
  /** Deadline of a single call (ms): an unreachable server fails fast instead of hanging. */
  deadlineMs?: number;
  now?: () => Date;
};

/** EventStoreDB has two log positions per event; packing them keeps one total order in one bigint. */
export const packPosition = (p: { commit: bigint; prepare: bigint }): Position => (p.commit << 64n) | p.prepare;
export const unpackPosition = (p: Position) => ({ commit: p >> 64n, prepare: p & ((1n << 64n) - 1n) });

function toExpectedRevision(expected: ExpectedVersion): AppendExpectedRevision {
  if (expected === 'any') return ANY;
  if (expected === 'noStream') return NO_STREAM;
  if (expected === 'streamExists') return STREAM_EXISTS;
  return BigInt(expected);
}

function toRecorded(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | null {
  const event = resolved.event;
  if (!event || !event.isJson || event.streamId.startsWith('$') || event.type.startsWith('$')) return null;
  return {
    eventId: uuidToULID(event.id),
    type: event.type,
    streamId: event.streamId,
    streamVersion: Number(event.revision),
    position: event.position ? packPosition(event.position) : 0n,
    data: event.data as JsonObject,
    metadata: event.metadata as EventMetadata,
  };
}

/**
 * ESDB filters on one field per subscription: categories go to the server as stream-name
 * prefixes, types as an anchored regex when they are the only filter; the rest is matched here.
 */
function serverFilter(filter: EventFilter | undefined): Filter {
  if (filter?.categories) return streamNameFilter({ prefixes: filter.categories.map((c) => `${c}-`) });
  if (filter?.types) {
    const alternatives = filter.types.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
    return eventTypeFilter({ regex: `^(?:${alternatives})$` });
  }
  return excludeSystemEvents();
}

const clientMatches = (event: RecordedEvent, filter: EventFilter | undefined): boolean =>
  matchesFilter(event.type, categoryOf(event.streamId), filter?.types, filter?.categories);

function mapError(error: unknown, streamId: string, expected: ExpectedVersion): unknown {
  if (error instanceof WrongExpectedVersionError) {
    const actual = error.actualVersion;
    return new ConcurrencyError(streamId, expected, typeof actual === 'bigint' ? Number(actual) : null);
  }
  if (error instanceof MaxAppendSizeExceededError) {
    return new InvalidAppendError(`append to ${streamId} exceeds the server's maximum append size (${error.maxAppendSize} bytes)`);
  }
  if (error instanceof Error && isCommandError(error)) {
    return new StoreUnavailableError(`EventStoreDB refused or did not answer: ${error.message}`, { cause: error });
  }
  return error;
}

/** The production store: EventStoreDB / KurrentDB through the official gRPC client. */
export function openEventStoreDb(options: EventStoreDbOptions): EventStore {
  const client = EventStoreDBClient.connectionString(options.connectionString);
  const deadline = options.deadlineMs ?? 10_000;
  const now = options.now ?? (() => new Date());

  async function lastPositionOf(streamId: string): Promise<Position> {
    for await (const resolved of client.readStream(streamId, { direction: BACKWARDS, fromRevision: END, maxCount: 1, deadline })) {
      if (resolved.event?.position) return packPosition(resolved.event.position);
    }
    return 0n;
  }

  return {
    async appendToStream(streamId, events, { expectedVersion }) {
      validateAppend(streamId, events);
      const recordedAt = now().toISOString();
      const payload = events.map((e) =>
        jsonEvent({ id: ulidToUUID(e.eventId), type: e.type, data: e.data, metadata: { ...e.metadata, recordedAt } }),
      );
      try {
        const result = await client.appendToStream(streamId, payload, {
          expectedRevision: toExpectedRevision(expectedVersion),
          deadline,
        });
        // An idempotent retry is answered without a position: read the one it was stored at.
        const position = result.position ? packPosition(result.position) : await lastPositionOf(streamId);
        return { nextExpectedVersion: Number(result.nextExpectedRevision), position, alreadyStored: result.position === undefined };
      } catch (error) {
        throw mapError(error, streamId, expectedVersion);
      }
    },

    async readStream(streamId, { from, direction = 'forwards', limit } = {}) {
      const backwards = direction === 'backwards';
      const out: RecordedEvent[] = [];
      try {
        const read = client.readStream(streamId, {
          direction: backwards ? BACKWARDS : FORWARDS,
          fromRevision: from === undefined ? (backwards ? END : START) : BigInt(from),
          maxCount: limit ?? Number.MAX_SAFE_INTEGER,
          deadline,
        });
        for await (const resolved of read) {
          const event = toRecorded(resolved);
          if (event) out.push(event);
        }
      } catch (error) {
        if (error instanceof StreamNotFoundError) return [];
        throw mapError(error, streamId, 'any');
      }
      return out;
    },

    readAll({ after, filter, limit = DEFAULT_READ_ALL_LIMIT }: ReadAllOptions = {}) {
      // A filtered catch-up subscription that stops at the first "caught up": server-side filtering for a bounded read.
      return new Promise<RecordedEvent[]>((resolve, reject) => {
        const out: RecordedEvent[] = [];
        let done = false;
        const subscription = client.subscribeToAll({
          fromPosition: after === undefined ? START : unpackPosition(after),
          filter: serverFilter(filter),
        });
        const finish = (error?: unknown): void => {
          if (done) return;
          done = true;
          void subscription.unsubscribe();
          if (error) reject(mapError(error, '$all', 'any'));
          else resolve(out);
        };
        subscription.on('data', (resolved: AllStreamResolvedEvent) => {
          if (done) return;
          const event = toRecorded(resolved);
          if (event && clientMatches(event, filter)) out.push(event);
          if (out.length >= limit) finish();
        });
        subscription.on('caughtUp', () => finish());
        subscription.on('error', (error: Error) => finish(error));
      });
    },

    subscribe({ after, filter } = {}): Subscription {
      const subscription = client.subscribeToAll({
        fromPosition: after === undefined ? START : unpackPosition(after),
        filter: serverFilter(filter),
      });
      async function* events(): AsyncGenerator<RecordedEvent> {
        for await (const resolved of subscription) {
          const event = toRecorded(resolved);
          if (event && clientMatches(event, filter)) yield event;
        }
      }
      const iterator = events();
      return {
        [Symbol.asyncIterator]: () => iterator,
        close: async () => {
          await subscription.unsubscribe();
          await iterator.return(undefined);
        },
      };
    },

    async headPosition() {
      try {
        for await (const resolved of client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 50, deadline })) {
          const event = toRecorded(resolved);
          if (event) return event.position;
        }
        return null;
      } catch (error) {
        throw mapError(error, '$all', 'any');
      }
    },

    async ping() {
      try {
        for await (const _ of client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1, deadline: Math.min(deadline, 5000) })) {
          break;
        }
      } catch (error) {
        throw new StoreUnavailableError(`EventStoreDB at ${redact(options.connectionString)} is unreachable: ${String(error)}`, {
          cause: error,
        });
      }
    },

    close: () => client.dispose(),
  };
}

/** Connection strings may carry credentials: keep them out of messages and logs. */
export function redact(connectionString: string): string {
  return connectionString.replace(/\/\/[^@/]*@/, '//***@');
}
