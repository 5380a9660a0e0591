import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { REDACTED_PATHS, loggerOptions, redactedPieceByPiece, redactedUrl } from '../../src/api/logger.js';
import { buildServer } from '../../src/api/server.js';
import { createMemoryStore } from '../../src/eventstore/memory.js';

function aSink() {
  let output = '';
  const stream = new Writable({ write: (chunk: Buffer, _encoding, done) => ((output += chunk.toString()), done()) });
  return { stream, output: () => output };
}

describe('logs', () => {
  it('never contain the authorization header or customers’ contact details', () => {
    const sink = aSink();
    const log = pino({ redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink.stream);
    log.info({ req: { headers: { authorization: 'Bearer spe_secret' }, body: { name: 'Acme' } } }, 'request');
    log.info({ customer: { name: 'Acme', contact: { email: 'eva@acme.example', phone: '+46 8 1' } } }, 'registered');
    log.info({ command: { data: { email: 'ann@example.com' } } }, 'nested');
    expect(sink.output()).not.toMatch(/spe_secret|eva@acme|\+46 8 1|ann@example/);
    expect(sink.output()).toContain('[redacted]');
    expect(sink.output()).toContain('"name":"Acme"');
  });

  it('given contact details a client put in a query string, when the request is logged, then their values are not', async () => {
    const sink = aSink();
    const app = await buildServer({ store: createMemoryStore(), logger: loggerOptions('info', sink.stream) });

    await app.inject({ method: 'GET', url: '/health?email=eva%40acme.example&Contact.Phone=%2B46%208%201&contact%5Bperson%5D=Eva&asOf=2026-07-01' });
    await app.close();

    expect(sink.output()).toContain('"msg":"request completed"');
    expect(sink.output()).not.toMatch(/eva%40acme|%2B46|=Eva/);
    expect(sink.output()).toContain('/health?email=[redacted]&Contact.Phone=[redacted]&contact%5Bperson%5D=[redacted]&asOf=2026-07-01');
  });
});

describe('the access log', () => {
  it('given requests answered, when they are logged, then each is one line with its request, status and time taken', async () => {
    const sink = aSink();
    const app = await buildServer({ store: createMemoryStore(), logger: loggerOptions('info', sink.stream) });

    await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'first', authorization: 'Bearer spe_secretsecretsecret' } });
    await app.inject({ method: 'GET', url: '/nowhere/spe_secretsecretsecret', headers: { 'x-request-id': 'second' } });
    await app.close();

    const lines = sink.output().trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const requests = lines.filter((line) => 'reqId' in line);
    expect(requests.map((line) => [line.reqId, line.msg, (line.req as { method: string; url: string }).url, (line.res as { statusCode: number }).statusCode])).toEqual([
      ['first', 'request completed', '/health', 200],
      ['second', 'request completed', '/nowhere/[redacted]', 404],
    ]);
    expect(sink.output()).not.toContain('spe_secret');
    expect(requests.every((line) => (line.req as { method: string }).method === 'GET' && typeof line.responseTime === 'number')).toBe(true);
  });

  it('given a request whose answer fails once sent, when it is logged, then its line is an error with the error, through the redaction', async () => {
    const sink = aSink();
    const app = await buildServer({ store: createMemoryStore(), logger: loggerOptions('info', sink.stream) });
    app.get('/fails-after', { onResponse: (_request, _reply, done) => done(Object.assign(new Error('after the answer'), { contact: { email: 'eva@acme.example' } })) }, async () => ({ ok: true }));

    const answer = await app.inject({ method: 'GET', url: '/fails-after', headers: { 'x-request-id': 'fails-1' } });
    await app.close();

    expect(answer.statusCode).toBe(200);
    const lines = sink.output().trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const mine = lines.filter((line) => line.reqId === 'fails-1');
    expect(mine.map((line) => [line.level, line.msg, (line.err as { message: string }).message, (line.res as { statusCode: number }).statusCode])).toEqual([[50, 'request errored', 'after the answer', 200]]);
    expect((mine[0]?.req as { url: string }).url).toBe('/fails-after');
    expect(sink.output()).not.toContain('eva@acme');
  });
});

describe('a request\u2019s own logger', () => {
  it('given a route whose level is below the server\u2019s, when it is answered, then its access line is written, with its id once', async () => {
    const sink = aSink();
    const app = await buildServer({ store: createMemoryStore(), logger: loggerOptions('warn', sink.stream) });
    app.get('/chatty', { logLevel: 'info' }, async () => ({ ok: true }));

    await app.inject({ method: 'GET', url: '/chatty', headers: { 'x-request-id': 'chatty-1' } });
    await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'health-1' } });
    await app.close();

    const lines = sink.output().trim().split('\n');
    const chatty = lines.filter((line) => line.includes('chatty-1'));
    expect(chatty.map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual(['request completed']);
    expect(chatty[0]?.split('"reqId"').length).toBe(2);
    // the server's own level (warn) leaves the others out
    expect(sink.output()).not.toContain('health-1');
  });

  it('given handlers that log, when they do, then their lines carry the request id, at the route\u2019s level, through the redaction', async () => {
    const sink = aSink();
    const app = await buildServer({ store: createMemoryStore(), logger: loggerOptions('info', sink.stream) });
    app.get('/talks', async (request) => {
      request.log.warn({ customer: { contact: { email: 'eva@acme.example' } } }, 'from a handler');
      request.log.child({ step: 'inner' }).info('from a child');
      request.log.debug('below the level');
      return { level: request.log.level };
    });
    app.get('/quiet', { logLevel: 'error' }, async (request) => {
      request.log.warn('below this route\u2019s level');
      return { level: request.log.level };
    });

    const talks = await app.inject({ method: 'GET', url: '/talks', headers: { 'x-request-id': 'talks-1' } });
    const quiet = await app.inject({ method: 'GET', url: '/quiet', headers: { 'x-request-id': 'quiet-1' } });
    await app.close();

    expect(talks.json()).toEqual({ level: 'info' });
    expect(quiet.json()).toEqual({ level: 'error' });
    const lines = sink.output().trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.filter((line) => line.reqId === 'talks-1').map((line) => [line.level, line.msg, line.step])).toEqual([
      [40, 'from a handler', undefined],
      [30, 'from a child', 'inner'],
      [30, 'request completed', undefined],
    ]);
    // a route whose level is above info writes not even its access line
    expect(lines.filter((line) => line.reqId === 'quiet-1')).toEqual([]);
    expect(sink.output()).not.toContain('eva@acme');
  });
});

describe('redactedUrl', () => {
  it('answers, for any URL, as testing it piece by piece does', () => {
    const piece = fc.constantFrom('/', '?', '&', '=', '+', ' ', '%', '%40', '%2', '@', '.', '-', '_', 'a', 'e', 'mail', 'phone', 'spe_', 'abcdefgh', 'key', 'x1', 'deals', 'com');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 24 }), (pieces) => {
        const url = pieces.join('');
        expect(redactedUrl(url)).toBe(redactedPieceByPiece(url));
      }),
      { numRuns: 5000 },
    );
  });

  it('leaves a URL without contact parameters as it was sent', () => {
    expect(redactedUrl('/deals?owner=ann&limit=5&cursor=a%2Fb')).toBe('/deals?owner=ann&limit=5&cursor=a%2Fb');
    expect(redactedUrl('/deals/d1')).toBe('/deals/d1');
  });

  it('redacts by the decoded name, and survives names that do not decode', () => {
    expect(redactedUrl('/x?%65mail=a&%E0%A4%A=1&phone')).toBe('/x?%65mail=[redacted]&%E0%A4%A=1&phone=[redacted]');
  });

  it('redacts the names contact details go by, spelt as people spell them', () => {
    expect(redactedUrl('/deals?Email=a&e-mail=b&E-Mail=c&mobile=d&contactPerson=e&limit=5')).toBe(
      '/deals?Email=[redacted]&e-mail=[redacted]&E-Mail=[redacted]&mobile=[redacted]&contactPerson=[redacted]&limit=5',
    );
  });

  it('redacts credentials sent in the URL, by the names they go by or by their look, and e-mail addresses anywhere in it', () => {
    // given a key sent as a query parameter under the names clients use for them
    expect(redactedUrl('/customers?access_token=spe_abcdefghijkl&api_key=x&token=y&limit=5')).toBe('/customers?access_token=[redacted]&api_key=[redacted]&token=[redacted]&limit=5');
    // and a generated key or an e-mail address under any name, or in the path
    expect(redactedUrl('/deals?owner=spe_abcdefghijklmnop&q=jane%40acme.example')).toBe('/deals?owner=[redacted]&q=[redacted]');
    expect(redactedUrl('/customers/jane.secret@acme.example/profile')).toBe('/customers/[redacted]/profile');
    expect(redactedUrl('/spe_abcdefghijklmnop')).toBe('/[redacted]');
    // then ids and positions are left as sent
    expect(redactedUrl('/deals/d-1.2/timeline?cursor=abc&minPosition=12')).toBe('/deals/d-1.2/timeline?cursor=abc&minPosition=12');
  });
});
