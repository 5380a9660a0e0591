import { createHash } from 'node:crypto';
import { uuidToULID } from 'ulid';

/** Stable JSON: object keys sorted, so equal commands hash equally whatever their key order. */
function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Fingerprint of a command, to tell a retry from a different command under the same idempotency key. */
export function commandHash(command: unknown): string {
  return sha256(stableStringify(command));
}

/** The same (stream, idempotency key, index) always yields the same event id: a retried append appends nothing. */
export function deterministicEventId(streamId: string, idempotencyKey: string, index: number): string {
  const hex = sha256(`${streamId}\u0000${idempotencyKey}\u0000${index}`).slice(0, 32);
  return uuidToULID(`${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`);
}

/** A stream id for a value that may hold any characters (a customer name, a target key). */
export function hashedStreamId(category: string, value: string): string {
  return `${category}-${sha256(value).slice(0, 40)}`;
}
