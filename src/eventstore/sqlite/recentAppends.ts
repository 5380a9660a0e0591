import type { EventMetadata, JsonObject, RecordedEvent } from '../port.js';

/** One event as this process's writer committed it: its row, with the metadata's JSON before the stamp. */
export type CommittedEvent = {
  position: number;
  eventId: string;
  streamId: string;
  streamVersion: number;
  type: string;
  data: string;
  metadata: string;
  recordedAt: string;
};

/**
 * The events this process appended last, as committed. A live subscription reads right after each
 * commit; served from here, that read needs no query of the file, whose page cache each commit of
 * the writer's connection has made stale (the query was some 7 µs of an offer's event-loop time).
 * Only an unbroken run of positions from the one asked for is served: what another process wrote
 * in between is not here, and is read from the file.
 */
export class RecentAppends {
  private events: CommittedEvent[] = [];

  constructor(private readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError(`capacity must be at least 1, got ${capacity}`);
  }

  /** Events committed after every event added before (a process's commits come in position order). */
  add(committed: readonly CommittedEvent[]): void {
    const last = this.events[this.events.length - 1];
    const first = committed[0];
    // Positions only grow; were a commit ever to come before one held, what is held would no longer say what follows what.
    if (last && first && first.position <= last.position) this.events = [];
    this.events.push(...committed);
    if (this.events.length > 2 * this.capacity) this.events = this.events.slice(-this.capacity);
  }

  /**
   * The events at `after + 1`, `after + 2`… as long as each is held, up to `limit`; null when the
   * first is not. Fewer than `limit` does not mean there are no more in the file.
   */
  after(after: number, limit: number): RecordedEvent[] | null {
    let low = 0;
    let high = this.events.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.events[mid] as CommittedEvent).position <= after) low = mid + 1;
      else high = mid;
    }
    const run: RecordedEvent[] = [];
    for (let i = low; i < this.events.length && run.length < limit; i++) {
      const event = this.events[i] as CommittedEvent;
      if (event.position !== after + 1 + run.length) break;
      run.push(recorded(event));
    }
    return run.length === 0 ? null : run;
  }
}

/** The event as a read of its row gives it: the stamp is the metadata's last field, as the writer stores it. */
function recorded(event: CommittedEvent): RecordedEvent {
  return {
    position: BigInt(event.position),
    eventId: event.eventId,
    streamId: event.streamId,
    streamVersion: event.streamVersion,
    type: event.type,
    data: JSON.parse(event.data) as JsonObject,
    metadata: { ...(JSON.parse(event.metadata) as Omit<EventMetadata, 'recordedAt'>), recordedAt: event.recordedAt },
  };
}
