import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { REDACTED_PATHS } from '../../src/api/logger.js';

describe('logs', () => {
  it('never contain the authorization header or customers’ contact details', () => {
    let output = '';
    const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => ((output += chunk.toString()), done()) });
    const log = pino({ redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink);
    log.info({ req: { headers: { authorization: 'Bearer spe_secret' }, body: { name: 'Acme' } } }, 'request');
    log.info({ customer: { name: 'Acme', contact: { email: 'eva@acme.example', phone: '+46 8 1' } } }, 'registered');
    log.info({ command: { data: { email: 'ann@example.com' } } }, 'nested');
    expect(output).not.toMatch(/spe_secret|eva@acme|\+46 8 1|ann@example/);
    expect(output).toContain('[redacted]');
    expect(output).toContain('"name":"Acme"');
  });
});
