import { describe, expect, it } from 'vitest';
import { Columns } from '../../../src/projections/table/columns.js';
import { applyPatches, packPatches } from '../../../src/projections/table/patches.js';
import { packSegments, unpackSegments } from '../../../src/projections/table/segments.js';

const SPEC = { amount: Float64Array, count: Int32Array, flag: Uint8Array } as const;

describe('columns', () => {
  it('keep every row while they grow past their capacity', () => {
    // given a table with room for 256 rows
    const table = new Columns(SPEC, 256);
    // when 1,000 rows are added
    for (let i = 0; i < 1000; i++) {
      const row = table.add();
      table.cols.amount[row] = i * 1.5;
      table.cols.count[row] = -i;
      table.cols.flag[row] = i % 2;
    }
    // then each row holds what was written to it
    expect(table.size).toBe(1000);
    expect([table.cols.amount[999], table.cols.count[999], table.cols.flag[999]]).toEqual([1498.5, -999, 1]);
    expect([table.cols.amount[1], table.cols.count[1], table.cols.flag[1]]).toEqual([1.5, -1, 1]);
  });

  it('come back from their bytes, through one packed buffer, with the used rows only', () => {
    // given 300 rows
    const table = new Columns(SPEC);
    for (let i = 0; i < 300; i++) table.cols.amount[table.add()] = i / 3;
    // when encoded, packed, unpacked (from an unaligned copy, as a database hands it back) and decoded
    const packed = packSegments(table.encode());
    const unaligned = new Uint8Array(packed.byteLength + 1).subarray(1);
    unaligned.set(packed);
    const back = Columns.decode(SPEC, unpackSegments(unaligned));
    // then the same rows, and new rows can still be added
    expect(back.size).toBe(300);
    expect(Array.from(back.cols.amount.subarray(0, 300))).toEqual(Array.from(table.cols.amount.subarray(0, 300)));
    expect(back.add()).toBe(300);
  });

  it('give a delta that rebuilds them from their base, in at most 1,024 ranges however scattered the touched rows', () => {
    // given 40,000 rows whose bytes are kept as a base
    const table = new Columns(SPEC);
    for (let i = 0; i < 40_000; i++) table.cols.count[table.add()] = i;
    const base = packSegments(table.encode());
    table.markBase();
    // when one row in every other block of 8 changes (2,500 scattered blocks), one of them twice, and rows are added
    for (let row = 0; row < 40_000; row += 16) {
      table.cols.amount[row] = row / 7;
      table.touch(row);
    }
    table.cols.flag[4000] = 9;
    table.touch(4000);
    for (let i = 0; i < 5; i++) table.cols.count[table.add()] = -i;
    const changes = table.changes();
    // then no column's patch has more than 1,024 ranges, and the base patched with them is the table now
    expect(Math.max(...changes.map((patch) => patch.ranges.length))).toBeLessThanOrEqual(1024);
    const patched = applyPatches(unpackSegments(base), packPatches(changes));
    const now = table.encode();
    expect(patched.map((part, i) => Buffer.from(part).equals(Buffer.from(now[i] as Uint8Array)))).toEqual([true, true, true]);
  });

  it('give a delta of only the touched blocks when they are few', () => {
    // given 8,000 rows as a base, then three rows touched far apart
    const table = new Columns(SPEC);
    for (let i = 0; i < 8000; i++) table.add();
    table.markBase();
    for (const row of [10, 4000, 7990]) table.touch(row);
    // then each column's patch holds those three blocks of 8 rows and nothing else
    const [amount] = table.changes();
    expect(amount?.ranges.map(([start, end]) => [start / 8, (end - start) / 8])).toEqual([
      [8, 8],
      [4000, 8],
      [7984, 8],
    ]);
  });

  it('refuse a packed buffer with bytes left over', () => {
    const packed = packSegments([new Uint8Array([1, 2, 3])]);
    const longer = new Uint8Array(packed.byteLength + 2);
    longer.set(packed);
    expect(() => unpackSegments(longer)).toThrow(/2 bytes left over/);
  });
});
