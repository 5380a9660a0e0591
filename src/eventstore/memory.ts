import { checkExpectedVersion, matchIdempotentRetry, validateAppend } from './appendRules.js';
import { StoreClosedError } from './errors.js';
import { AppendNotifier, pollingSubscription } from './pollingSubscription.js';
import { DEFAULT_READ_ALL_LIMIT, categoryOf } from './port.js';
import type {
  AppendResult,
  EventStore,
  ExpectedVersion,
  NewEvent,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from './port.js';
import { matchesFilter, sliceStream } from './reading.js';

/** In-memory store for unit tests: same semantics as the durable ones, nothing survives the process. */
export function createMemoryStore(options: { now?: () => Date } = {}): EventStore {
  const now = options.now ?? (() => new Date());
  const log: RecordedEvent[] = [];
  const streams = new Map<string, RecordedEvent[]>();
  const byId = new Map<string, RecordedEvent>();
  const notifier = new AppendNotifier();
  let closed = false;

  const ensureOpen = (): void => {
    if (closed) throw new StoreClosedError();
  };

  function append(streamId: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion): AppendResult {
    validateAppend(streamId, events);
    const stream = streams.get(streamId) ?? [];
    const retryVersion = matchIdempotentRetry(streamId, events, events.map((e) => byId.get(e.eventId)));
    if (retryVersion !== null) {
      const last = stream[retryVersion];
      if (!last) throw new Error(`memory store lost event at ${streamId}@${retryVersion}`);
      return { nextExpectedVersion: retryVersion, position: last.position, alreadyStored: true };
    }
    const current = stream.length === 0 ? null : stream.length - 1;
    checkExpectedVersion(streamId, expectedVersion, current);
    const stamped = now().toISOString();
    const previous = log[log.length - 1]?.metadata.recordedAt;
    const recordedAt = previous !== undefined && previous > stamped ? previous : stamped;
    for (const event of events) {
      const recorded: RecordedEvent = {
        eventId: event.eventId,
        type: event.type,
        streamId,
        streamVersion: stream.length,
        position: BigInt(log.length + 1),
        data: structuredClone(event.data),
        metadata: { ...event.metadata, recordedAt },
      };
      stream.push(recorded);
      log.push(recorded);
      byId.set(recorded.eventId, recorded);
    }
    streams.set(streamId, stream);
    notifier.notify();
    return { nextExpectedVersion: stream.length - 1, position: BigInt(log.length), alreadyStored: false };
  }

  function readAllSync({ after, filter, limit = DEFAULT_READ_ALL_LIMIT }: ReadAllOptions): RecordedEvent[] {
    // Positions are 1-based indexes into the log.
    const out: RecordedEvent[] = [];
    const categories = filter?.categories;
    for (let i = after === undefined ? 0 : Number(after); i < log.length && out.length < limit; i++) {
      const event = log[i];
      if (event && matchesFilter(event.type, categoryOf(event.streamId), filter?.types, categories)) out.push(event);
    }
    return out;
  }

  return {
    appendToStream: async (streamId, events, { expectedVersion }) => {
      ensureOpen();
      return append(streamId, events, expectedVersion);
    },
    readStream: async (streamId: string, options: ReadStreamOptions = {}) => {
      ensureOpen();
      return sliceStream(streams.get(streamId) ?? [], options);
    },
    readAll: async (options: ReadAllOptions = {}) => {
      ensureOpen();
      return readAllSync(options);
    },
    subscribe: (options: SubscribeOptions = {}): Subscription => {
      ensureOpen();
      const read = async (after: Position | undefined, limit: number): Promise<RecordedEvent[]> =>
        closed ? [] : readAllSync({ after, filter: options.filter, limit });
      return pollingSubscription(read, notifier, { after: options.after, pollIntervalMs: null });
    },
    headPosition: async () => {
      ensureOpen();
      return log.length === 0 ? null : BigInt(log.length);
    },
    ping: async () => ensureOpen(),
    close: async () => {
      closed = true;
      notifier.notify();
    },
  };
}
