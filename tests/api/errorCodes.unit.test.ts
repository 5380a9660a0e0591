import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const docs = readFileSync(join(root, 'docs/errors.md'), 'utf8');
const apiSources = readdirSync(join(root, 'src/api'), { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.ts'))
  .map((file) => readFileSync(join(root, 'src/api', file), 'utf8'));

describe('the API error codes', () => {
  it('are each in docs/errors.md, so that a client can branch on them', () => {
    // given every code the API layer names (its only upper-case string literals with an underscore)
    const codes = new Set(apiSources.flatMap((source) => [...source.matchAll(/'([A-Z]+(?:_[A-Z]+)+)'/g)].map((m) => m[1] as string)));
    expect(codes.size).toBeGreaterThan(10);
    // then the catalogue documents each one
    expect([...codes].filter((code) => !docs.includes(`\`${code}\``))).toEqual([]);
  });
});
