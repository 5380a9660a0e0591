import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packPosition, unpackPosition } from '../../src/eventstore/eventstoredb.js';
import { parsePosition, positionToString } from '../../src/eventstore/port.js';

const logOffset = fc.bigInt({ min: 0n, max: (1n << 63n) - 1n });

describe('positions', () => {
  it('survive JSON as decimal strings, exactly, beyond 2^53', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 1n << 127n }), (position) => {
        const wire = JSON.parse(JSON.stringify({ position: positionToString(position) })) as { position: string };
        expect(parsePosition(wire.position)).toBe(position);
      }),
    );
  });

  it('refuses a position that is not a non-negative integer', () => {
    for (const bad of ['', '-1', '1.5', 'abc', '1e3']) expect(() => parsePosition(bad)).toThrow(/non-negative integer/);
  });

  it('packs EventStoreDB (commit, prepare) pairs into one bigint that keeps their order', () => {
    fc.assert(
      fc.property(logOffset, logOffset, logOffset, logOffset, (c1, p1, c2, p2) => {
        const a = { commit: c1, prepare: p1 };
        const b = { commit: c2, prepare: p2 };
        expect(unpackPosition(packPosition(a))).toEqual(a);
        const lexicographic = c1 === c2 ? Math.sign(Number(p1 - p2)) : Math.sign(Number(c1 - c2));
        const packed = packPosition(a) === packPosition(b) ? 0 : packPosition(a) < packPosition(b) ? -1 : 1;
        expect(packed).toBe(lexicographic);
      }),
    );
  });
});
