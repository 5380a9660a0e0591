import { hash, randomFillSync } from 'node:crypto';
import { ulid } from 'ulid';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * Stable JSON: object keys sorted, so equal commands hash equally whatever their key order. Built
 * with loops, not entries, filter, sort and map: every command with an idempotency key pays for
 * it (3.7 % of the event loop's busy time on offers under load, before). The text must stay the
 * same byte for byte, as stored fingerprints are compared with it (tested against fixed hashes).
 */
function stableStringify(value: unknown): string {
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) text += ',';
      // As Array.prototype.join writes it: nothing for an element JSON has no text for.
      text += stableStringify(value[i]) ?? '';
    }
    return `${text}]`;
  }
  if (value && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    // The default sort orders by UTF-16 code units, as comparing the strings with < does.
    const keys = Object.keys(object).sort();
    let text = '{';
    for (const key of keys) {
      const field = object[key];
      if (field === undefined) continue;
      if (text.length > 1) text += ',';
      text += `${JSON.stringify(key)}:${stableStringify(field)}`;
    }
    return `${text}}`;
  }
  return JSON.stringify(value);
}

// The one-shot `hash` (as auth uses): no Hash object per call. A command with an idempotency key hashes its fingerprint and each event's id.
const sha256 = (text: string): string => hash('sha256', text, 'hex');

/** Fingerprint of a command, to tell a retry from a different command under the same idempotency key. */
export function commandHash(command: unknown): string {
  return sha256(stableStringify(command));
}

/**
 * The first 16 bytes as a ULID's 26 Crockford base-32 characters, the text `uuidToULID` gives for
 * them, written here without its detour through a UUID string (a command pays it per event).
 */
export function ulidText(bytes: Uint8Array): string {
  if (bytes.length < 16) throw new RangeError(`a ULID is made of 16 bytes, got ${bytes.length}`);
  let text = '';
  // 130 bits of text for 128 of value: two leading zero bits.
  let bits = 2;
  let pending = 0;
  for (let i = 0; i < 16; i++) {
    pending = (pending << 8) | (bytes[i] as number);
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      text += CROCKFORD[(pending >>> bits) & 31];
    }
    pending &= (1 << bits) - 1;
  }
  return text;
}

const randomPool = new Uint8Array(4096);
let nextRandom = randomPool.length;

/**
 * A uniform draw in [0, 1) from pooled CSPRNG bytes, each byte used once. The ulid package's own
 * source asks the OS for one byte per character: about 30 µs an id, where a loaded history makes
 * hundreds of thousands.
 */
function pooledRandom(): number {
  if (nextRandom === randomPool.length) {
    randomFillSync(randomPool);
    nextRandom = 0;
  }
  return (randomPool[nextRandom++] as number) / 256;
}

/** A fresh ULID (the time now, then 80 random bits), as `ulid()` makes it, in about half a microsecond. */
export function newUlid(): string {
  return ulid(undefined, pooledRandom);
}

/** The same (stream, idempotency key, index) always yields the same event id: a retried append appends nothing. */
export function deterministicEventId(streamId: string, idempotencyKey: string, index: number): string {
  return ulidText(hash('sha256', `${streamId}\u0000${idempotencyKey}\u0000${index}`, 'buffer'));
}

/** A stream id for a value that may hold any characters (a customer name, a target key). */
export function hashedStreamId(category: string, value: string): string {
  return `${category}-${sha256(value).slice(0, 40)}`;
}
