import type { ExpectedVersion } from './port.js';

/** Every adapter turns its driver's conflict into this one error. */
export class ConcurrencyError extends Error {
  readonly code = 'STREAM_VERSION_CONFLICT';
  constructor(
    readonly streamId: string,
    /** Several versions: a command's precondition that any of them would meet (If-Match with several tags). */
    readonly expectedVersion: ExpectedVersion | readonly number[],
    /** The stream's version when the append was refused; null when the stream does not exist. */
    readonly actualVersion: number | null,
  ) {
    super(
      `stream ${streamId}: expected version ${typeof expectedVersion === 'object' ? expectedVersion.join(' or ') : String(expectedVersion)}, ` +
        `but it is ${actualVersion === null ? 'absent' : `at version ${actualVersion}`}`,
    );
    this.name = 'ConcurrencyError';
  }
}

/** An event id already used by a different event (another stream, or another place in this one). */
export class DuplicateEventIdError extends Error {
  readonly code = 'DUPLICATE_EVENT_ID';
  constructor(readonly eventId: string, readonly streamId: string) {
    super(`event id ${eventId} is already stored (append to ${streamId} refused)`);
    this.name = 'DuplicateEventIdError';
  }
}

/** The append itself is malformed (no events, a bad stream id, an event that fails its schema). */
export class InvalidAppendError extends Error {
  readonly code = 'INVALID_APPEND';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidAppendError';
  }
}

export class StoreUnavailableError extends Error {
  readonly code = 'STORE_UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

export class StoreClosedError extends Error {
  readonly code = 'STORE_CLOSED';
  constructor() {
    super('the event store is closed');
    this.name = 'StoreClosedError';
  }
}
