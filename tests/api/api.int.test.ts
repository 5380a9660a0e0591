import { Agent, request } from 'node:http';
import { compileErrors, validate } from '@readme/openapi-parser';
import { describe, expect, it } from 'vitest';
import { commandRouteTable } from '../../src/api/commandRoutes.js';
import { anApi, as } from '../support/api.js';
import { aTempDir } from '../support/tempDir.js';

const dir = aTempDir();
const eur = (amountMinor: number) => ({ amountMinor, currency: 'EUR' });
const customer = { customerId: 'acme', name: 'Acme AB', segment: 'enterprise', industry: 'logistics', region: 'north', acquisitionChannel: 'referral' };
const lead = { dealId: 'd1', customerId: 'acme', title: 'Fleet renewal', ownerRepId: 'ann', channel: 'referral', productLine: 'vans', product: 'van', region: 'north', estimatedAmount: eur(100_000_00), expectedCloseDate: '2026-12-15' };

async function anOrg(api: Awaited<ReturnType<typeof anApi>>) {
  const post = (url: string, payload: object, role: 'rep' | 'manager' = 'manager') => api.app.inject({ method: 'POST', url, headers: as(role), payload });
  expect((await post('/reps', { repId: 'mia', name: 'Mia', role: 'manager' })).statusCode).toBe(201);
  expect((await post('/reps', { repId: 'ann', name: 'Ann', role: 'rep' })).statusCode).toBe(201);
  expect((await post('/teams', { teamId: 'north', name: 'North', region: 'north', managerRepId: 'mia' })).statusCode).toBe(201);
  expect((await post('/reps/ann/team', { teamId: 'north' })).statusCode).toBe(200);
  expect((await post('/customers', customer, 'rep')).statusCode).toBe(201);
  return post;
}

type JsonSchema = { [key: string]: unknown };
const COMBINATORS = ['type', 'anyOf', 'oneOf', 'allOf', '$ref', 'enum', 'const'];

/**
 * Where a response schema leaves a value undescribed: a schema that says nothing of its type, or
 * an object with neither properties nor a typed value for its other keys. Paths read like `.result[].data`.
 */
function openPlaces(schema: JsonSchema, doc: JsonSchema, path = ''): string[] {
  if (typeof schema.$ref === 'string') {
    const target = schema.$ref.replace(/^#\//, '').split('/').reduce<unknown>((node, key) => (node as JsonSchema)[key], doc) as JsonSchema;
    return openPlaces(target, doc, path);
  }
  if (!COMBINATORS.some((key) => key in schema)) return [path || '.'];
  const places: string[] = [];
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) for (const branch of (schema[key] as JsonSchema[] | undefined) ?? []) places.push(...openPlaces(branch, doc, path));
  if (schema.type === 'array') places.push(...openPlaces((schema.items as JsonSchema | undefined) ?? {}, doc, `${path}[]`));
  if (schema.type === 'object') {
    const properties = Object.entries((schema.properties as Record<string, JsonSchema> | undefined) ?? {});
    for (const [name, property] of properties) places.push(...openPlaces(property, doc, `${path}.${name}`));
    const rest = schema.additionalProperties;
    if (typeof rest === 'object' && rest !== null) places.push(...openPlaces(rest as JsonSchema, doc, `${path}.*`));
    else if (properties.length === 0 && rest !== false) places.push(path || '.');
  }
  return [...new Set(places)];
}

describe('the HTTP API', () => {
  it('walks a deal from lead to signed contract with a complaint and a target, and reads it all back', async () => {
    const api = await anApi(dir);
    const post = await anOrg(api);
    const found = await post('/deals', lead, 'rep');
    expect(found.statusCode).toBe(201);
    expect(found.json()).toMatchObject({ id: 'd1', streamVersion: 0, replayed: false, events: [{ type: 'LeadFound' }] });
    expect(found.headers.etag).toBe('"0"');
    for (const stage of ['qualified', 'proposal', 'negotiation']) expect((await post('/deals/d1/stage', { stageId: stage }, 'rep')).statusCode).toBe(200);
    expect((await post('/deals/d1/offers', { by: 'customer', amount: eur(90_000_00), discountPercent: 10 }, 'rep')).statusCode).toBe(200);
    const year = new Date().getUTCFullYear();
    expect((await post('/targets', { targetId: 'org', period: String(year), metric: 'revenue', scope: { kind: 'org' }, amount: 400_000_00, currency: 'EUR' })).statusCode).toBe(201);
    expect((await post('/targets', { targetId: 't1', period: String(year), metric: 'revenue', scope: { kind: 'team', id: 'north' }, amount: 500_000_00, currency: 'EUR', parentTargetId: 'org' })).statusCode).toBe(201);
    // an instant known to lie between the offer and the contract
    const pause = () => new Promise((resolve) => setTimeout(resolve, 5));
    await pause();
    const beforeContract = new Date().toISOString();
    await pause();
    const signed = await post('/deals/d1/contract', { amount: eur(95_000_00), contractRef: 'K-1' }, 'rep');
    expect(signed.statusCode).toBe(200);
    expect((await post('/complaints', { complaintId: 'k1', customerId: 'acme', dealId: 'd1', category: 'delivery', severity: 'high', description: 'two vans late' }, 'rep')).statusCode).toBe(201);
    const last = await post('/complaints/k1/acknowledgement', {}, 'rep');
    const minPosition = last.json().position as string;

    const get = (url: string) => api.app.inject({ method: 'GET', url, headers: as('viewer') });
    const from = `${year}-01-01T00:00:00Z`;
    const to = `${year + 1}-01-01T00:00:00Z`;
    const funnel = await get(`/funnel?from=${from}&to=${to}&minPosition=${minPosition}`);
    expect(funnel.statusCode).toBe(200);
    expect(funnel.json().result[0]).toMatchObject({ deals: 1, won: 1, winRate: 1 });
    expect(funnel.json().result[0].stages.map((s: { reached: number }) => s.reached)).toEqual([1, 1, 1, 1]);

    const progress = await get(`/targets/t1/progress?minPosition=${minPosition}`);
    expect(progress.json().result).toMatchObject({ actual: 95_000_00, attainment: 0.19, contributingDeals: 1 });
    expect(progress.json().result).not.toHaveProperty('contributions');
    const explained = await get(`/targets/t1/progress?explain=true`);
    expect(explained.json().result).toMatchObject({ actual: 95_000_00, contributions: [{ dealId: 'd1', value: 95_000_00 }] });
    expect((await get('/targets/progress?targetIds=t1&explain=true')).json().result).toMatchObject([{ targetId: 't1', contributions: [{ dealId: 'd1' }] }]);
    expect((await get('/targets/progress?targetIds=t1')).json().result).toMatchObject([{ targetId: 't1', contributingDeals: 1 }]);

    // One target, or with children=true the tree of it and its children; the child (500k) over-allocates the parent (400k).
    const parent = (await get('/targets/org/progress')).json().result;
    expect(parent).toMatchObject({ targetId: 'org', actual: 95_000_00, children: { count: 1, sum: 500_000_00, allocation: 'over' } });
    expect(parent).not.toHaveProperty('childTargets');
    const tree = (await get('/targets/org/progress?children=true')).json().result;
    expect(tree.childTargets).toMatchObject([{ targetId: 't1', parentTargetId: 'org', actual: 95_000_00, contributingDeals: 1 }]);
    expect((await get('/targets/org/progress?children=true&explain=true')).json().result.childTargets[0].contributions).toMatchObject([{ dealId: 'd1' }]);

    const timeline = (await get('/deals/d1/timeline')).json().result;
    expect(timeline.items.map((e: { type: string }) => e.type)).toEqual([
      'LeadFound', 'DealMovedToStage', 'DealMovedToStage', 'DealMovedToStage', 'OfferMade', 'ContractSigned',
    ]);
    expect(timeline.items.at(-1)).toMatchObject({ actor: 'rep', after: { status: 'won', amount: eur(95_000_00) } });
    expect(timeline.nextCursor).toBeNull();
    // the same six, two at a time
    const pages: string[][] = [];
    for (let cursor: string | null = ''; cursor !== null; ) {
      const page: { items: { type: string }[]; nextCursor: string | null } = (await get(`/deals/d1/timeline?limit=2${cursor ? `&cursor=${cursor}` : ''}`)).json().result;
      pages.push(page.items.map((e) => e.type));
      cursor = page.nextCursor;
    }
    expect(pages).toEqual([['LeadFound', 'DealMovedToStage'], ['DealMovedToStage', 'DealMovedToStage'], ['OfferMade', 'ContractSigned']]);
    expect((await get('/deals/d1/timeline?cursor=nonsense')).json()).toMatchObject({ status: 400, code: 'INVALID_CURSOR' });
    // a cursor of d1's timeline is not a place in another list: another deal's timeline, the reps
    const d1Cursor = (await get('/deals/d1/timeline?limit=2')).json().result.nextCursor as string;
    expect((await post('/deals', { ...lead, dealId: 'd2' }, 'rep')).statusCode).toBe(201);
    expect((await get(`/deals/d2/timeline?cursor=${d1Cursor}`)).json()).toMatchObject({ status: 400, code: 'INVALID_CURSOR', detail: expect.stringMatching(/another list/) });
    expect((await get(`/reps?cursor=${d1Cursor}`)).json()).toMatchObject({ status: 400, code: 'INVALID_CURSOR' });

    const lifecycle = await get(`/customers/lifecycle?minPosition=${minPosition}`);
    expect(lifecycle.json().result).toEqual({ byStage: { atRisk: 1 }, byClass: { A: 1 } });
    const atRisk = await get('/customers?lifecycleStage=atRisk');
    expect(atRisk.json().items).toMatchObject([{ customerId: 'acme', stage: 'atRisk', openComplaints: 1, contracts: 1 }]);
    const acme = await get('/customers/acme/lifecycle?explain=true');
    expect(acme.json().result).toMatchObject({ customerId: 'acme', stage: 'atRisk', class: 'A', contracts: 1, provenance: { contracts: [{ dealId: 'd1' }] } });
    expect(acme.json().result.transitions.map((t: { stage: string }) => t.stage)).toEqual(['prospect', 'new', 'atRisk']);
    const before = await get(`/customers/acme/lifecycle?knownAt=${encodeURIComponent(beforeContract)}`);
    expect(before.json().result).toMatchObject({ stage: 'prospect', contracts: 0 });
    expect((await get('/customers/ghost/lifecycle')).json()).toMatchObject({ status: 404, code: 'CUSTOMER_NOT_FOUND' });
    const stats = await get('/complaints/stats');
    expect(stats.json().result).toMatchObject({ total: 1, open: 1 });
    await api.close();
  });

  describe('authentication and roles', () => {
    it('answers 401 without a key or with an unknown one, and 403 below the role a route needs', async () => {
      const api = await anApi(dir);
      const missing = await api.app.inject({ method: 'GET', url: '/deals/stalled' });
      expect(missing.statusCode).toBe(401);
      expect(missing.json()).toMatchObject({ code: 'API_KEY_MISSING' });
      expect(missing.headers['www-authenticate']).toBe('Bearer');
      const unknown = await api.app.inject({ method: 'GET', url: '/deals/stalled', headers: { authorization: 'Bearer guess' } });
      expect(unknown.json()).toMatchObject({ status: 401, code: 'API_KEY_UNKNOWN' });
      const viewerWrites = await api.app.inject({ method: 'POST', url: '/deals', headers: as('viewer'), payload: lead });
      expect(viewerWrites.statusCode).toBe(403);
      const repSetsTarget = await api.app.inject({ method: 'POST', url: '/targets', headers: as('rep'), payload: {} });
      expect(repSetsTarget.json()).toMatchObject({ status: 403, code: 'ROLE_NOT_ALLOWED' });
      expect((await api.app.inject({ method: 'GET', url: '/deals/stalled', headers: as('viewer') })).statusCode).toBe(200);
      expect((await api.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
      await api.close();
    });

    it('judges every request on a kept-alive connection by its own key', async () => {
      // given the API on a real port, and one connection kept alive between requests
      const api = await anApi(dir);
      const base = await api.app.listen({ host: '127.0.0.1', port: 0 });
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const sockets = new Set<unknown>();
      const rebuild = (headers: Record<string, string>) =>
        new Promise<{ status: number; code: string }>((resolve, reject) => {
          const req = request(`${base}/projections/none/rebuild`, { method: 'POST', agent, headers }, (res) => {
            let body = '';
            res.on('data', (chunk: Buffer) => (body += chunk.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, code: (JSON.parse(body) as { code: string }).code }));
          });
          req.on('socket', (socket) => sockets.add(socket));
          req.on('error', reject);
          req.end();
        });
      // when the admin key, a viewer's, a guess, none, and the admin's again come on it in turn
      const answers = [await rebuild(as('admin')), await rebuild(as('viewer')), await rebuild({ authorization: 'Bearer secret-admiN' }), await rebuild({}), await rebuild(as('admin'))];
      // then each got what its own key allows (the admin gets as far as the projection's name)
      expect(answers).toEqual([
        { status: 404, code: 'PROJECTION_NOT_FOUND' },
        { status: 403, code: 'ROLE_NOT_ALLOWED' },
        { status: 401, code: 'API_KEY_UNKNOWN' },
        { status: 401, code: 'API_KEY_MISSING' },
        { status: 404, code: 'PROJECTION_NOT_FOUND' },
      ]);
      expect(sockets.size).toBe(1);
      agent.destroy();
      await api.close();
    });

    it('writes the actor from the key, never from the request body', async () => {
      const api = await anApi(dir);
      await anOrg(api);
      // a body naming another actor is refused, naming the field; nothing is written
      const forged = await api.app.inject({ method: 'POST', url: '/deals', headers: as('rep'), payload: { ...lead, actor: 'someone-else' } });
      expect(forged.statusCode).toBe(400);
      expect(forged.json().detail).toMatch(/^body\.actor: is not a field of this route \(it takes dealId, /);
      expect(await api.store.readStream('deal-d1')).toEqual([]);
      // the same lead without it is written by the key's holder
      await api.app.inject({ method: 'POST', url: '/deals', headers: as('rep'), payload: lead });
      const [event] = await api.store.readStream('deal-d1');
      expect(event?.metadata.actor).toBe('rep');
      await api.close();
    });
  });

  describe('refusals append nothing', () => {
    it('answers 400 naming each invalid field and the rule', async () => {
      const api = await anApi(dir);
      const before = await api.eventCount();
      const bad = await api.app.inject({ method: 'POST', url: '/deals', headers: as('rep'), payload: { ...lead, estimatedAmount: { amountMinor: 1.5, currency: 'euro' } } });
      expect(bad.statusCode).toBe(400);
      expect(bad.headers['content-type']).toContain('application/problem+json');
      expect(bad.json().code).toBe('VALIDATION_FAILED');
      expect(bad.json().issues.map((i: { field: string }) => i.field)).toEqual(expect.arrayContaining(['body.estimatedAmount.amountMinor', 'body.estimatedAmount.currency']));
      expect(await api.eventCount()).toBe(before);
      await api.close();
    });

    it('answers 422 with the domain code for a business rule, and 404 for an unknown aggregate', async () => {
      const api = await anApi(dir);
      const post = await anOrg(api);
      await post('/deals', lead, 'rep');
      const before = await api.eventCount();
      const zero = await post('/deals/d1/contract', { amount: eur(0), contractRef: 'K' }, 'rep');
      expect(zero.statusCode).toBe(422);
      expect(zero.json()).toMatchObject({ code: 'AMOUNT_NOT_POSITIVE' });
      const ghost = await post('/deals/ghost/stage', { stageId: 'proposal' }, 'rep');
      expect(ghost.json()).toMatchObject({ status: 404, code: 'DEAL_NOT_FOUND' });
      const unknownCustomer = await post('/deals', { ...lead, dealId: 'd2', customerId: 'ghost' }, 'rep');
      expect(unknownCustomer.json()).toMatchObject({ status: 422, code: 'CUSTOMER_NOT_FOUND' });
      const taken = await post('/customers', { ...customer, customerId: 'acme2', name: ' ACME  ab' }, 'rep');
      expect(taken.json()).toMatchObject({ status: 422, code: 'CUSTOMER_NAME_TAKEN', facts: { holderId: 'acme' } });
      // a character that shows nothing (a zero-width space, a soft hyphen) makes no other name
      const invisible = await post('/customers', { ...customer, customerId: 'acme3', name: 'Ac\u00adme AB\u200b' }, 'rep');
      expect(invisible.json()).toMatchObject({ status: 422, code: 'CUSTOMER_NAME_TAKEN', facts: { holderId: 'acme' } });
      expect(await api.eventCount()).toBe(before);
      await api.close();
    });
  });

  describe('retries and conditions', () => {
    it('returns the first answer to a retry with the same Idempotency-Key, appending nothing; a created id comes from the key', async () => {
      const api = await anApi(dir);
      await anOrg(api);
      const { dealId: _omitted, ...withoutId } = lead;
      const send = () => api.app.inject({ method: 'POST', url: '/deals', headers: { ...as('rep'), 'idempotency-key': 'req-42' }, payload: withoutId });
      const first = await send();
      const before = await api.eventCount();
      const retry = await send();
      expect(first.statusCode).toBe(201);
      expect(retry.statusCode).toBe(201);
      expect(retry.json()).toEqual({ ...first.json(), replayed: true });
      expect(await api.eventCount()).toBe(before);
      await api.close();
    });

    it("keeps each API key's Idempotency-Keys its own: another key's request under the same one is written, not taken for a retry", async () => {
      // given a rep who set a deal's forecast under the idempotency key k1
      const api = await anApi(dir);
      const post = await anOrg(api);
      await post('/deals', lead, 'rep');
      const send = (role: 'rep' | 'manager' | 'admin', category: string) =>
        api.app.inject({ method: 'POST', url: '/deals/d1/forecast-category', headers: { ...as(role), 'idempotency-key': 'k1' }, payload: { category } });
      expect((await send('rep', 'commit')).json()).toMatchObject({ replayed: false });
      // when a manager sends another command under the same key, and an admin the rep's very command
      const before = await api.eventCount();
      const other = await send('manager', 'bestCase');
      const same = await send('admin', 'commit');
      // then both are requests of their own, written; and the rep's retry still gets its first answer
      expect(other.statusCode).toBe(200);
      expect(other.json()).toMatchObject({ replayed: false, streamVersion: 2 });
      expect(same.json()).toMatchObject({ replayed: false, streamVersion: 3 });
      expect(await api.eventCount()).toBe(before + 2);
      expect((await send('rep', 'commit')).json()).toMatchObject({ replayed: true, streamVersion: 1 });
      expect((await send('rep', 'omitted')).json()).toMatchObject({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
      await api.close();
    });

    it('applies a command with If-Match only at that version: 412 when stale', async () => {
      const api = await anApi(dir);
      const post = await anOrg(api);
      await post('/deals', lead, 'rep');
      const stale = await api.app.inject({ method: 'POST', url: '/deals/d1/forecast-category', headers: { ...as('rep'), 'if-match': '"3"' }, payload: { category: 'commit' } });
      expect(stale.statusCode).toBe(412);
      expect(stale.json()).toMatchObject({ code: 'STALE_IF_MATCH', currentVersion: 0 });
      const fresh = await api.app.inject({ method: 'POST', url: '/deals/d1/forecast-category', headers: { ...as('rep'), 'if-match': '"0"' }, payload: { category: 'commit' } });
      expect(fresh.statusCode).toBe(200);
      expect(fresh.headers.etag).toBe('"1"');
      await api.close();
    });

    it('answers 503 with Retry-After when the projections do not reach minPosition in time', async () => {
      const api = await anApi(dir);
      await api.stopProjections();
      const unseen = (await api.app.inject({ method: 'POST', url: '/reps', headers: as('manager'), payload: { repId: 'late', name: 'Late', role: 'rep' } })).json().position as string;
      const behind = await api.app.inject({ method: 'GET', url: `/deals/stalled?minPosition=${unseen}`, headers: as('viewer') });
      expect(behind.statusCode).toBe(503);
      expect(behind.headers['retry-after']).toBe('1');
      expect(behind.json()).toMatchObject({ code: 'PROJECTIONS_BEHIND' });
      await api.close();
    });
  });

  it('documents every command route in the OpenAPI document, with its request and response schemas', async () => {
    const api = await anApi(dir);
    const doc = (await api.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    const validation = await validate(structuredClone(doc));
    expect(validation.valid, validation.valid ? '' : compileErrors(validation)).toBe(true);
    for (const route of commandRouteTable) {
      const path = route.url.replace(/:(\w+)/g, '{$1}');
      const operation = doc.paths[path]?.post;
      expect(operation, path).toBeDefined();
      expect(operation.requestBody?.content?.['application/json']?.schema, path).toBeDefined();
      expect(operation.requestBody?.required, path).toBe(true);
      expect(Object.keys(operation.responses), path).toEqual(expect.arrayContaining([route.url.split('/').length === 2 ? '201' : '200', '4XX']));
    }
    // The public routes answer 503 SHUTTING_DOWN as every route does while the server stops
    for (const path of ['/health', '/ready']) expect(doc.paths[path]?.get?.responses?.['503']?.description, path).toContain('SHUTTING_DOWN');
    // The document itself takes no query parameter, as no route does that does not name it.
    expect((await api.app.inject({ method: 'GET', url: '/openapi.json?x=1' })).json()).toMatchObject({ status: 400, issues: [{ field: 'querystring.x' }] });
    // A rebuild takes no body (or an empty one): documented as one that need not be sent.
    expect(doc.paths['/projections/{name}/rebuild']?.post?.requestBody?.required).toBe(false);
    for (const path of ['/funnel', '/targets/progress', '/customers/lifecycle', '/customers/{id}/lifecycle', '/complaints/stats', '/performance', '/channels', '/deals/stalled', '/deals/{id}/timeline']) {
      expect(doc.paths[path]?.get?.parameters?.length, path).toBeGreaterThan(0);
    }
    // A deal, read or listed, is documented field by field.
    const deal = doc.paths['/deals/{id}']?.get?.responses?.['200']?.content?.['application/json']?.schema;
    expect(deal?.required).toEqual(expect.arrayContaining(['dealId', 'status', 'stageHistory', 'closedAt']));
    expect(deal?.properties?.stageHistory?.items?.properties?.enteredAt?.type).toBe('string');
    const page = doc.paths['/deals']?.get?.responses?.['200']?.content?.['application/json']?.schema;
    expect(page?.properties?.items?.items?.required).toEqual(deal?.required);
    // the interactive page loads over plain HTTP too: its policy keeps scripts to the page's own origin without forcing https
    const docsPage = await api.app.inject({ method: 'GET', url: '/docs' });
    expect(docsPage.statusCode).toBe(200);
    expect(docsPage.headers['content-security-policy']).toContain("script-src 'self'");
    expect(docsPage.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    await api.close();
  });

  it('documents each answer under the media type it is sent with: problems, the event stream, metrics', async () => {
    // given the OpenAPI document
    const api = await anApi(dir);
    type Responses = Record<string, { content?: Record<string, unknown> }>;
    const doc = (await api.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, { responses: Responses }>> };
    // when every error answer's media types are collected
    const errorMediaTypes = new Set<string>();
    for (const operations of Object.values(doc.paths)) {
      for (const operation of Object.values(operations)) {
        for (const [status, response] of Object.entries(operation.responses)) if (/^[45]/.test(status)) for (const type of Object.keys(response.content ?? {})) errorMediaTypes.add(type);
      }
    }
    // then they are problem details only, as sent; and what is not JSON says what it is
    expect([...errorMediaTypes]).toEqual(['application/problem+json']);
    const refused = await api.app.inject({ method: 'GET', url: '/deals/ghost', headers: as('viewer') });
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Object.keys(doc.paths['/events/stream']?.get?.responses['200']?.content ?? {})).toEqual(['text/event-stream']);
    expect(Object.keys(doc.paths['/metrics']?.get?.responses['200']?.content ?? {})).toEqual(['text/plain']);
    const metrics = await api.app.inject({ method: 'GET', url: '/metrics', headers: as('viewer') });
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    expect(metrics.body).toContain('# TYPE');
    // and the operations a load balancer calls without a key are documented too
    expect(doc.paths['/health']?.get?.responses['200']?.content).toHaveProperty('application/json');
    expect(Object.keys(doc.paths['/ready']?.get?.responses ?? {})).toEqual(['200', '400', '503']);
    await api.close();
  });

  it('describes every successful answer of every route field by field, leaving open only what events carry beyond this API\'s schemas', async () => {
    // given the OpenAPI document
    const api = await anApi(dir);
    const doc = (await api.app.inject({ method: 'GET', url: '/openapi.json' })).json() as JsonSchema & { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: JsonSchema }> }> }>> };
    // when every 2xx JSON answer's schema is walked
    const open: string[] = [];
    let answers = 0;
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          const schema = response.content?.['application/json']?.schema;
          if (!status.startsWith('2') || !schema) continue;
          answers += 1;
          open.push(...openPlaces(schema, doc).map((place) => `${method.toUpperCase()} ${path} ${status} ${place}`));
        }
      }
    }
    // then nothing is left undescribed but the data of events, whose fields depend on their type,
    // and what writers other than this API may add to an event's metadata
    expect(answers).toBeGreaterThan(60);
    expect(open.sort()).toEqual(['GET /deals/{id}/timeline 200 .result.items[].data.*', 'GET /events 200 .events[].data.*', 'GET /events 200 .events[].metadata.*']);
    await api.close();
  });
});
