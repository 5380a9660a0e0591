import { packSegments, segmentViews, withRoom } from './segments.js';

/**
 * How one part of an encoded state changed since a base: its length now, and the byte ranges to
 * write over the base's bytes; every other byte is the base's. A delta snapshot is one patch per
 * part, so it costs what changed, not what the state holds.
 */
export type PartPatch = { length: number; ranges: readonly (readonly [offset: number, bytes: Uint8Array])[] };

/** The part in full: for small parts, and for parts that are not written in place. */
export const wholePatch = (bytes: Uint8Array): PartPatch => ({ length: bytes.byteLength, ranges: [[0, bytes]] });

/** Only what was appended since the base had `baseLength` bytes: for parts that only grow. */
export const tailPatch = (bytes: Uint8Array, baseLength: number): PartPatch => ({
  length: bytes.byteLength,
  ranges: bytes.byteLength > baseLength ? [[baseLength, bytes.subarray(baseLength)]] : [],
});

/** Patches in one buffer: a header of lengths and offsets, then every range's bytes. */
export function packPatches(patches: readonly PartPatch[]): Uint8Array {
  const header: number[] = [patches.length];
  const bytes: Uint8Array[] = [];
  for (const patch of patches) {
    header.push(patch.length, patch.ranges.length);
    for (const [offset, range] of patch.ranges) {
      header.push(offset);
      bytes.push(range);
    }
  }
  return packSegments([new Uint8Array(Uint32Array.from(header).buffer), ...bytes]);
}

/**
 * The parts a base's parts become under `packed` patches. The base's parts must be its own (as
 * `unpackSegments` gives them): they are patched in place, and grown into their room when it suffices.
 */
export function applyPatches(parts: Uint8Array[], packed: Uint8Array): Uint8Array[] {
  const [head, ...bytes] = segmentViews(packed);
  if (!head) throw new Error('delta snapshot is malformed: no header');
  // The header is copied (it may sit misaligned in `packed`, a Buffer whose slice would share it); the ranges are only read.
  const header = new Uint32Array(new Uint8Array(head).buffer);
  let h = 0;
  let b = 0;
  const next = (): number => {
    const value = header[h++];
    if (value === undefined) throw new Error('delta snapshot is malformed: header too short');
    return value;
  };
  const count = next();
  if (count !== parts.length) throw new Error(`delta snapshot has ${count} parts, its base ${parts.length}`);
  return parts.map((base) => {
    const length = next();
    const ranges = next();
    const room = base.buffer.byteLength - base.byteOffset;
    const part = length <= room ? new Uint8Array(base.buffer, base.byteOffset, length) : new Uint8Array(new ArrayBuffer(withRoom(length)), 0, length);
    if (part.buffer !== base.buffer) part.set(base.subarray(0, Math.min(length, base.byteLength)));
    for (let r = 0; r < ranges; r++) {
      const offset = next();
      const range = bytes[b++];
      if (!range || offset + range.byteLength > length) throw new Error('delta snapshot is malformed: a range outside its part');
      part.set(range, offset);
    }
    return part;
  });
}
