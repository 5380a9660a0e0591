/**
 * An aggregate's behaviour as three pure functions (STYLE.md §1). `decide` gets everything it may
 * depend on as input: the command, the state folded from the stream, and a context of facts read
 * from other streams and of time (`now`), so it never reads a clock or a store.
 */
export type Decider<State, Command, Event, Context = void> = {
  initialState: State;
  evolve: (state: State, event: Event) => State;
  decide: (command: Command, state: State, context: Context) => Event[];
};

export function fold<State, Event>(decider: { initialState: State; evolve: (s: State, e: Event) => State }, events: readonly Event[]): State {
  return events.reduce(decider.evolve, decider.initialState);
}

/** For exhaustive switches: a new event or command type that is not handled fails to compile. */
export function unreachable(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}
