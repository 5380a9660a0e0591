import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoInstant } from '../../src/api/isoInstant.js';

const toISOString = (ms: number) => new Date(ms).toISOString();

describe('isoInstant', () => {
  it('writes what Date writes, for any instant Date can hold', () => {
    // given any integral instant in Date's range (±8.64e15 ms), including signed six-digit years
    fc.assert(
      fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), (ms) => {
        // then the text is Date's
        expect(isoInstant(ms)).toBe(toISOString(ms));
      }),
      { numRuns: 20_000 },
    );
  });

  it('writes what Date writes around the edges of days, years, leap days and the four-digit years', () => {
    const edges = [0, -1, 1, 951_782_400_000, 951_868_799_999, 951_868_800_000, 4_107_542_400_000, 1_709_164_800_000, -62_167_219_200_000, -62_167_219_200_001, 253_402_300_799_999, 253_402_300_800_000];
    for (const ms of edges) expect(isoInstant(ms)).toBe(toISOString(ms));
    // and every millisecond of a day boundary's neighbourhood in this century
    fc.assert(fc.property(fc.integer({ min: 0, max: 40_000 }), fc.integer({ min: -1000, max: 1000 }), (day, offset) => {
      const ms = day * 86_400_000 + offset;
      expect(isoInstant(ms)).toBe(toISOString(ms));
    }));
  });

  it('leaves fractional and invalid times to Date: the same text, or the same refusal', () => {
    expect(isoInstant(1.5)).toBe(toISOString(1.5));
    expect(() => isoInstant(Number.NaN)).toThrow(RangeError);
    expect(() => isoInstant(8.64e15 + 1)).toThrow(RangeError);
  });
});
