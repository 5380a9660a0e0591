import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { decodeTime, uuidToULID } from 'ulid';
import { describe, expect, it } from 'vitest';
import { deterministicEventId, newUlid, ulidText } from '../../src/application/ids.js';

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

  it('mints fresh ULIDs stamped with the time now, never twice the same, every character of the random part in use', () => {
    const before = Date.now();
    const ids = Array.from({ length: 20_000 }, () => newUlid());
    const after = Date.now();

    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
      expect(decodeTime(id)).toBeGreaterThanOrEqual(before);
      expect(decodeTime(id)).toBeLessThanOrEqual(after);
    }
    // 20,000 ids × 16 random characters: each of the 32 symbols is expected 10,000 times in all (σ ≈ 98).
    const counts = new Map<string, number>();
    for (const id of ids) for (const c of id.slice(10)) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(32);
    for (const n of counts.values()) expect(Math.abs(n - 10_000)).toBeLessThan(600);
  });
});
