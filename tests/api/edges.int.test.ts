import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { anApi, as } from '../support/api.js';
import type { TestApi } from '../support/api.js';
import { aTempDir } from '../support/tempDir.js';

const dir = aTempDir();
const eur = (amountMinor: number) => ({ amountMinor, currency: 'EUR' });
const year = new Date().getUTCFullYear();

/** Ann (of team north) signs deal d1 for 95,000 EUR; team north has target t1 of 500,000 EUR this year. Returns an instant before the contract. */
async function aSignedDealAndATarget(api: TestApi): Promise<string> {
  const post = async (url: string, payload: object) => {
    const response = await api.app.inject({ method: 'POST', url, headers: as('manager'), payload });
    expect(response.statusCode, `${url}: ${response.body}`).toBeLessThan(300);
    return response;
  };
  await post('/reps', { repId: 'mia', name: 'Mia', role: 'manager' });
  await post('/reps', { repId: 'ann', name: 'Ann', role: 'rep' });
  await post('/teams', { teamId: 'north', name: 'North', region: 'north', managerRepId: 'mia' });
  await post('/reps/ann/team', { teamId: 'north' });
  await post('/customers', { customerId: 'acme', name: 'Acme AB', segment: 'enterprise', industry: 'logistics', region: 'north', acquisitionChannel: 'referral' });
  await post('/deals', { dealId: 'd1', customerId: 'acme', title: 'Fleet renewal', ownerRepId: 'ann', channel: 'referral', productLine: 'vans', product: 'van', region: 'north', estimatedAmount: eur(100_000_00), expectedCloseDate: `${year}-12-15` });
  await post('/targets', { targetId: 't1', period: String(year), metric: 'revenue', scope: { kind: 'team', id: 'north' }, amount: 500_000_00, currency: 'EUR' });
  await new Promise((resolve) => setTimeout(resolve, 5));
  const beforeContract = new Date().toISOString();
  await new Promise((resolve) => setTimeout(resolve, 5));
  await post('/deals/d1/contract', { amount: eur(95_000_00), contractRef: 'K-1' });
  return beforeContract;
}

describe('the HTTP API at its edges', () => {
  it('refuses a body whose text would not be stored as sent: bytes that are not UTF-8, half a surrogate pair', async () => {
    // given an API with nothing written by these requests yet
    const api = await anApi(dir);
    const before = await api.eventCount();
    const send = (payload: string | Buffer) => api.app.inject({ method: 'POST', url: '/reps', headers: { ...as('manager'), 'content-type': 'application/json' }, payload });
    // when a name holds an escape of half a surrogate pair, or the body a byte that is not UTF-8
    const half = await send('{"repId":"zed","name":"Z\\ud800","role":"rep"}');
    const bytes = await send(Buffer.concat([Buffer.from('{"repId":"zed","name":"Z'), Buffer.from([0xff]), Buffer.from('","role":"rep"}')]));
    // then both are 400s naming where, and nothing is appended
    expect(half.statusCode).toBe(400);
    expect(half.json()).toMatchObject({ code: 'VALIDATION_FAILED', issues: [{ field: 'body.name', rule: expect.stringMatching(/^must be well-formed Unicode/) }] });
    expect(bytes.statusCode).toBe(400);
    expect(bytes.json()).toMatchObject({ code: 'VALIDATION_FAILED', issues: [{ field: 'body', rule: 'must be UTF-8 text: it holds bytes that are not' }] });
    expect(await api.eventCount()).toBe(before);
    // and a whole pair, escaped, is taken and read back as sent
    expect((await send('{"repId":"zed","name":"Z\\ud83d\\ude00","role":"rep"}')).statusCode).toBe(201);
    expect((await api.app.inject({ method: 'GET', url: '/reps/zed', headers: as('viewer') })).json().name).toBe('Z\u{1F600}');
    await api.close();
  });

  it('refuses control characters in any string of a body, but tabs and line breaks, naming the field', async () => {
    // given an API with a rep, and nothing written by these requests yet
    const api = await anApi(dir);
    await aSignedDealAndATarget(api);
    const before = await api.eventCount();
    const send = (url: string, payload: string) => api.app.inject({ method: 'POST', url, headers: { ...as('manager'), 'content-type': 'application/json' }, payload });
    // when strings hold NUL, a terminal escape, backspace and form feed as short escapes, DEL, a C1 character, or a key holds one
    const refused = [
      ['/reps', '{"repId":"zed","name":"Z\\u0000","role":"rep"}', 'body.name'],
      ['/reps', '{"repId":"zed","name":"\\u001b[31mZed","role":"rep"}', 'body.name'],
      ['/reps', '{"repId":"zed","name":"Z\\bed","role":"rep"}', 'body.name'],
      ['/deals/d1/activities', '{"kind":"note","summary":"page\\fbreak"}', 'body.summary'],
      ['/reps', '{"repId":"zed","name":"Z\u007fed","role":"rep"}', 'body.name'],
      ['/reps', '{"repId":"zed","name":"Z\u0085ed","role":"rep"}', 'body.name'],
      ['/reps', '{"repId":"zed","name":"Zed","role":"rep","\\u0007":1}', 'body.\u0007'],
    ] as const;
    for (const [url, payload, field] of refused) {
      const response = await send(url, payload);
      // then each is a 400 naming the field and the rule, and nothing is appended
      expect(response.statusCode, payload).toBe(400);
      expect(response.json().issues, payload).toEqual([{ field, rule: 'must not hold control characters (U+0000–U+001F but tab and line breaks, U+007F–U+009F)' }]);
    }
    expect(await api.eventCount()).toBe(before);
    // and a note with tabs and line breaks, escaped, is taken and kept as sent
    const deal = { dealId: 'd2', customerId: 'acme', title: 'Spare parts', ownerRepId: 'ann', channel: 'referral', productLine: 'vans', product: 'van', region: 'north', estimatedAmount: eur(1_000_00), expectedCloseDate: `${year}-12-15` };
    expect((await send('/deals', JSON.stringify(deal))).statusCode).toBe(201);
    const note = await send('/deals/d2/activities', '{"kind":"note","summary":"first\\tline\\r\\nsecond line"}');
    expect(note.statusCode, note.body).toBe(200);
    const timeline = await api.app.inject({ method: 'GET', url: '/deals/d2/timeline', headers: as('viewer') });
    expect(JSON.stringify(timeline.json())).toContain('first\\tline\\r\\nsecond line');
    await api.close();
  });

  it('refuses a body whose JSON says more than its value keeps: a key twice, a number past a double, a key reaching a prototype', async () => {
    // given a signed deal, and nothing written by these requests yet
    const api = await anApi(dir);
    await aSignedDealAndATarget(api);
    const before = await api.eventCount();
    const send = (url: string, payload: string) => api.app.inject({ method: 'POST', url, headers: { ...as('manager'), 'content-type': 'application/json' }, payload });
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    // when a key is given twice, a number has more digits than a double holds, a key is __proto__, or a note escapes a bell under deep nesting
    const refused = [
      ['/deals/d1/offers', '{"by":"us","by":"customer","amount":{"amountMinor":5,"currency":"EUR"}}', 'body.by', 'is given more than once in its object; JSON would keep only the last'],
      ['/deals/d1/offers', '{"by":"us","amount":{"amountMinor":11000000.00000000001,"currency":"EUR"}}', 'body.amount.amountMinor', 'has more precision than a number holds: it would be stored as 11000000'],
      ['/deals/d1/offers', '{"by":"us","amount":{"amountMinor":5,"currency":"EUR"},"discountPercent":99.99999999999999999}', 'body.discountPercent', 'has more precision than a number holds: it would be stored as 100'],
      ['/deals/d1/activities', '{"kind":"note","summary":"s","__proto__":{"x":1}}', 'body.__proto__', 'is a name no field may have: it would reach the prototype of every object'],
      ['/deals/d1/activities', `{"kind":"note","summary":"caf\\u00e9\\u0007","x":${deep}}`, 'body.summary', 'must not hold control characters (U+0000–U+001F but tab and line breaks, U+007F–U+009F)'],
    ] as const;
    for (const [url, payload, field, rule] of refused) {
      const response = await send(url, payload);
      // then each is a 400 naming the field and the rule, and nothing is appended
      expect(response.statusCode, payload.slice(0, 100)).toBe(400);
      expect(response.json().issues, payload.slice(0, 100)).toEqual([{ field, rule }]);
    }
    expect(await api.eventCount()).toBe(before);
    await api.close();
  });

  it('takes a phone number only with digits in it', async () => {
    // given a customer
    const api = await anApi(dir);
    await aSignedDealAndATarget(api);
    const before = await api.eventCount();
    const profile = (phone: string) => api.app.inject({ method: 'POST', url: '/customers/acme/profile', headers: as('rep'), payload: { contact: { person: 'Eva', email: null, phone } } });
    // when its phone is given as brackets or dashes alone
    for (const phone of ['(((((', '-----']) {
      // then it is a 400 naming the field, and nothing is appended
      expect((await profile(phone)).json(), phone).toMatchObject({ status: 400, issues: [{ field: 'body.contact.phone', rule: 'must be a phone number: at least 5 digits' }] });
    }
    expect(await api.eventCount()).toBe(before);
    // and a number written with its usual punctuation is taken
    expect((await profile('+46 (8) 123-456')).statusCode).toBe(200);
    await api.close();
  });

  it('takes only currencies in use: three capital letters that are no ISO 4217 code are a 400 naming the field', async () => {
    // given a signed deal and a target
    const api = await anApi(dir);
    await aSignedDealAndATarget(api);
    const before = await api.eventCount();
    // when a deal, an offer and a target come with a made-up currency
    const refused = [
      ['/deals', { dealId: 'd9', customerId: 'acme', title: 'X', ownerRepId: 'ann', channel: 'referral', productLine: 'vans', product: 'van', region: 'north', estimatedAmount: { amountMinor: 100, currency: 'XXQ' }, expectedCloseDate: `${year}-12-15` }, 'body.estimatedAmount.currency'],
      ['/deals/d1/offers', { by: 'us', amount: { amountMinor: 100, currency: 'ABC' } }, 'body.amount.currency'],
      ['/targets', { targetId: 't9', period: String(year), metric: 'revenue', scope: { kind: 'org' }, amount: 100, currency: 'EUD' }, 'body.currency'],
    ] as const;
    for (const [url, payload, field] of refused) {
      const response = await api.app.inject({ method: 'POST', url, headers: as('manager'), payload });
      // then each is refused, naming the field and the rule, and nothing is appended
      expect(response.statusCode, url).toBe(400);
      expect(response.json().issues).toEqual([{ field, rule: 'must be an ISO 4217 currency code in use, such as EUR, USD or GBP' }]);
    }
    expect(await api.eventCount()).toBe(before);
    await api.close();
  });

  it('answers a URL the router cannot take as problem details, with the headers of every answer', async () => {
    const api = await anApi(dir);
    const undecodable = await api.app.inject({ method: 'GET', url: '/deals/%zz', headers: as('viewer') });
    expect(undecodable.statusCode).toBe(400);
    expect(undecodable.headers['content-type']).toContain('application/problem+json');
    expect(undecodable.json()).toMatchObject({ status: 400, code: 'FST_ERR_BAD_URL' });
    expect(undecodable.headers['x-content-type-options']).toBe('nosniff');
    expect(undecodable.headers['x-request-id']).toBeDefined();

    const tooLong = await api.app.inject({ method: 'GET', url: `/deals/${'a'.repeat(200)}`, headers: as('viewer') });
    expect(tooLong.statusCode).toBe(414);
    expect(tooLong.headers['content-type']).toContain('application/problem+json');
    expect(tooLong.json()).toMatchObject({ status: 414, title: 'URI too long', code: 'FST_ERR_MAX_PARAM_LENGTH' });

    const events = await api.eventCount();
    const text = await api.app.inject({ method: 'POST', url: '/reps', headers: { ...as('manager'), 'content-type': 'text/plain' }, payload: JSON.stringify({ repId: 'x', name: 'X', role: 'rep' }) });
    expect(text.statusCode).toBe(415);
    expect(text.json()).toMatchObject({ title: 'Unsupported media type', code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' });
    expect(await api.eventCount()).toBe(events);
    await api.close();
  });

  it('answers a method a path does not take with 405 and the methods it does take, and a path that does not exist with 404', async () => {
    const api = await anApi(dir);
    await api.app.inject({ method: 'POST', url: '/reps', headers: as('manager'), payload: { repId: 'ann', name: 'Ann', role: 'rep' } });
    const events = await api.eventCount();

    const deleted = await api.app.inject({ method: 'DELETE', url: '/reps/ann', headers: as('admin') });
    expect(deleted.statusCode).toBe(405);
    expect(deleted.headers.allow).toBe('GET, HEAD');
    expect(deleted.headers['content-type']).toContain('application/problem+json');
    expect(deleted.json()).toMatchObject({ status: 405, code: 'METHOD_NOT_ALLOWED', detail: '/reps/ann answers GET, HEAD, not DELETE' });
    expect(deleted.headers['x-request-id']).toBeDefined();

    const put = await api.app.inject({ method: 'PUT', url: '/reps?limit=5', headers: as('admin'), payload: { repId: 'bob' } });
    expect(put.statusCode).toBe(405);
    expect(put.headers.allow).toBe('GET, HEAD, POST');
    expect(await api.eventCount()).toBe(events);

    const nowhere = await api.app.inject({ method: 'DELETE', url: '/nowhere', headers: as('admin') });
    expect(nowhere.statusCode).toBe(404);
    expect(nowhere.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
    // Without a key, which methods a path takes is not told either.
    expect((await api.app.inject({ method: 'DELETE', url: '/reps/ann' })).statusCode).toBe(401);
    await api.close();
  });
});

describe('a request wrong in several parts', () => {
  it('is answered with every field at fault, in the body, the query and the headers, in one 400', async () => {
    // given a deal
    const api = await anApi(dir);
    await aSignedDealAndATarget(api);
    const events = await api.eventCount();
    // when an activity comes with a bad body, a parameter the route does not take and a malformed If-Match
    const refused = await api.app.inject({
      method: 'POST',
      url: '/deals/d1/activities?bogus=1',
      headers: { ...as('rep'), 'if-match': 'nope' },
      payload: { kind: 'x' },
    });
    // then one answer names them all, and nothing is written
    expect(refused.statusCode).toBe(400);
    expect(refused.json().issues.map((i: { field: string }) => i.field)).toEqual(['body.kind', 'body.summary', 'querystring.bogus', 'headers.if-match']);
    expect(await api.eventCount()).toBe(events);
    await api.close();
  });

  it('given a body of 5,000 fields the route does not take, when it is refused, then the answer lists 100 and counts the rest', async () => {
    const api = await anApi(dir);
    await aSignedDealAndATarget(api);
    const payload = { kind: 'note', summary: 'called', ...Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`extra${i}`, i])) };

    const refused = await api.app.inject({ method: 'POST', url: '/deals/d1/activities', headers: as('rep'), payload });

    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ code: 'VALIDATION_FAILED', detail: expect.stringMatching(/^body\.extra0: is not a field of this route/), moreIssues: 4900 });
    expect(refused.json().issues).toHaveLength(100);
    expect(refused.body.length).toBeLessThan(60_000);
    await api.close();
  });
});

describe('the HTTP API over a socket, at its edges', () => {
  it('answers headers too large for the parser (431) as problem details with the headers of every answer', async () => {
    // given the API listening on a free port
    const api = await anApi(dir);
    const base = await api.app.listen({ host: '127.0.0.1', port: 0 });
    // when a request's query string makes its headers larger than 16 KiB
    const answer = await new Promise<{ status: number | undefined; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
      const sent = request(`${base}/deals?x=${'a'.repeat(20_000)}`, { headers: as('viewer') }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode, headers: response.headers, body }));
      });
      sent.on('error', reject);
      sent.end();
    });
    // then 431, as problem details with a code, and the security headers
    expect(answer.status).toBe(431);
    expect(answer.headers['content-type']).toBe('application/problem+json');
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
    expect(JSON.parse(answer.body)).toMatchObject({ status: 431, title: 'Request Header Fields Too Large', code: 'HEADERS_TOO_LARGE' });
    await api.close();
  });
});

describe('the headers of a write', () => {
  it('refuses a single-valued header given twice, over a socket, instead of joining or dropping one', async () => {
    // given a signed deal, served on a free port
    const api = await anApi(dir);
    await aSignedDealAndATarget(api);
    const base = await api.app.listen({ host: '127.0.0.1', port: 0 });
    const before = await api.eventCount();
    // when a note is sent with two Idempotency-Keys (Node would join them into "a, b")
    const answer = await new Promise<{ status: number | undefined; body: string }>((resolve, reject) => {
      const sent = request(`${base}/deals/d1/activities`, { method: 'POST', headers: { ...as('rep'), 'content-type': 'application/json', 'idempotency-key': ['a', 'b'] } }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode, body }));
      });
      sent.on('error', reject);
      sent.end('{"kind":"note","summary":"s"}');
    });
    // then it is a 400 naming the header, and nothing is appended
    expect(answer.status, answer.body).toBe(400);
    expect(JSON.parse(answer.body).issues).toEqual([{ field: 'headers.idempotency-key', rule: 'must be given once, not 2 times' }]);
    expect(await api.eventCount()).toBe(before);
    await api.close();
  });

  it('refuses a precondition a write does not evaluate, and a body in a charset or coding it cannot read as sent', async () => {
    // given an open deal
    const api = await anApi(dir);
    await aSignedDealAndATarget(api);
    const deal = { dealId: 'd2', customerId: 'acme', title: 'Spare parts', ownerRepId: 'ann', channel: 'referral', productLine: 'vans', product: 'van', region: 'north', estimatedAmount: eur(1_000_00), expectedCloseDate: `${year}-12-15` };
    expect((await api.app.inject({ method: 'POST', url: '/deals', headers: as('rep'), payload: deal })).statusCode).toBe(201);
    const before = await api.eventCount();
    const note = (headers: Record<string, string>, payload: string | Buffer = '{"kind":"note","summary":"s"}') =>
      api.app.inject({ method: 'POST', url: '/deals/d2/activities', headers: { ...as('rep'), 'content-type': 'application/json', ...headers }, payload });
    // when a note comes with If-None-Match: * (the deal exists) or If-Unmodified-Since
    for (const [name, value] of [['if-none-match', '*'], ['if-unmodified-since', 'Mon, 01 Jan 2001 00:00:00 GMT']] as const) {
      const refused = await note({ [name]: value });
      // then it is a 400 naming the header and pointing to If-Match
      expect(refused.statusCode, name).toBe(400);
      expect(refused.json().issues, name).toEqual([{ field: `headers.${name}`, rule: 'is not a precondition writes here evaluate: make a write conditional with If-Match (an ETag as given, or *)' }]);
    }
    // when the body is Latin-1 as its content type says, or gzip as its content encoding says
    const latin1 = await note({ 'content-type': 'application/json; charset=iso-8859-1' }, Buffer.from('{"kind":"note","summary":"é"}', 'latin1'));
    const gzipped = await note({ 'content-encoding': 'gzip' });
    // then both are 415s that say what is taken, and nothing is appended
    expect(latin1.statusCode).toBe(415);
    expect(latin1.json()).toMatchObject({ code: 'UNSUPPORTED_BODY_ENCODING', detail: 'content-type: charset=iso-8859-1 is not taken: a JSON body is UTF-8 (send charset=utf-8, or no charset)' });
    expect(gzipped.statusCode).toBe(415);
    expect(gzipped.headers['accept-encoding']).toBe('identity');
    expect(await api.eventCount()).toBe(before);
    // and UTF-8 said in any spelling, or identity, is taken
    expect((await note({ 'content-type': 'application/json; charset="UTF-8"' })).statusCode).toBe(200);
    expect((await note({ 'content-encoding': 'identity' })).statusCode).toBe(200);
    await api.close();
  });
});

describe('the live event stream at its edges', () => {
  it('refuses a feed position past the last event, page or stream, instead of skipping the events that come to fill it', async () => {
    // given a log of a few events
    const api = await anApi(dir);
    await api.app.inject({ method: 'POST', url: '/reps', headers: as('manager'), payload: { repId: 'ann', name: 'Ann', role: 'rep' } });
    const head = Number((await api.app.inject({ method: 'GET', url: '/events?limit=1000', headers: as('viewer') })).json().nextAfter);
    // when a page or a stream is asked after a position no read gave out
    const page = await api.app.inject({ method: 'GET', url: `/events?after=${head + 3}`, headers: as('viewer') });
    const stream = await api.app.inject({ method: 'GET', url: '/events/stream', headers: { ...as('viewer'), 'last-event-id': '99999999999999999999999' } });
    const streamAfter = await api.app.inject({ method: 'GET', url: `/events/stream?after=${head + 1}`, headers: as('viewer') });
    // then each is a 400 naming the field and where the log ends
    expect(page.json()).toMatchObject({ status: 400, issues: [{ field: 'querystring.after', rule: `is past the last event in the log (${head}): pass a position this feed gave out` }] });
    expect(stream.json()).toMatchObject({ status: 400, issues: [{ field: 'headers.last-event-id' }] });
    expect(streamAfter.json()).toMatchObject({ status: 400, issues: [{ field: 'querystring.after' }] });
    // and HEAD answers as GET would, refusal included
    const headAfter = await api.app.inject({ method: 'HEAD', url: `/events/stream?after=${head + 1}`, headers: as('viewer') });
    expect(headAfter.statusCode).toBe(400);
    // and the last position itself is a place to go on from
    expect((await api.app.inject({ method: 'GET', url: `/events?after=${head}`, headers: as('viewer') })).json()).toEqual({ events: [], nextAfter: String(head) });
    await api.close();
  });

  it('answers HEAD with the headers of the stream and ends, and takes an empty Last-Event-ID as none', async () => {
    const api = await anApi(dir);
    const head = await api.app.inject({ method: 'HEAD', url: '/events/stream', headers: as('viewer') });
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-type']).toContain('text/event-stream');
    expect(head.headers['cache-control']).toBe('no-store');
    expect(head.body).toBe('');

    const base = await api.app.listen({ host: '127.0.0.1', port: 0 });
    const controller = new AbortController();
    const response = await fetch(`${base}/events/stream`, { headers: { ...as('viewer'), 'last-event-id': '' }, signal: controller.signal });
    expect(response.status).toBe(200);
    // customers' data: stored by no cache, as every answer
    expect(response.headers.get('cache-control')).toBe('no-store');
    const reader = response.body?.getReader();
    const first = await reader?.read();
    // The standard pipeline is defined at start-up: a stream from the beginning has its event.
    let text = new TextDecoder().decode(first?.value);
    while (!text.includes('PipelineDefined')) text += new TextDecoder().decode((await reader?.read())?.value);
    expect(text).toContain('id: 1\n');
    controller.abort();
    await api.close();
  });
});

describe('projection reads at their edges', () => {
  it('refuses a window whose end is not after its start, naming the field, on every read with a window', async () => {
    const api = await anApi(dir);
    for (const url of [
      '/funnel?from=2027-01-01T00:00:00Z&to=2026-01-01T00:00:00Z',
      '/performance?from=2026-01-01T00:00:00Z&to=2026-01-01T00:00:00Z',
      // As text from sorts first; as instants (01:00Z and 00:00Z) it comes after.
      '/channels?from=2026-05-31T23:00:00-02:00&to=2026-06-01T00:00:00Z',
      '/complaints/stats?from=2027-01-01T00:00:00Z&to=2026-01-01T00:00:00Z',
    ]) {
      const response = await api.app.inject({ method: 'GET', url, headers: as('viewer') });
      expect(response.statusCode, url).toBe(400);
      expect(response.json(), url).toMatchObject({ code: 'VALIDATION_FAILED', issues: [{ field: 'querystring.to', rule: 'must be later than from' }] });
    }
    // And the other way round: as text from sorts last, but 00:00+02:00 is 22:00Z, before 23:30Z.
    const offsets = await api.app.inject({ method: 'GET', url: '/channels?from=2026-06-01T00:00:00%2B02:00&to=2026-05-31T23:30:00%2B00:00', headers: as('viewer') });
    expect(offsets.statusCode).toBe(200);
    await api.close();
  });

  it('takes a date as a window bound, meaning the start of that day in UTC, and refuses what is neither', async () => {
    // given a signed deal
    const api = await anApi(dir);
    await aSignedDealAndATarget(api);
    const read = (url: string) => api.app.inject({ method: 'GET', url, headers: as('viewer') });
    // when the same windows are asked for with dates and with instants
    for (const path of ['/channels', '/performance', '/funnel', '/complaints/stats']) {
      const byDate = await read(`${path}?from=${year}-01-01&to=${year + 1}-01-01`);
      const byInstant = await read(`${path}?from=${year}-01-01T00:00:00Z&to=${year + 1}-01-01T00:00:00Z`);
      // then they answer the same figures
      expect(byDate.statusCode, path).toBe(200);
      expect(byDate.json().result, path).toEqual(byInstant.json().result);
    }
    // and a day that does not exist, or a bound before from once both are instants, is a 400 naming the field
    expect((await read(`/channels?from=${year}-02-30&to=${year}-03-01`)).json()).toMatchObject({ status: 400, issues: [{ field: 'querystring.from' }] });
    expect((await read(`/channels?from=${year}-06-01&to=${year}-05-31T23:30:00Z`)).json()).toMatchObject({ status: 400, issues: [{ field: 'querystring.to', rule: 'must be later than from' }] });
    await api.close();
  });

  it('answers 404 for the funnel of a pipeline that is not defined at the point in time read', async () => {
    const api = await anApi(dir);
    const unknown = await api.app.inject({ method: 'GET', url: '/funnel?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z&pipelineId=nope', headers: as('viewer') });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'PIPELINE_NOT_FOUND' });
    await api.app.inject({ method: 'POST', url: '/pipelines', headers: as('manager'), payload: { pipelineId: 'field', name: 'Field sales', stages: [{ stageId: 'lead', name: 'Lead', probability: 0.1 }] } });
    const beforeItWasDefined = await api.app.inject({ method: 'GET', url: '/funnel?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z&pipelineId=field&asOf=2000-01-01T00:00:00Z', headers: as('viewer') });
    expect(beforeItWasDefined.statusCode).toBe(404);
    const standard = await api.app.inject({ method: 'GET', url: '/funnel?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z', headers: as('viewer') });
    expect(standard.statusCode).toBe(200);
    await api.close();
  });

  it('reads the funnel of a back-dated history as of its own time: the standard pipeline is defined for all of business time', async () => {
    // given a quarter of last year entered today, each fact at the time it happened
    const api = await anApi(dir);
    const post = async (url: string, payload: object) => expect((await api.app.inject({ method: 'POST', url, headers: as('manager'), payload })).statusCode, url).toBeLessThan(300);
    const last = year - 1;
    await post('/reps', { repId: 'hist', name: 'Hist', role: 'rep', occurredAt: `${last}-01-05T09:00:00Z` });
    await post('/customers', { customerId: 'histc', name: 'Hist Co', segment: 'smb', industry: 'retail', region: 'north', acquisitionChannel: 'referral', occurredAt: `${last}-01-10T09:00:00Z` });
    await post('/deals', { dealId: 'histd', customerId: 'histc', title: 'Q2', ownerRepId: 'hist', channel: 'referral', productLine: 'vans', product: 'van', region: 'north', estimatedAmount: eur(5000), expectedCloseDate: `${last}-06-20`, occurredAt: `${last}-04-02T09:00:00Z` });
    await post('/deals/histd/contract', { amount: eur(5000), contractRef: 'K1', occurredAt: `${last}-05-15T09:00:00Z` });
    // when the quarter's funnel is read as of its last day
    const funnel = await api.app.inject({ method: 'GET', url: `/funnel?from=${last}-04-01&to=${last}-07-01&asOf=${last}-06-30T23:59:59Z`, headers: as('viewer') });
    // then it holds the deal, won
    expect(funnel.statusCode, funnel.body).toBe(200);
    expect(funnel.json().result).toMatchObject([{ slice: null, deals: 1, won: 1, lost: 0 }]);
    await api.close();
  });
});

describe('what-if re-evaluation over HTTP', () => {
  it('answers the targets under other rules beside the actual ones, at any point in time, and writes nothing', async () => {
    const api = await anApi(dir);
    const beforeContract = await aSignedDealAndATarget(api);
    const events = await api.eventCount();
    const whatIf = (query: string, payload: object) => api.app.inject({ method: 'POST', url: `/targets/what-if${query}`, headers: as('viewer'), payload });

    const now = await whatIf('', { targetIds: ['t1'], targetAmounts: { t1: 190_000_00 } });
    expect(now.statusCode).toBe(200);
    expect(now.json().result).toMatchObject([{ targetId: 't1', actual: { actual: 95_000_00, attainment: 0.19 }, alternative: { actual: 95_000_00, attainment: 0.5 } }]);
    const then = await whatIf(`?knownAt=${encodeURIComponent(beforeContract)}`, { targetIds: ['t1'] });
    expect(then.json().result).toMatchObject([{ actual: { actual: 0 }, alternative: { actual: 0 } }]);
    expect(await api.eventCount()).toBe(events);
    await api.close();
  });

  it('waits for minPosition like every read, and refuses a rule it does not know instead of ignoring it', async () => {
    const api = await anApi(dir);
    await aSignedDealAndATarget(api);
    await api.stopProjections();
    const unseen = (await api.app.inject({ method: 'POST', url: '/reps', headers: as('manager'), payload: { repId: 'late', name: 'Late', role: 'rep' } })).json().position as string;
    const behind = await api.app.inject({ method: 'POST', url: `/targets/what-if?minPosition=${unseen}`, headers: as('viewer'), payload: {} });
    expect(behind.statusCode).toBe(503);
    expect(behind.headers['retry-after']).toBe('1');
    expect(behind.json()).toMatchObject({ code: 'PROJECTIONS_BEHIND' });
    const misspelt = await api.app.inject({ method: 'POST', url: '/targets/what-if', headers: as('viewer'), payload: { atribution: 'ownerAtLead' } });
    expect(misspelt.statusCode).toBe(400);
    expect(misspelt.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(misspelt.json().detail).toContain('atribution');
    await api.close();
  });

  it('refuses ids that name no target or stage, naming each, rather than answering as if the rule applied', async () => {
    // given a target t1 and the standard pipeline
    const api = await anApi(dir);
    await aSignedDealAndATarget(api);
    const whatIf = (payload: object) => api.app.inject({ method: 'POST', url: '/targets/what-if', headers: as('viewer'), payload });
    // when a what-if or a progress read names a target or a stage that does not exist
    const unknown = await whatIf({ targetIds: ['t1', 'nope'], targetAmounts: { t9: 5 }, stageProbabilities: { proposal: 0.5, bogus: 0.5 } });
    const progress = await api.app.inject({ method: 'GET', url: '/targets/progress?targetIds=t1,nope', headers: as('viewer') });
    // then each is a 400 naming the field and the id; the ids that exist pass
    expect(unknown.json()).toMatchObject({
      status: 400,
      issues: [
        { field: 'body.targetIds', rule: 'nope is not a target at that point in time' },
        { field: 'body.targetAmounts', rule: 't9 is not a target at that point in time' },
        { field: 'body.stageProbabilities', rule: 'bogus is not a stage of any pipeline' },
      ],
    });
    expect(unknown.json().issues).toHaveLength(3);
    expect(progress.json()).toMatchObject({ status: 400, issues: [{ field: 'querystring.targetIds', rule: 'nope is not a target at that point in time' }] });
    expect((await whatIf({ targetIds: ['t1'], stageProbabilities: { proposal: 0.5 } })).statusCode).toBe(200);
    await api.close();
  });
});

describe('headers at their edges', () => {
  it('takes the bearer scheme in any case, and If-Match as entity tags or "*": a weak tag never matches', async () => {
    const api = await anApi(dir);
    await aSignedDealAndATarget(api);
    const lower = await api.app.inject({ method: 'GET', url: '/deals/d1', headers: { authorization: 'bearer secret-viewer' } });
    expect(lower.statusCode).toBe(200);

    const events = await api.eventCount();
    const forecast = (ifMatch: string) =>
      api.app.inject({ method: 'POST', url: '/deals/d1/forecast-category', headers: { ...as('rep'), 'if-match': ifMatch }, payload: { category: 'commit' } });
    const unbalanced = await forecast('"1');
    expect(unbalanced.statusCode).toBe(400);
    expect(unbalanced.json().issues).toMatchObject([{ field: 'headers.if-match' }]);
    expect((await forecast('*, "1"')).json()).toMatchObject({ status: 400, issues: [{ field: 'headers.if-match' }] });
    const weak = await forecast('W/"1"');
    expect(weak.statusCode).toBe(412);
    expect(weak.json()).toMatchObject({ code: 'STALE_IF_MATCH', currentVersion: 1, detail: 'W/"1" names no version as this API tags them (a stream version in quotes, "3"; a weak tag never matches); send the ETag as given' });
    expect((await forecast('W/"1", W/"2"')).statusCode).toBe(412);
    expect((await forecast('"4", "5"')).json()).toMatchObject({ status: 412, code: 'STALE_IF_MATCH', currentVersion: 1 });
    // a tag is compared as given out: "01" is not "1", and no tag is "-1"; unquoted, it is no tag at all
    for (const never of ['"01"', '"-1"', '"1.0"', '"one"']) expect((await forecast(never)).json(), never).toMatchObject({ status: 412, code: 'STALE_IF_MATCH', currentVersion: 1 });
    expect((await forecast('1')).json()).toMatchObject({ status: 400, issues: [{ field: 'headers.if-match', rule: 'must be "*" or entity tags in quotes (as ETag gives them), separated by commas' }] });
    expect(await api.eventCount()).toBe(events);
    // The deal is at version 1 (lead, contract): each of these passes, and the won deal's own rule answers.
    for (const passing of ['"1"', '"4", "1"', 'W/"1", "1"', '*']) {
      expect((await forecast(passing)).json(), passing).toMatchObject({ status: 422, code: 'DEAL_CLOSED' });
    }
    await api.close();
  });

  it('takes If-Match: * as "the resource exists": a command on an absent one gets 412 and appends nothing, where it would otherwise create it', async () => {
    const api = await anApi(dir);
    await aSignedDealAndATarget(api);
    const events = await api.eventCount();
    const rep = { name: 'Zoe Park', role: 'rep', email: 'zoe@example.com' };
    const absent = await api.app.inject({ method: 'POST', url: '/reps', headers: { ...as('manager'), 'if-match': '*' }, payload: { repId: 'zoe', ...rep } });
    expect(absent.statusCode).toBe(412);
    expect(absent.json()).toMatchObject({ code: 'STALE_IF_MATCH', currentVersion: null });
    // nor is "-1" a way to say "only if absent": no tag matches a resource that does not exist (RFC 9110 §13.1.1)
    const minusOne = await api.app.inject({ method: 'POST', url: '/reps', headers: { ...as('manager'), 'if-match': '"-1"' }, payload: { repId: 'zoe', ...rep } });
    expect(minusOne.json()).toMatchObject({ status: 412, code: 'STALE_IF_MATCH', currentVersion: null });
    expect(await api.eventCount()).toBe(events);
    const created = await api.app.inject({ method: 'POST', url: '/reps', headers: as('manager'), payload: { repId: 'zoe', ...rep } });
    expect(created.statusCode).toBe(201);
    await api.close();
  });
});

describe('amounts at their edges', () => {
  it('refuses a target amount beyond the integers a number holds exactly, naming the field, and appends nothing', async () => {
    const api = await anApi(dir);
    await aSignedDealAndATarget(api);
    const events = await api.eventCount();
    const huge = await api.app.inject({
      method: 'POST',
      url: '/targets',
      headers: as('manager'),
      payload: { targetId: 'big', period: String(year), metric: 'revenue', scope: { kind: 'org' }, amount: 1e300, currency: 'EUR' },
    });
    expect(huge.statusCode).toBe(400);
    expect(huge.json().issues).toMatchObject([{ field: 'body.amount' }]);
    const adjusted = await api.app.inject({ method: 'POST', url: '/targets/t1/adjustment', headers: as('manager'), payload: { amount: 2 ** 53, reason: 'more' } });
    expect(adjusted.statusCode).toBe(400);
    expect(await api.eventCount()).toBe(events);
    await api.close();
  });
});

describe('explain on every projection read', () => {
  it('gives the provenance of the figures of performance, channels, complaint statistics and stalled deals', async () => {
    const api = await anApi(dir);
    await aSignedDealAndATarget(api);
    // A deal found 40 days ago and untouched since is stalled in its lead stage (14 days allowed).
    const fortyDaysAgo = new Date(Date.now() - 40 * 86_400_000).toISOString();
    const old = await api.app.inject({
      method: 'POST',
      url: '/deals',
      headers: as('rep'),
      payload: { dealId: 'd2', customerId: 'acme', title: 'Spare parts', ownerRepId: 'ann', channel: 'direct', productLine: 'vans', product: 'parts', region: 'north', estimatedAmount: eur(5_000_00), expectedCloseDate: `${year + 1}-01-15`, occurredAt: fortyDaysAgo },
    });
    expect(old.statusCode).toBe(201);
    await api.app.inject({ method: 'POST', url: '/complaints', headers: as('rep'), payload: { complaintId: 'k1', customerId: 'acme', dealId: 'd1', category: 'delivery', severity: 'low', description: 'late' } });
    const window = `from=${year - 1}-01-01T00:00:00Z&to=${year + 1}-01-01T00:00:00Z`;
    const read = async (url: string) => {
      const response = await api.app.inject({ method: 'GET', url, headers: as('viewer') });
      expect(response.statusCode, `${url}: ${response.body}`).toBe(200);
      return response.json().result;
    };
    const signedAt = (await read('/deals/d1/timeline')).items.at(-1).position as string;

    const [ann] = await read(`/performance?${window}&explain=true`);
    expect(ann).toMatchObject({ id: 'ann', won: 1, provenance: { won: [{ dealId: 'd1', position: signedAt }], complaintsOnCustomers: [{ complaintId: 'k1' }] } });
    expect((await read(`/performance?${window}`))[0]).not.toHaveProperty('provenance');
    const channels = await read(`/channels?${window}&explain=true`);
    expect(channels.find((c: { channel: string }) => c.channel === 'referral').provenance).toMatchObject({ won: [{ dealId: 'd1', position: signedAt }], customersAcquired: [{ dealId: 'd1' }] });
    expect(await read('/complaints/stats?explain=true')).toMatchObject({ total: 1, provenance: { total: [{ complaintId: 'k1' }] } });
    expect((await read('/deals/stalled?explain=true')).items).toMatchObject([{ dealId: 'd2', provenance: { lastTouch: old.json().position } }]);
    expect((await read('/deals/stalled')).items[0]).not.toHaveProperty('provenance');
    await api.close();
  });
});

describe('cursors while the list changes', () => {
  it('places an item whose sort key changed by its new value, and with one knownAt on every page reads one unmoving list', async () => {
    const api = await anApi(dir);
    await aSignedDealAndATarget(api);
    const lead = (dealId: string, amountMinor: number) =>
      api.app.inject({
        method: 'POST',
        url: '/deals',
        headers: as('rep'),
        payload: { dealId, customerId: 'acme', title: dealId, ownerRepId: 'ann', channel: 'direct', productLine: 'vans', product: 'van', region: 'north', estimatedAmount: eur(amountMinor), expectedCloseDate: `${year + 1}-01-15` },
      });
    await lead('d2', 1_000_00);
    await lead('d3', 2_000_00);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const before = encodeURIComponent(new Date().toISOString());
    await new Promise((resolve) => setTimeout(resolve, 5));
    const pages = async (extra: string, between?: () => Promise<unknown>) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `/deals?sort=estimatedAmount&limit=1${extra}${cursor ? `&cursor=${cursor}` : ''}`;
        const response = await api.app.inject({ method: 'GET', url, headers: as('viewer') });
        expect(response.statusCode, response.body).toBe(200);
        seen.push(...response.json().items.map((d: { dealId: string }) => d.dealId));
        cursor = (response.json() as { nextCursor: string | null }).nextCursor;
        if (seen.length === 1) await between?.();
      } while (cursor);
      return seen;
    };
    // d2 (1,000) is read first; then its estimate goes up to 500,000, above d1's 95,000 contract (estimate 100,000).
    const raised = await pages('', () => api.app.inject({ method: 'POST', url: '/deals/d2/estimate', headers: as('rep'), payload: { amount: eur(500_000_00) } }));
    expect(raised).toEqual(['d2', 'd3', 'd1', 'd2']);
    expect(await pages(`&knownAt=${before}`)).toEqual(['d2', 'd3', 'd1']);
    await api.close();
  });
});

describe('conditional writes from a read', () => {
  it('gives a deal read now its version as ETag, which If-Match then takes; a read in the past gives none', async () => {
    const api = await anApi(dir);
    const beforeContract = await aSignedDealAndATarget(api);
    const now = await api.app.inject({ method: 'GET', url: '/deals/d1', headers: as('viewer') });
    expect(now.headers.etag).toBe('"1"');
    expect(now.json()).toMatchObject({ dealId: 'd1', streamVersion: 1, status: 'won' });
    const then = await api.app.inject({ method: 'GET', url: `/deals/d1?knownAt=${encodeURIComponent(beforeContract)}`, headers: as('viewer') });
    expect(then.json()).toMatchObject({ streamVersion: 0, status: 'open' });
    expect(then.headers.etag).toBeUndefined();

    // Another client reopens the deal; a write conditional on the version read is refused, one on the new version goes through.
    const reopen = (ifMatch: string) => api.app.inject({ method: 'POST', url: '/deals/d1/reopen', headers: { ...as('rep'), 'if-match': ifMatch }, payload: { stageId: 'negotiation', reason: 'budget freed' } });
    const first = await reopen(now.headers.etag as string);
    expect(first.statusCode, first.body).toBe(200);
    const stale = await api.app.inject({ method: 'POST', url: '/deals/d1/forecast-category', headers: { ...as('rep'), 'if-match': now.headers.etag as string }, payload: { category: 'commit' } });
    expect(stale.json()).toMatchObject({ status: 412, code: 'STALE_IF_MATCH', currentVersion: 2 });
    const fresh = await api.app.inject({ method: 'GET', url: `/deals/d1?minPosition=${first.json().position}`, headers: as('viewer') });
    expect(fresh.headers.etag).toBe('"2"');
    await api.close();
  });
});

describe('conditional writes from a read of any resource', () => {
  // Each resource read now, and a command on it that If-Match can make conditional (a team takes no command after it is formed).
  const resources = [
    { read: '/customers/acme', version: 0, write: { url: '/customers/acme/satisfaction', payload: { score: 4, source: 'call' } } },
    { read: '/complaints/c1', version: 0, write: { url: '/complaints/c1/acknowledgement', payload: {} } },
    { read: '/targets/t1', version: 0, write: { url: '/targets/t1/adjustment', payload: { amount: 600_000_00, reason: 'new quarter plan' } } },
    { read: '/reps/ann', version: 1, write: { url: '/reps/ann/team-departure', payload: {} } },
    { read: '/pipelines/standard', version: 0, write: { url: '/pipelines/standard/stages/proposal/probability', payload: { probability: 0.45 } } },
    { read: '/teams/north', version: 0, write: null },
  ];

  it.each(resources)('gives $read read now its version as ETag, and If-Match takes it once', async ({ read, version, write }) => {
    const api = await anApi(dir);
    await aSignedDealAndATarget(api);
    await api.app.inject({ method: 'POST', url: '/complaints', headers: as('rep'), payload: { complaintId: 'c1', customerId: 'acme', category: 'delivery', severity: 'low', description: 'late' } });

    const now = await api.app.inject({ method: 'GET', url: read, headers: as('viewer') });
    expect(now.statusCode, now.body).toBe(200);
    expect(now.headers.etag).toBe(`"${version}"`);
    expect(now.json()).toMatchObject({ streamVersion: version });
    if (write === null) return api.close();

    await new Promise((resolve) => setTimeout(resolve, 5));
    const beforeWrite = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const conditional = (ifMatch: string) => api.app.inject({ method: 'POST', url: write.url, headers: { ...as('manager'), 'if-match': ifMatch }, payload: write.payload });
    const first = await conditional(now.headers.etag as string);
    expect(first.statusCode, first.body).toBe(200);
    const events = await api.eventCount();
    const stale = await conditional(now.headers.etag as string);
    expect(stale.json()).toMatchObject({ status: 412, code: 'STALE_IF_MATCH', currentVersion: version + 1 });
    expect(await api.eventCount()).toBe(events);

    const fresh = await api.app.inject({ method: 'GET', url: `${read}?minPosition=${first.json().position}`, headers: as('viewer') });
    expect(fresh.headers.etag).toBe(`"${version + 1}"`);
    expect(fresh.json()).toMatchObject({ streamVersion: version + 1 });
    // A state in the past is not one to write against: it shows its version, with no ETag.
    const then = await api.app.inject({ method: 'GET', url: `${read}?asOf=${encodeURIComponent(beforeWrite)}`, headers: as('viewer') });
    expect(then.json()).toMatchObject({ streamVersion: version });
    expect(then.headers.etag).toBeUndefined();
    await api.close();
  });
});

describe('problem titles', () => {
  it('name what went wrong for a body too large and for too many requests', async () => {
    const api = await anApi(dir, { rateLimitPerMinute: 2 });
    const large = await api.app.inject({ method: 'POST', url: '/reps', headers: { ...as('manager'), 'content-type': 'application/json' }, payload: JSON.stringify({ name: 'x'.repeat(1_100_000) }) });
    expect(large.json()).toMatchObject({ status: 413, title: 'Payload too large' });
    await api.app.inject({ method: 'GET', url: '/deals/stalled', headers: as('viewer') });
    await api.app.inject({ method: 'GET', url: '/deals/stalled', headers: as('viewer') });
    const limited = await api.app.inject({ method: 'GET', url: '/deals/stalled', headers: as('viewer') });
    expect(limited.json()).toMatchObject({ status: 429, title: 'Too many requests', code: 'RATE_LIMITED' });
    await api.close();
  });
});
