/**
 * Many byte parts in one buffer and back: a count, each part's length, then the parts. Each part
 * comes back at the start of an ArrayBuffer of its own with an eighth more room: a decoder can
 * adopt it as a column without copying (see `adopt`), and a delta can grow it in place.
 */
export function packSegments(parts: readonly Uint8Array[]): Uint8Array {
  const header = 4 + 4 * parts.length;
  const total = parts.reduce((sum, part) => sum + part.byteLength, header);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, parts.length, true);
  let offset = header;
  parts.forEach((part, i) => {
    view.setUint32(4 + 4 * i, part.byteLength, true);
    out.set(part, offset);
    offset += part.byteLength;
  });
  return out;
}

/** Bytes for `length` and an eighth more, in whole 8-byte words so any typed array fits. */
export const withRoom = (length: number): number => Math.ceil((length + (length >>> 3)) / 8) * 8;

export function unpackSegments(bytes: Uint8Array): Uint8Array[] {
  return segmentViews(bytes).map((view) => {
    // A copy, never a view: Buffer's slice shares memory, and a view keeps the source's alignment.
    const part = new Uint8Array(new ArrayBuffer(withRoom(view.byteLength)), 0, view.byteLength);
    part.set(view);
    return part;
  });
}

/** The parts as views into `bytes`, not copies: for parts that are read once and dropped. */
export function segmentViews(bytes: Uint8Array): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(0, true);
  const parts: Uint8Array[] = [];
  let offset = 4 + 4 * count;
  for (let i = 0; i < count; i++) {
    const length = view.getUint32(4 + 4 * i, true);
    parts.push(bytes.subarray(offset, offset + length));
    offset += length;
  }
  if (offset !== bytes.byteLength) throw new Error(`snapshot is malformed: ${bytes.byteLength - offset} bytes left over`);
  return parts;
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();
export const textPart = (text: string): Uint8Array => utf8.encode(text);
export const partText = (part: Uint8Array): string => fromUtf8.decode(part);
