import { describe, expect, it } from 'vitest';
import { Columns } from '../../../src/projections/table/columns.js';
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

  it('refuse a packed buffer with bytes left over', () => {
    const packed = packSegments([new Uint8Array([1, 2, 3])]);
    const longer = new Uint8Array(packed.byteLength + 2);
    longer.set(packed);
    expect(() => unpackSegments(longer)).toThrow(/2 bytes left over/);
  });
});
