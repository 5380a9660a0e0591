import { z } from 'zod';

/**
 * The event store port: the only thing the application and projections know of storage.
 * Adapters (memory, sqlite, eventstoredb) implement it and pass one contract suite.
 */

/** Global, totally ordered position. Opaque outside its adapter; a decimal string on the wire. */
export type Position = bigint;

export const ULID_PATTERN = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

export const eventMetadataSchema = z.object({
  occurredAt: z.iso.datetime({ offset: true }),
  actor: z.string().min(1),
  correlationId: z.string().min(1),
  causationId: z.string().min(1),
  schemaVersion: z.number().int().positive(),
  /** Set when the command carried an idempotency key: a retry with the same key is recognised by it. */
  idempotencyKey: z.string().min(1).max(200).optional(),
  /** Fingerprint of the command under that key, so a different command reusing the key is refused. */
  commandHash: z.string().optional(),
});
/** What a writer supplies; the store adds `recordedAt` when it stores the event. */
export type EventMetadataInput = z.infer<typeof eventMetadataSchema>;
/**
 * `recordedAt` is stamped by the store. The sqlite and memory stores keep it non-decreasing in
 * position order (a clock stepping back is held at the last stamp), so "known at T" is a prefix of
 * the log.
 */
export type EventMetadata = EventMetadataInput & { recordedAt: string };

export type JsonObject = { [key: string]: unknown };

const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const newEventSchema = z.object({
  eventId: z.string().regex(ULID_PATTERN, 'must be a ULID'),
  type: z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/, 'must be an alphanumeric event type name'),
  // Checked as a whole, not key by key: payload shapes belong to the domain's event schemas.
  data: z.custom<JsonObject>(isJsonObject, 'must be a JSON object'),
  metadata: eventMetadataSchema,
});
export type NewEvent = z.infer<typeof newEventSchema>;

export type RecordedEvent = {
  eventId: string;
  type: string;
  streamId: string;
  /** 0-based version of this event within its stream. */
  streamVersion: number;
  position: Position;
  data: JsonObject;
  metadata: EventMetadata;
};

/** The version of the last event in the stream (0-based), or a condition on the stream's existence. */
export type ExpectedVersion = 'any' | 'noStream' | 'streamExists' | number;

export type AppendResult = {
  /** The stream's version after the append: pass it as the next expected version. */
  nextExpectedVersion: number;
  /** Position of the last event of this append. */
  position: Position;
  /**
   * True when these very events (the same ids) were already stored by an earlier append that this
   * one repeats: nothing was written, and the version and position are those of the events stored.
   */
  alreadyStored: boolean;
};

export type EventFilter = {
  /** Only events of these types. */
  types?: readonly string[];
  /** Only events of streams in these categories (the part of the stream id before the first `-`). */
  categories?: readonly string[];
};

export type ReadStreamOptions = {
  /** First version to read (inclusive); with `backwards`, defaults to the last event. */
  from?: number;
  direction?: 'forwards' | 'backwards';
  limit?: number;
};

export type ReadAllOptions = {
  /** Read the events strictly after this position; the beginning of the log when absent. */
  after?: Position;
  filter?: EventFilter;
  /** At most this many events (default 1000). A shorter batch means the end of the log was reached. */
  limit?: number;
};

export type SubscribeOptions = {
  /** Deliver the events strictly after this position (a checkpoint); the whole log when absent. */
  after?: Position;
  filter?: EventFilter;
};

/** Catches up from `after`, then follows live appends, in global order, until closed. */
export interface Subscription extends AsyncIterable<RecordedEvent> {
  close(): Promise<void>;
}

export interface EventStore {
  appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    options: { expectedVersion: ExpectedVersion },
  ): Promise<AppendResult>;
  /** An absent stream reads as no events. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Position of the last event in the log; null when it is empty. */
  headPosition(): Promise<Position | null>;
  subscribe(options?: SubscribeOptions): Subscription;
  /** Resolves when the store answers; rejects with StoreUnavailableError otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_READ_ALL_LIMIT = 1000;

export const STREAM_ID_PATTERN = /^[a-z][a-zA-Z0-9]*-[A-Za-z0-9_.-]+$/;

export function categoryOf(streamId: string): string {
  const dash = streamId.indexOf('-');
  return dash === -1 ? streamId : streamId.slice(0, dash);
}

export function positionToString(position: Position): string {
  return position.toString();
}

export function parsePosition(text: string): Position {
  if (!/^\d+$/.test(text)) throw new RangeError(`position must be a non-negative integer string, got "${text}"`);
  return BigInt(text);
}
