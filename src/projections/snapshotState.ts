import { deserialize, serialize } from 'node:v8';
import type { FoundSnapshot } from '../eventstore/snapshots.js';
import type { Projection } from './projection.js';

/** A projection's state as a snapshot holds it: its codec's bytes, or V8's serialization without one. */
export const encodeState = (projection: Projection<unknown>, state: unknown): Uint8Array => (projection.codec ? projection.codec.encode(state) : serialize(state));

/** The state a snapshot holds: a full one decoded alone, a delta on the full snapshot it was taken against. */
export function decodeState(projection: Projection<unknown>, snapshot: FoundSnapshot): unknown {
  if (snapshot.meta.base === null) return projection.codec ? projection.codec.decode(snapshot.state) : deserialize(snapshot.state);
  const delta = projection.codec?.delta;
  if (!delta || !snapshot.baseState) throw new Error(`delta snapshot of ${projection.name} at ${snapshot.meta.position} cannot be restored: no delta codec or no base`);
  return delta.decode(snapshot.baseState, snapshot.state);
}
