import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { uuidToULID } from 'ulid';
import { describe, expect, it } from 'vitest';
import { deterministicEventId, ulidText } from '../../src/application/ids.js';

const asUuid = (hex: string): string => `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;

describe('event ids', () => {
  it('writes 16 bytes as the same ULID text as the ulid library does', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        expect(ulidText(bytes)).toBe(uuidToULID(asUuid(Buffer.from(bytes).toString('hex'))));
      }),
      { numRuns: 2000 },
    );
    expect(ulidText(new Uint8Array(16).fill(255))).toBe('7ZZZZZZZZZZZZZZZZZZZZZZZZZ');
    expect(ulidText(new Uint8Array(16))).toBe('00000000000000000000000000');
    expect(() => ulidText(new Uint8Array(15))).toThrow(/16 bytes, got 15/);
  });

  it('derives an event id from the stream, key and index as it always has, so retries stored before still match', () => {
    const hex = createHash('sha256').update('deal-d1\u0000key-1\u00000').digest('hex');

    expect(deterministicEventId('deal-d1', 'key-1', 0)).toBe(uuidToULID(asUuid(hex.slice(0, 32))));
    expect(deterministicEventId('deal-d1', 'key-1', 1)).not.toBe(deterministicEventId('deal-d1', 'key-1', 0));
  });
});
