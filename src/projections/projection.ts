import type { DomainEventType, ProjectedEvent } from './events.js';

/**
 * A read model as a definition (STYLE.md §6). `apply` updates the state it is given, in place, for
 * speed over millions of events; it reads nothing but that state and the event, so replaying the
 * same events onto `init()` always gives the same state. Bump `version` when `apply` or the state's
 * shape changes: the runner then rebuilds the projection from the first event.
 */
export type Projection<State> = {
  name: string;
  version: number;
  eventTypes: readonly DomainEventType[];
  init: () => State;
  apply: (state: State, event: ProjectedEvent) => void;
  /**
   * How snapshots hold the state, when not `v8.serialize`: a projection with a large state gives
   * one that restores fast (a time-travel query restores one per answer).
   */
  codec?: {
    /** The whole state; it also starts a new base for `delta.encode`, as `decode` does for the state it returns. */
    encode: (state: State) => Uint8Array;
    decode: (bytes: Uint8Array) => State;
    /**
     * Delta snapshots: what changed since the last `encode`, cheap enough to take often, so a
     * time-travel query replays fewer events. Restored on top of the full snapshot they follow.
     */
    delta?: { encode: (state: State) => Uint8Array; decode: (base: Uint8Array, delta: Uint8Array) => State };
  };
};

/** Folds events into a fresh state: the definition of what a projection means, used by tests and replays. */
export function replay<State>(projection: Projection<State>, events: Iterable<ProjectedEvent>): State {
  const state = projection.init();
  const handled = new Set<string>(projection.eventTypes);
  for (const event of events) if (handled.has(event.type)) projection.apply(state, event);
  return state;
}

/** Any projection, whatever its state: what a runner holds side by side. */
export type AnyProjection = Omit<Projection<unknown>, 'apply' | 'codec'> & {
  apply: (state: never, event: ProjectedEvent) => void;
  codec?: {
    encode: (state: never) => Uint8Array;
    decode: (bytes: Uint8Array) => unknown;
    delta?: { encode: (state: never) => Uint8Array; decode: (base: Uint8Array, delta: Uint8Array) => unknown };
  };
};
