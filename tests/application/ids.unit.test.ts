import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { decodeTime, uuidToULID } from 'ulid';
import { describe, expect, it } from 'vitest';
import { commandHash, deterministicEventId, newUlid, ulidText } from '../../src/application/ids.js';

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

describe('command fingerprints', () => {
  it('are the ones stored fingerprints were made with, so a retry of a command stored before still matches', () => {
    // given commands as the handler fingerprints them (hashes taken before the fingerprint's text was built with loops)
    const offer = { type: 'MakeOffer', data: { by: 'customer', amount: { amountMinor: 100000, currency: 'EUR' }, discountPercent: 5 } };
    const timed = { command: { type: 'SetTarget', data: { targetId: 't1', metric: 'revenue', children: ['a', 'b'], scope: { kind: 'team', id: 'north' }, note: undefined } }, occurredAt: '2026-03-01T10:00:00.000Z' };
    const odd = { z: [1, 2.5, -0, null, true, [], {}], a: { ä: 'ünïcode "quoted"\n', A: 1, b: [{ y: 1, x: 2 }] }, _: '' };
    // then each hashes as it did
    expect(commandHash(offer)).toBe('cb6b4f5560922f6605dd81dccb598df02dcc963d52b2f5b5bb49831da30b9035');
    expect(commandHash(timed)).toBe('e24671a72e2f919ceb17a3167785ecc81b24c780dcf872858f76667fd8b50353');
    expect(commandHash(odd)).toBe('9a419ab27283dc0822c7e84762c90c84fcdc9fc1efc804cba806e91978af6673');
  });

  it('do not depend on the order of keys, and leave out keys without a value', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (object) => {
        const reversed = Object.fromEntries(Object.entries(object).reverse());
        expect(commandHash(reversed)).toBe(commandHash(object));
        expect(commandHash({ ...object, '\u0000absent': undefined })).toBe(commandHash(object));
      }),
    );
  });
});
