/**
 * What JSON.parse passes over in a body's text: a key given twice in one object (the last one
 * silently wins), a number with more precision than a double keeps (11000000.00000000001 becomes
 * 11000000), a string or key that would not be stored as sent (half a surrogate pair becomes
 * U+FFFD) or that holds a control character, and the keys that would reach an object's prototype.
 * Each would make the write acknowledged differ from the one sent.
 */
export type TextFault = { field: string; rule: string };

export const TEXT_RULES = {
  surrogate: 'must be well-formed Unicode: it holds half of a surrogate pair (a \\uD800–\\uDFFF escape without its other half)',
  control: 'must not hold control characters (U+0000–U+001F but tab and line breaks, U+007F–U+009F)',
  duplicate: 'is given more than once in its object; JSON would keep only the last',
  prototype: 'is a name no field may have: it would reach the prototype of every object',
} as const;

// With the u flag, only a surrogate without its other half is a code point of category Cs.
const LONE_SURROGATE = /\p{Cs}/u;
// C0 (but tab and line breaks, which notes hold), DEL and C1: matching them is the point.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
// Unescaped, JSON text holds no C0 character and valid UTF-8 no half pair: only DEL and C1 remain.
const RAW_CONTROL = /[\u007F-\u009F]/;

type Frame = { object: true; keys: Set<string>; key: string; expectsKey: boolean } | { object: false; index: number };

/** A decimal as significant digits (no leading or trailing zero) and the power of ten of the last one. */
function normalized(digits: string, exponent: number): { digits: string; exponent: number } {
  const start = digits.search(/[^0]/);
  if (start === -1) return { digits: '', exponent: 0 };
  let end = digits.length;
  while (digits.charCodeAt(end - 1) === 48) end -= 1;
  return { digits: digits.slice(start, end), exponent: exponent + digits.length - end };
}

const NUMBER = /^-?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/** Why a JSON number's text is not the value it parses to, or null when it is. */
function numberFault(token: string): string | null {
  // Fifteen characters hold fifteen significant digits at most: with no exponent, every such decimal reads back as written.
  if (token.length <= 15 && !/[eE]/.test(token)) return null;
  const value = Number(token);
  if (!Number.isFinite(value)) return 'is too large for a number';
  const [, int = '', fraction = '', exponent = '0'] = NUMBER.exec(token) ?? [];
  const written = normalized(int + fraction, Number(exponent) - fraction.length);
  // The shortest decimal that reads back as the same double: the value as it would be stored.
  const [mantissa = '', power = '0'] = Math.abs(value).toExponential().split('e');
  const [lead = '', rest = ''] = mantissa.split('.');
  const stored = normalized(lead + rest, Number(power) - rest.length);
  if (written.digits === stored.digits && (written.digits === '' || written.exponent === stored.exponent)) return null;
  return `has more precision than a number holds: it would be stored as ${value}`;
}

/** The first fault of a JSON text that parsed, in the order of the text; or null. Iterative, so no depth of nesting overflows the stack. */
export function firstTextFault(text: string): TextFault | null {
  const stack: Frame[] = [];
  const fieldAt = (): string => ['body', ...stack.map((f) => (f.object ? f.key : String(f.index)))].join('.');
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    const top = stack[stack.length - 1];
    if (c === 0x7b /* { */) {
      stack.push({ object: true, keys: new Set(), key: '', expectsKey: true });
      i += 1;
    } else if (c === 0x5b /* [ */) {
      stack.push({ object: false, index: 0 });
      i += 1;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
      i += 1;
    } else if (c === 0x2c /* , */) {
      if (top?.object) top.expectsKey = true;
      else if (top) top.index += 1;
      i += 1;
    } else if (c === 0x22 /* " */) {
      let end = i + 1;
      let escaped = false;
      for (let ch = text.charCodeAt(end); ch !== 0x22; ch = text.charCodeAt(end)) {
        if (ch === 0x5c /* \ */) {
          escaped = true;
          end += 2;
        } else end += 1;
      }
      const raw = text.slice(i + 1, end);
      const decoded = escaped ? (JSON.parse(text.slice(i, end + 1)) as string) : raw;
      const fault = escaped ? (LONE_SURROGATE.test(decoded) ? 'surrogate' : CONTROL.test(decoded) ? 'control' : null) : RAW_CONTROL.test(raw) ? 'control' : null;
      if (top?.object && top.expectsKey) {
        top.key = decoded;
        top.expectsKey = false;
        if (fault !== null) return { field: fieldAt(), rule: TEXT_RULES[fault] };
        if (top.keys.has(decoded)) return { field: fieldAt(), rule: TEXT_RULES.duplicate };
        const parent = stack[stack.length - 2];
        if (decoded === '__proto__' || (decoded === 'prototype' && parent?.object && parent.key === 'constructor')) return { field: fieldAt(), rule: TEXT_RULES.prototype };
        top.keys.add(decoded);
      } else if (fault !== null) return { field: fieldAt(), rule: TEXT_RULES[fault] };
      i = end + 1;
    } else if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      let end = i + 1;
      while (end < text.length && /[-+.eE\d]/.test(text.charAt(end))) end += 1;
      const fault = numberFault(text.slice(i, end));
      if (fault !== null) return { field: fieldAt(), rule: fault };
      i = end;
    } else i += 1; // blanks, colons, and the letters of true, false and null
  }
  return null;
}
