import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DomainError, errorCatalogue } from '../../src/domain/errors.js';

const docs = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
const documentedCodes = [...docs.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
const storeCodes = ['STREAM_VERSION_CONFLICT', 'DUPLICATE_EVENT_ID', 'INVALID_APPEND', 'STORE_UNAVAILABLE', 'STORE_CLOSED'];

describe('the error catalogue', () => {
  it.each(Object.keys(errorCatalogue))('documents %s in docs/errors.md', (code) => {
    expect(documentedCodes).toContain(code);
  });

  it('documents no code that does not exist', () => {
    const known = new Set([...Object.keys(errorCatalogue), ...storeCodes]);
    expect(documentedCodes.filter((code) => !known.has(code ?? ''))).toEqual([]);
  });

  it('gives each code a message, and a refusal its detail', () => {
    const error = new DomainError('DEAL_CLOSED', 'd1 is won');
    expect(error.message).toBe(`${errorCatalogue.DEAL_CLOSED}: d1 is won`);
    expect(error.code).toBe('DEAL_CLOSED');
  });
});
