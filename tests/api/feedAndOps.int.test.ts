import { describe, expect, it, vi } from 'vitest';
import { anApi, as, keyOf } from '../support/api.js';
import { aTempDir } from '../support/tempDir.js';

const dir = aTempDir();
const hire = (repId: string) => ({ repId, name: repId, role: 'rep' });

describe('event feed', () => {
  it('pages through events in global order, filtered by type', async () => {
    const api = await anApi(dir);
    for (const id of ['a', 'b', 'c']) await api.app.inject({ method: 'POST', url: '/reps', headers: as('manager'), payload: hire(id) });
    const first = (await api.app.inject({ method: 'GET', url: '/events?types=RepHired&limit=2', headers: as('viewer') })).json();
    expect(first.events.map((e: { data: { repId: string } }) => e.data.repId)).toEqual(['a', 'b']);
    const second = (await api.app.inject({ method: 'GET', url: `/events?types=RepHired&limit=2&after=${first.nextAfter}`, headers: as('viewer') })).json();
    expect(second.events.map((e: { data: { repId: string } }) => e.data.repId)).toEqual(['c']);
    expect(second.events[0]).toMatchObject({ type: 'RepHired', streamId: 'rep-c', streamVersion: 0, metadata: { actor: 'manager' } });
    await api.close();
  });

  it('refuses a type filter naming a type the engine does not write, rather than answering an empty feed', async () => {
    const api = await anApi(dir);
    for (const url of ['/events?types=RepHired,RepHried', '/events/stream?types=RepHried']) {
      const response = await api.app.inject({ method: 'GET', url, headers: as('viewer') });
      expect(response.statusCode, url).toBe(400);
      const [issue] = response.json().issues;
      expect(issue.field).toBe('querystring.types');
      expect(issue.rule).toMatch(/^"RepHried": not an event type of this engine; the types are .*RepHired/);
    }
    // The reservations' events are the engine's too.
    expect((await api.app.inject({ method: 'GET', url: '/events?types=ReservationTaken,ContractSigned', headers: as('viewer') })).statusCode).toBe(200);
    await api.close();
  });

  it('streams events live as Server-Sent Events, resuming after Last-Event-ID', async () => {
    const api = await anApi(dir);
    await api.app.inject({ method: 'POST', url: '/reps', headers: as('manager'), payload: hire('a') });
    const seen = (await api.app.inject({ method: 'GET', url: '/events?types=RepHired', headers: as('viewer') })).json().nextAfter as string;
    await api.app.inject({ method: 'POST', url: '/reps', headers: as('manager'), payload: hire('b') });
    const address = await api.app.listen({ port: 0, host: '127.0.0.1' });
    const abort = new AbortController();
    const response = await fetch(`${address}/events/stream?types=RepHired`, { headers: { authorization: `Bearer ${keyOf.viewer}`, 'last-event-id': seen }, signal: abort.signal });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const reader = response.body!.getReader();
    let text = '';
    const read = async (count: number) => {
      while ((text.match(/^event: RepHired$/gm) ?? []).length < count) text += new TextDecoder().decode((await reader.read()).value);
    };
    await read(1); // b, recorded before connecting, after the last id seen
    await api.app.inject({ method: 'POST', url: '/reps', headers: as('manager'), payload: hire('c') });
    await read(2); // c, live
    expect([...text.matchAll(/"repId":"(\w)"/g)].map((m) => m[1])).toEqual(['b', 'c']);
    expect(text).toMatch(/^id: \d+$/m);
    abort.abort();
    await api.close();
  });
});

describe('operations', () => {
  it('reports projection status and lag, and lets only an admin rebuild', async () => {
    const api = await anApi(dir);
    const status = (await api.app.inject({ method: 'GET', url: '/projections', headers: as('viewer') })).json();
    expect(status.projections.map((p: { name: string }) => p.name)).toEqual(['sales', 'targets', 'customers', 'complaints']);
    expect(status.projections[0]).toMatchObject({ lag: '0', rebuilding: false });
    expect((await api.app.inject({ method: 'POST', url: '/projections/sales/rebuild', headers: as('manager') })).statusCode).toBe(403);
    expect((await api.app.inject({ method: 'POST', url: '/projections/nope/rebuild', headers: as('admin') })).json()).toMatchObject({ status: 404, code: 'PROJECTION_NOT_FOUND' });
    // a body the rebuild does not take is refused, not ignored
    const withBody = await api.app.inject({ method: 'POST', url: '/projections/sales/rebuild', headers: as('admin'), payload: { from: 0 } });
    expect(withBody.json()).toMatchObject({ status: 400, issues: [{ field: 'body.from' }] });
    expect((await api.app.inject({ method: 'POST', url: '/projections/sales/rebuild', headers: as('admin') })).statusCode).toBe(202);
    await expect.poll(async () => (await api.app.inject({ method: 'GET', url: '/projections', headers: as('viewer') })).json().projections[0].rebuild?.done).toBe(true);
    await api.close();
  });

  it('exposes Prometheus metrics: request latency, appends, projection lag', async () => {
    const api = await anApi(dir);
    await api.app.inject({ method: 'POST', url: '/reps', headers: as('manager'), payload: hire('a') });
    const metrics = await api.app.inject({ method: 'GET', url: '/metrics', headers: as('viewer') });
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.body).toMatch(/^http_request_duration_seconds_bucket\{.*route="\/reps".*\} \d+/m);
    expect(metrics.body).toMatch(/^events_appended_total\{type="RepHired"\} 1$/m);
    expect(metrics.body).toMatch(/^projection_lag_events\{projection="sales"\} \d+$/m);
    await api.close();
  });
});

describe('protection', () => {
  it('limits the request rate per key with a 429 problem', async () => {
    const api = await anApi(dir, { rateLimitPerMinute: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await api.app.inject({ method: 'GET', url: '/deals/stalled', headers: as('viewer') })).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await api.app.inject({ method: 'GET', url: '/deals/stalled', headers: as('viewer') });
    expect(limited.headers['content-type']).toContain('application/problem+json');
    expect(limited.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    // another key has its own budget
    expect((await api.app.inject({ method: 'GET', url: '/deals/stalled', headers: as('rep') })).statusCode).toBe(200);
    await api.close();
  });

  it('counts requests to no route, or with a method the path does not take, against the key rate too', async () => {
    // given a key allowed 3 requests a minute
    const api = await anApi(dir, { rateLimitPerMinute: 3 });
    // when it sends to paths that do not exist and with a method a path does not take
    const statuses: number[] = [];
    for (const [method, url] of [['GET', '/nope-1'], ['DELETE', '/deals/d1'], ['GET', '/nope-2'], ['GET', '/nope-3']] as const) {
      statuses.push((await api.app.inject({ method, url, headers: as('rep') })).statusCode);
    }
    // then those count, and the key is limited on every route after them
    expect(statuses).toEqual([404, 405, 404, 429]);
    expect((await api.app.inject({ method: 'GET', url: '/reps', headers: as('rep') })).json()).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    await api.close();
  });

  it('limits the server time that the replaying and computing reads of a key take, and still serves it what costs nothing', async () => {
    // Given a key whose reads may take 1 ms of server time a minute
    const api = await anApi(dir, { readBudgetMsPerMinute: 1 });
    await api.app.inject({ method: 'POST', url: '/reps', headers: as('manager'), payload: hire('ann') });
    const before = await api.eventCount();
    // When it asks for statistics computed anew at every read, until refused
    const statuses: number[] = [];
    for (let i = 0; i < 500 && !statuses.includes(429); i++) statuses.push((await api.app.inject({ method: 'GET', url: '/complaints/stats', headers: as('viewer') })).statusCode);
    // Then the reads are refused once their time is spent, with a problem saying when to retry
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.slice(0, -1).every((status) => status === 200)).toBe(true);
    const refused = await api.app.inject({ method: 'GET', url: '/deals?status=open', headers: as('viewer') });
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json()).toMatchObject({ status: 429, code: 'READ_BUDGET_SPENT' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    const past = await api.app.inject({ method: 'GET', url: `/reps/ann?asOf=${new Date().toISOString()}`, headers: as('viewer') });
    expect(past.json()).toMatchObject({ code: 'READ_BUDGET_SPENT' });
    // And a resource as it is now costs nothing, another key has its own budget, and nothing was appended
    expect((await api.app.inject({ method: 'GET', url: '/reps/ann', headers: as('viewer') })).statusCode).toBe(200);
    expect((await api.app.inject({ method: 'GET', url: '/complaints/stats', headers: as('rep') })).statusCode).toBe(200);
    expect(await api.eventCount()).toBe(before);
    await api.close();
  });

  it('limits requests without a valid key too, so keys cannot be guessed at full speed', async () => {
    const api = await anApi(dir);
    const { MAX_FAILED_AUTH_PER_MINUTE } = await import('../../src/api/authPlugin.js');
    const statuses = new Set<number>();
    for (let i = 0; i <= MAX_FAILED_AUTH_PER_MINUTE; i++) statuses.add((await api.app.inject({ method: 'GET', url: '/deals/stalled', headers: { authorization: `Bearer guess-${i}` } })).statusCode);
    expect([...statuses]).toEqual([401, 429]);
    const limited = await api.app.inject({ method: 'GET', url: '/deals/stalled', headers: { authorization: 'Bearer another-guess' } });
    expect(limited.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    await api.close();
  });

  it('behind a trusted proxy, limits requests without a valid key per client address, as the proxy forwards it', async () => {
    // given a server behind a proxy on the loopback (where inject's requests come from)
    const { MAX_FAILED_AUTH_PER_MINUTE } = await import('../../src/api/authPlugin.js');
    const guessFrom = (api: Awaited<ReturnType<typeof anApi>>, client: string) =>
      api.app.inject({ method: 'GET', url: '/deals/stalled', headers: { authorization: 'Bearer guess', 'x-forwarded-for': client } });
    const proxied = await anApi(dir, { trustProxy: ['loopback'] });
    // when one client goes over the limit
    for (let i = 0; i <= MAX_FAILED_AUTH_PER_MINUTE; i++) await guessFrom(proxied, '203.0.113.7');
    // then it is limited, and another client behind the same proxy is not
    expect((await guessFrom(proxied, '203.0.113.7')).statusCode).toBe(429);
    expect((await guessFrom(proxied, '203.0.113.8')).statusCode).toBe(401);
    await proxied.close();
    // and without a trusted proxy, X-Forwarded-For names no one: all those requests share the proxy's address
    const direct = await anApi(dir);
    for (let i = 0; i <= MAX_FAILED_AUTH_PER_MINUTE; i++) await guessFrom(direct, '203.0.113.7');
    expect((await guessFrom(direct, '203.0.113.8')).statusCode).toBe(429);
    await direct.close();
  });

  it('tells an address over the limit of requests without a valid key when its minute is over', async () => {
    // given an address that went over the limit at a known instant
    const api = await anApi(dir);
    const { MAX_FAILED_AUTH_PER_MINUTE } = await import('../../src/api/authPlugin.js');
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(new Date('2026-11-23T10:00:00.000Z'));
      const guess = () => api.app.inject({ method: 'GET', url: '/deals/stalled', headers: { authorization: 'Bearer guess' } });
      for (let i = 0; i < MAX_FAILED_AUTH_PER_MINUTE; i++) await guess();
      // when it asks again 45 s into its minute
      vi.setSystemTime(new Date('2026-11-23T10:00:45.000Z'));
      const limited = await guess();
      // then it is told to wait the 15 s left, not a whole minute
      expect(limited.statusCode).toBe(429);
      expect(limited.headers['retry-after']).toBe('15');
    } finally {
      vi.useRealTimers();
    }
    await api.close();
  });

  it('refuses a body over the size limit with 413 and appends nothing', async () => {
    const api = await anApi(dir);
    const before = await api.eventCount();
    const huge = await api.app.inject({ method: 'POST', url: '/reps', headers: { ...as('manager'), 'content-type': 'application/json' }, payload: JSON.stringify({ ...hire('x'), name: 'x'.repeat(2_000_000) }) });
    expect(huge.statusCode).toBe(413);
    expect(huge.json()).toMatchObject({ status: 413 });
    expect(await api.eventCount()).toBe(before);
    await api.close();
  });

  it('sends security headers on answers, refusals and unknown routes alike', async () => {
    const api = await anApi(dir);
    const answers = [
      await api.app.inject({ method: 'GET', url: '/deals/stalled', headers: as('viewer') }),
      await api.app.inject({ method: 'GET', url: '/deals/stalled' }),
      await api.app.inject({ method: 'GET', url: '/no-such-route', headers: as('viewer') }),
      await api.app.inject({ method: 'GET', url: '/health' }),
    ];
    expect(answers.map((r) => r.statusCode)).toEqual([200, 401, 404, 200]);
    for (const response of answers) {
      // The headers OWASP's REST Security Cheat Sheet asks of API answers; those for HTML documents are left to /docs.
      expect(response.headers).toMatchObject({
        'cache-control': 'no-store',
        'content-security-policy': "frame-ancestors 'none'",
        'cross-origin-resource-policy': 'same-origin',
        'strict-transport-security': 'max-age=31536000; includeSubDomains',
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
      });
      expect(response.headers['referrer-policy']).toBeUndefined();
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
      // Refused answers too can be followed by their request's id.
      expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
    await api.close();
  });

  it('gives the pages of /docs the headers of an HTML document, with their own content security policy', async () => {
    const api = await anApi(dir);
    const page = await api.app.inject({ method: 'GET', url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers).toMatchObject({ 'referrer-policy': 'no-referrer', 'cross-origin-opener-policy': 'same-origin', 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY' });
    expect(page.headers['content-security-policy']).toMatch(/script-src/);
    await api.close();
  });

  it('lets a configured origin call from a browser and read the version and retry headers, and no other origin', async () => {
    const api = await anApi(dir, { corsOrigins: ['https://dash.example'] });
    await api.app.inject({ method: 'POST', url: '/reps', headers: as('manager'), payload: { repId: 'ann', name: 'Ann', role: 'rep' } });
    const allowed = await api.app.inject({ method: 'GET', url: '/reps/ann', headers: { ...as('viewer'), origin: 'https://dash.example' } });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://dash.example');
    expect(String(allowed.headers['access-control-expose-headers']).split(/, */)).toEqual(expect.arrayContaining(['etag', 'retry-after', 'x-request-id']));
    expect(allowed.headers.etag).toBe('"0"');
    const preflight = await api.app.inject({ method: 'OPTIONS', url: '/reps/ann/team', headers: { origin: 'https://dash.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,if-match' } });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://dash.example');
    // The preflight answers any path: it does not make every path exist for other methods.
    expect((await api.app.inject({ method: 'DELETE', url: '/nowhere', headers: as('admin') })).statusCode).toBe(404);
    const deleted = await api.app.inject({ method: 'DELETE', url: '/reps/ann', headers: as('admin') });
    expect(deleted.statusCode).toBe(405);
    expect(deleted.headers.allow).toBe('GET, HEAD');

    const other = await api.app.inject({ method: 'GET', url: '/reps/ann', headers: { ...as('viewer'), origin: 'https://evil.example' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    await api.close();
  });
});
