import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TEXT_RULES, firstTextFault } from '../../src/api/jsonText.js';

describe('firstTextFault', () => {
  it('names a key given twice in one object, however it is escaped, and only within one object', () => {
    // given a key repeated at the top, nested in an array, and spelt once plainly and once as an escape
    expect(firstTextFault('{"by":"us","by":"customer"}')).toEqual({ field: 'body.by', rule: TEXT_RULES.duplicate });
    expect(firstTextFault('{"stages":[{"id":"a"},{"id":"b","name":"x","id":"c"}]}')).toEqual({ field: 'body.stages.1.id', rule: TEXT_RULES.duplicate });
    expect(firstTextFault('{"a":1,"\\u0061":2}')).toEqual({ field: 'body.a', rule: TEXT_RULES.duplicate });
    // then the same key in sibling objects, or as a value, is no fault
    expect(firstTextFault('{"x":{"id":1},"y":{"id":1},"id":"id"}')).toBeNull();
  });

  it('names a number written with more precision than a double keeps, with the value it would become', () => {
    // given numbers a double cannot hold as written
    expect(firstTextFault('{"amount":{"amountMinor":11000000.00000000001}}')).toEqual({ field: 'body.amount.amountMinor', rule: 'has more precision than a number holds: it would be stored as 11000000' });
    expect(firstTextFault('[1,9007199254740993]')?.rule).toBe('has more precision than a number holds: it would be stored as 9007199254740992');
    expect(firstTextFault('{"d":99.99999999999999999}')?.rule).toBe('has more precision than a number holds: it would be stored as 100');
    expect(firstTextFault('{"tiny":1e-400}')?.rule).toBe('has more precision than a number holds: it would be stored as 0');
    expect(firstTextFault('{"n":123456789012345678901234567890e-10}')?.rule).toBe('has more precision than a number holds: it would be stored as 12345678901234567000');
    expect(firstTextFault('{"huge":1e400}')).toEqual({ field: 'body.huge', rule: 'is too large for a number' });
    // then numbers that read back as written pass, whatever their notation
    for (const exact of ['9007199254740991', '9007199254740992', '1.5e3', '0.1', '100.000', '-0', '0.000', '1E+2', '-12.5e-3', '1234567890123e-10', '5e-324']) {
      expect(firstTextFault(`{"n":${exact}}`), exact).toBeNull();
    }
  });

  it('names a string or key holding half a surrogate pair or a control character', () => {
    expect(firstTextFault('{"name":"a\\ud800b"}')).toEqual({ field: 'body.name', rule: TEXT_RULES.surrogate });
    expect(firstTextFault('{"name":"a\\u0000"}')).toEqual({ field: 'body.name', rule: TEXT_RULES.control });
    expect(firstTextFault('{"x\\u001b":1}')).toEqual({ field: 'body.x\u001b', rule: TEXT_RULES.control });
    expect(firstTextFault('["ok","\u0085"]')).toEqual({ field: 'body.1', rule: TEXT_RULES.control });
    // tabs, line breaks, a whole pair and quotes escaped are text as sent
    expect(firstTextFault('{"note":"a\\tb\\nc\\r\\"d\\"","emoji":"\\ud83d\\ude00"}')).toBeNull();
  });

  it('names the keys that would reach a prototype', () => {
    expect(firstTextFault('{"x":{"__proto__":{"admin":true}}}')).toEqual({ field: 'body.x.__proto__', rule: TEXT_RULES.prototype });
    expect(firstTextFault('{"constructor":{"prototype":{}}}')).toEqual({ field: 'body.constructor.prototype', rule: TEXT_RULES.prototype });
    expect(firstTextFault('{"constructor":"c","prototype":"p"}')).toBeNull();
  });

  it('walks any depth of nesting without overflowing the stack', () => {
    // given 100,000 nested arrays around a string with an escape
    const depth = 100_000;
    const text = `${'['.repeat(depth)}"caf\\u00e9\\u0007"${']'.repeat(depth)}`;
    // then the fault is found, at its index path
    expect(firstTextFault(text)?.rule).toBe(TEXT_RULES.control);
  });

  it('finds nothing in the text JSON.stringify writes for a value it keeps', () => {
    const control = (code: number) => (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || (code >= 0x7f && code <= 0x9f);
    const plain = fc.string({ unit: 'grapheme' }).filter((s) => ![...s].some((ch) => control(ch.codePointAt(0) ?? 0)));
    const value = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, plain, fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), fc.array(tie('value')), fc.dictionary(plain.filter((k) => k !== '__proto__'), tie('value'))),
    })).value;
    fc.assert(
      fc.property(value, (v) => {
        expect(firstTextFault(JSON.stringify(v))).toBeNull();
      }),
      { numRuns: 2_000 },
    );
  });
});
