import { describe, expect, it } from 'vitest';
import { Interned } from '../../../src/projections/table/interned.js';
import { PositionCodec } from '../../../src/projections/table/positions.js';
import { KeyColumn, TextColumn } from '../../../src/projections/table/text.js';

describe('text columns', () => {
  it('give back every string, accents and emoji included, across growth and a round trip', () => {
    // given strings of every width, more than the first buffer holds
    const texts = Array.from({ length: 2000 }, (_, i) => `${'Ünïcødé '.repeat(i % 7)}deal ${i} 🚀`);
    const column = new TextColumn(4);
    for (const text of texts) column.push(text);
    // when encoded and decoded
    const [ends, bytes] = column.encode() as [Uint8Array, Uint8Array];
    const back = TextColumn.decode(new Uint8Array(ends), new Uint8Array(bytes));
    // then both hold the same strings, in order
    expect(texts.map((_, i) => column.at(i))).toEqual(texts);
    expect(texts.map((_, i) => back.at(i))).toEqual(texts);
    expect(back.push('after')).toBe(2000);
    expect(back.at(2000)).toBe('after');
  });
});

describe('key columns', () => {
  it('find each of 20,000 keys by value, and no key that was never added', () => {
    // given 20,000 ids added one by one (the index grows many times)
    const keys = new KeyColumn();
    for (let i = 0; i < 20_000; i++) expect(keys.add(`deal-${i}`)).toBe(i);
    // then each is found at its row, an unknown one is not, and the same holds after a round trip
    const [ends, bytes, hashes] = keys.encode() as [Uint8Array, Uint8Array, Uint8Array];
    const back = KeyColumn.decode(new Uint8Array(ends), new Uint8Array(bytes), new Uint8Array(hashes));
    for (const column of [keys, back]) {
      expect(column.find('deal-0')).toBe(0);
      expect(column.find('deal-12345')).toBe(12345);
      expect(column.find('deal-19999')).toBe(19999);
      expect(column.find('deal-20000')).toBe(-1);
      expect(column.find('')).toBe(-1);
    }
  });
});

describe('interned strings', () => {
  it('give one id per string, and a lookup that adds nothing', () => {
    const strings = new Interned();
    expect([strings.id('lead'), strings.id('won'), strings.id('lead')]).toEqual([0, 1, 0]);
    expect(strings.find('lost')).toBe(-1);
    expect(strings.size).toBe(2);
    const back = Interned.decode(strings.encode());
    expect([back.find('won'), back.id('lost'), back.atOrNull(-1)]).toEqual([1, 2, null]);
  });
});

describe('positions in float columns', () => {
  it('keep safe integers as numbers, null as null, and positions beyond 2^53 exactly', () => {
    // given an EventStoreDB-like position (commit << 64 | prepare) and ordinary ones
    const codec = new PositionCodec();
    const huge = (123_456_789n << 64n) | 42n;
    const written = [codec.write(1n), codec.write(null), codec.write(huge), codec.write(BigInt(Number.MAX_SAFE_INTEGER))];
    // when read back, also after a round trip of the side list
    const back = PositionCodec.decode(codec.encode());
    // then each is what was written
    expect(written.map((v) => codec.read(v))).toEqual([1, null, huge, Number.MAX_SAFE_INTEGER]);
    expect(written.map((v) => back.read(v))).toEqual([1, null, huge, Number.MAX_SAFE_INTEGER]);
  });
});
