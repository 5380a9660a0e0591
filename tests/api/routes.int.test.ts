import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { roles } from '../../src/api/auth.js';
import { commandRouteTable } from '../../src/api/commandRoutes.js';
import { anApi, as } from '../support/api.js';
import { aTempDir } from '../support/tempDir.js';

const dir = aTempDir();
const eur = (amountMinor: number) => ({ amountMinor, currency: 'EUR' });
const concrete = (url: string) => url.replace(/:\w+/g, 'x1');

describe('every command route', () => {
  it('answers 401 without a key, and 403 to every role below the one it needs', async () => {
    const api = await anApi(dir);
    const before = await api.eventCount();
    for (const route of commandRouteTable) {
      const url = concrete(route.url);
      expect((await api.app.inject({ method: 'POST', url, payload: {} })).statusCode, url).toBe(401);
      for (const role of roles.slice(0, roles.indexOf(route.role))) {
        const refused = await api.app.inject({ method: 'POST', url, headers: as(role), payload: {} });
        expect(refused.statusCode, `${role} on ${url}`).toBe(403);
        // whatever the body: the role is decided before it is read
        const garbled = await api.app.inject({ method: 'POST', url, headers: { ...as(role), 'content-type': 'application/json' }, payload: '{bad' });
        expect(garbled.json(), `${role} on ${url}`).toMatchObject({ status: 403, code: 'ROLE_NOT_ALLOWED' });
      }
      // the role it needs gets past authorisation (here to a 400 for the empty body, or a 404)
      const allowed = await api.app.inject({ method: 'POST', url, headers: as(route.role), payload: {} });
      expect([400, 404, 422], `${route.role} on ${url}: ${allowed.body}`).toContain(allowed.statusCode);
    }
    expect(await api.eventCount()).toBe(before);
    await api.close();
  }, 60_000);

  it('takes every command on its happy path', async () => {
    const api = await anApi(dir);
    const post = async (url: string, payload: object, role: 'rep' | 'manager' = 'manager') => {
      const response = await api.app.inject({ method: 'POST', url, headers: as(role), payload });
      expect(response.statusCode, `${url}: ${response.body}`).toBeLessThan(300);
      return response.json();
    };
    const used = new Set<string>();
    const call = async (template: string, url: string, payload: object, role: 'rep' | 'manager' = 'manager') => {
      used.add(template);
      return post(url, payload, role);
    };
    await call('/pipelines', '/pipelines', { pipelineId: 'field', name: 'Field sales', stages: [{ stageId: 'lead', name: 'Lead', probability: 0.1 }, { stageId: 'visit', name: 'Visit', probability: 0.4 }] });
    await call('/pipelines/:id/stages', '/pipelines/field/stages', { stage: { stageId: 'offer', name: 'Offer', probability: 0.6 } });
    await call('/pipelines/:id/stages/:stageId/name', '/pipelines/field/stages/visit/name', { name: 'On-site visit' });
    await call('/pipelines/:id/stages/:stageId/probability', '/pipelines/field/stages/visit/probability', { probability: 0.45 });
    await call('/pipelines/:id/stage-order', '/pipelines/field/stage-order', { stageIds: ['lead', 'offer', 'visit'] });
    await call('/pipelines/:id/stages/:stageId/retirement', '/pipelines/field/stages/offer/retirement', {});
    await call('/reps', '/reps', { repId: 'mia', name: 'Mia', role: 'manager' });
    await call('/reps', '/reps', { repId: 'ann', name: 'Ann', role: 'rep' });
    await call('/reps', '/reps', { repId: 'bo', name: 'Bo', role: 'rep' });
    await call('/teams', '/teams', { teamId: 'north', name: 'North', region: 'north', managerRepId: 'mia' });
    await call('/reps/:id/team', '/reps/ann/team', { teamId: 'north' });
    await call('/reps/:id/team', '/reps/bo/team', { teamId: 'north' });
    await call('/reps/:id/team-departure', '/reps/bo/team-departure', {});
    await call('/reps/:id/departure', '/reps/bo/departure', { reason: 'moved abroad' });
    await call('/reps', '/reps', { repId: 'cy', name: 'Cy', role: 'rep' });
    await call('/customers', '/customers', { customerId: 'acme', name: 'Acme AB', segment: 'enterprise', industry: 'logistics', region: 'north', acquisitionChannel: 'referral' }, 'rep');
    await call('/customers/:id/profile', '/customers/acme/profile', { segment: 'midMarket' }, 'rep');
    await call('/customers/:id/visits', '/customers/acme/visits', { visitId: 'v1', dueDate: '2026-12-01', repId: 'ann', purpose: 'check-in' }, 'rep');
    await call('/customers/:id/visits/:visitId/completion', '/customers/acme/visits/v1/completion', { outcome: 'happy' }, 'rep');
    await call('/customers/:id/satisfaction', '/customers/acme/satisfaction', { score: 5, source: 'visit' }, 'rep');
    await call('/deals', '/deals', { dealId: 'd1', customerId: 'acme', title: 'Vans', ownerRepId: 'ann', channel: 'referral', productLine: 'vans', product: 'van', region: 'north', estimatedAmount: eur(100_000), expectedCloseDate: '2026-12-31' }, 'rep');
    await call('/deals/:id/activities', '/deals/d1/activities', { kind: 'call', summary: 'needs confirmed' }, 'rep');
    await call('/deals/:id/stage', '/deals/d1/stage', { stageId: 'proposal' }, 'rep');
    await call('/deals/:id/quotes', '/deals/d1/quotes', { quoteRef: 'Q-1', amount: eur(98_000) }, 'rep');
    await call('/deals/:id/offers', '/deals/d1/offers', { by: 'us', amount: eur(96_000), discountPercent: 4 }, 'rep');
    await call('/deals/:id/estimate', '/deals/d1/estimate', { amount: eur(97_000), reason: 'scope' }, 'rep');
    await call('/deals/:id/expected-close', '/deals/d1/expected-close', { expectedCloseDate: '2027-01-15' }, 'rep');
    await call('/deals/:id/forecast-category', '/deals/d1/forecast-category', { category: 'commit' }, 'rep');
    await call('/deals/:id/reassignment', '/deals/d1/reassignment', { toRepId: 'cy', reason: 'coverage' });
    await call('/deals/:id/contract', '/deals/d1/contract', { amount: eur(96_000), contractRef: 'K-1' }, 'rep');
    await call('/deals/:id/contract-correction', '/deals/d1/contract-correction', { amount: eur(96_500), reason: 'freight added' }, 'rep');
    await call('/deals/:id/reopen', '/deals/d1/reopen', { reason: 'contract voided' }, 'rep');
    await call('/deals/:id/loss', '/deals/d1/loss', { reason: 'timing' }, 'rep');
    await call('/complaints', '/complaints', { complaintId: 'k1', customerId: 'acme', category: 'delivery', severity: 'medium', description: 'late' }, 'rep');
    await call('/complaints/:id/acknowledgement', '/complaints/k1/acknowledgement', {}, 'rep');
    await call('/complaints/:id/escalation', '/complaints/k1/escalation', { to: 'Head of Ops', reason: 'key account' }, 'rep');
    await call('/complaints/:id/resolution', '/complaints/k1/resolution', { resolution: 'refund' }, 'rep');
    await call('/complaints/:id/closure', '/complaints/k1/closure', { satisfactionScore: 4 }, 'rep');
    await call('/complaints/:id/reopen', '/complaints/k1/reopen', { reason: 'came back' }, 'rep');
    await call('/targets', '/targets', { targetId: 't1', period: '2026-Q4', metric: 'wonDeals', scope: { kind: 'rep', id: 'ann' }, amount: 5 });
    await call('/targets/:id/adjustment', '/targets/t1/adjustment', { amount: 6, reason: 'stretch' });
    await call('/targets/:id/withdrawal', '/targets/t1/withdrawal', { reason: 'reorganisation' });
    expect(commandRouteTable.map((r) => r.url).filter((url) => !used.has(url))).toEqual([]);
    await api.close();
  });
});

describe('time travel over HTTP', () => {
  it('answers with what was known then, and says which point in time it is about', async () => {
    const api = await anApi(dir);
    const post = (url: string, payload: object) => api.app.inject({ method: 'POST', url, headers: as('manager'), payload });
    await post('/reps', { repId: 'ann', name: 'Ann', role: 'rep' });
    const between = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await post('/reps', { repId: 'bo', name: 'Bo', role: 'rep' });
    const then = await api.app.inject({ method: 'GET', url: `/reps?knownAt=${between}`, headers: as('viewer') });
    expect(then.json().items.map((r: { repId: string }) => r.repId)).toEqual(['ann']);
    const stalled = (await api.app.inject({ method: 'GET', url: `/deals/stalled?knownAt=${between}`, headers: as('viewer') })).json();
    expect(stalled.at).toEqual({ asOf: null, knownAt: between, now: between });
    await api.close();
  });
});

describe('limits on work per request', () => {
  it('refuses a point-in-time read that would replay more than allowed, with 422', async () => {
    const api = await anApi(dir, { maxReplay: 1 });
    for (const repId of ['a', 'b', 'c']) await api.app.inject({ method: 'POST', url: '/reps', headers: as('manager'), payload: { repId, name: repId, role: 'rep' } });
    const costly = await api.app.inject({ method: 'GET', url: '/deals/stalled?asOf=2000-01-01T00:00:00Z', headers: as('viewer') });
    expect(costly.json()).toMatchObject({ status: 422, code: 'TIME_TRAVEL_TOO_COSTLY' });
    await api.close();
  });
});

describe('every route of the document', () => {
  it('refuses a query parameter or body field it does not take, naming it and what it takes, and writes nothing', async () => {
    // given the API and its OpenAPI document
    const api = await anApi(dir);
    const before = await api.eventCount();
    const doc = (await api.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, { requestBody?: unknown }>> };
    const checked: string[] = [];
    for (const [path, operations] of Object.entries(doc.paths)) {
      const url = path.replace(/\{\w+\}/g, 'x1');
      for (const [method, operation] of Object.entries(operations)) {
        // when each that takes no body is asked with a misspelt parameter, and each that takes one with an extra field
        if (!operation.requestBody) {
          const query = await api.app.inject({ method: method.toUpperCase() as 'GET', url: `${url}?ownerId=ann`, headers: as('admin') });
          // then a 400 names the parameter or field, and says what the route takes
          expect(query.statusCode, `${method} ${path}: ${query.body}`).toBe(400);
          expect(query.json().issues, `${method} ${path}`).toContainEqual({ field: 'querystring.ownerId', rule: expect.stringMatching(/^is not a query parameter of this route/) });
        } else {
          const body = await api.app.inject({ method: method.toUpperCase() as 'POST', url, headers: as('admin'), payload: { occuredAt: '2026-01-01T00:00:00Z' } });
          expect(body.statusCode, `${method} ${path}: ${body.body}`).toBe(400);
          expect(body.json().issues, `${method} ${path}`).toContainEqual({ field: 'body.occuredAt', rule: expect.stringMatching(/^is not a field of this route \(it takes \w+/) });
        }
        checked.push(`${method} ${path}`);
      }
    }
    expect(checked.length).toBeGreaterThan(50);
    expect(await api.eventCount()).toBe(before);
    await api.close();
  }, 60_000);

  it('refuses a field it does not take inside a nested object too, naming it with what that object takes, and writes nothing', async () => {
    // given the API
    const api = await anApi(dir);
    const before = await api.eventCount();
    // when an offer's amount, a target's scope and a customer's contact carry a field they do not take
    const asked = [
      ['/deals/x1/offers', { by: 'customer', amount: { amountMinor: 5, currency: 'EUR', x: 1 } }, 'body.amount.x', 'amountMinor, currency'],
      ['/targets', { targetId: 't1', period: '2024', metric: 'wonDeals', scope: { kind: 'org', idd: 'north' }, amount: 5 }, 'body.scope.idd', 'kind'],
      ['/customers', { customerId: 'c1', name: 'Eve AB', segment: 'smb', region: 'north', contact: { person: 'Eve', email: 'eve@example.com', mobile: '123' } }, 'body.contact.mobile', 'person'],
    ] as const;
    for (const [url, payload, field, takes] of asked) {
      const refused = await api.app.inject({ method: 'POST', url, headers: as('admin'), payload });
      // then each is a 400 naming the nested field and what its object takes
      expect(refused.statusCode, `${url}: ${refused.body}`).toBe(400);
      expect(refused.json().issues, url).toContainEqual({ field, rule: expect.stringContaining(`is not a field of this route (it takes ${takes}`) });
    }
    expect(await api.eventCount()).toBe(before);
    // and the same bodies without the stray field are taken
    const target = await api.app.inject({ method: 'POST', url: '/targets', headers: as('admin'), payload: { targetId: 't1', period: '2024', metric: 'wonDeals', scope: { kind: 'org' }, amount: 5 } });
    expect(target.statusCode, target.body).toBe(201);
    await api.close();
  });

  it('documents under its own status each refusal it gives: without a key, to each role, for an absent resource, for a bad parameter', async () => {
    // given the API and its OpenAPI document
    const api = await anApi(dir);
    type Operation = { responses: Record<string, { description: string; content?: Record<string, unknown> }> };
    const doc = (await api.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, Operation>> };
    const errorCodes = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    const undocumented: string[] = [];
    let operations = 0;
    for (const [path, byMethod] of Object.entries(doc.paths)) {
      const url = path.replace(/\{\w+\}/g, 'x1');
      for (const [method, operation] of Object.entries(byMethod)) {
        // (a stream, once authorised, never ends: its refusals are asked without a key and with a bad parameter)
        const streams = operation.responses['200']?.content?.['text/event-stream'] !== undefined;
        // when it is asked without a key, by each role, and with a misspelt parameter, for a resource that does not exist
        const asked = [undefined, ...(streams ? [] : roles)].map((role) =>
          api.app.inject({ method: method.toUpperCase() as 'GET', url, headers: role ? as(role) : {}, ...(method === 'post' ? { payload: {} } : {}) }),
        );
        asked.push(api.app.inject({ method: method.toUpperCase() as 'GET', url: `${url}?ownerId=ann`, headers: as('admin') }));
        const statuses = new Set((await Promise.all(asked)).map((answer) => answer.statusCode).filter((status) => status >= 400));
        // then each refusal is listed under its status, and described
        for (const status of statuses) {
          const documented = operation.responses[String(status)];
          if (!documented || documented.description === 'Default Response') undocumented.push(`${method.toUpperCase()} ${path} ${status}`);
        }
        // and every code a refusal names is one docs/errors.md explains (Fastify's own FST_ codes are explained there as a family)
        for (const [status, response] of Object.entries(operation.responses)) {
          if (!/^[45]/.test(status)) continue;
          for (const code of response.description.match(/\b[A-Z][A-Z_]{3,}[A-Z]\b/g) ?? []) {
            if (!code.startsWith('FST_') && !errorCodes.includes(`\`${code}\``)) undocumented.push(`${method.toUpperCase()} ${path} ${status}: ${code} is not in docs/errors.md`);
          }
        }
        operations += 1;
      }
    }
    expect(operations).toBeGreaterThan(50);
    expect(undocumented).toEqual([]);
    // and a read taken by every role lists no 403, where a manager's command does
    expect(Object.keys(doc.paths['/deals/{id}']?.get?.responses ?? {})).not.toContain('403');
    expect(doc.paths['/targets']?.post?.responses['403']?.description).toBe('ROLE_NOT_ALLOWED: this needs the manager role');
    await api.close();
  }, 60_000);
});

describe('a command', () => {
  it('takes no query parameters: one sent (a dry run it does not offer) is refused, and nothing is written', async () => {
    // given a rep's valid hire
    const api = await anApi(dir);
    const before = await api.eventCount();
    // when it is sent with ?dryRun=true
    const refused = await api.app.inject({ method: 'POST', url: '/reps?dryRun=true', headers: as('manager'), payload: { repId: 'ann', name: 'Ann', role: 'rep' } });
    // then 400 names the parameter, and the log is as it was
    expect(refused.statusCode).toBe(400);
    expect(refused.json().detail).toBe('querystring.dryRun: is not a query parameter of this route (it takes none)');
    expect(await api.eventCount()).toBe(before);
    await api.close();
  });
});

describe('a creation', () => {
  it('refuses an id that spells a fixed route beside the resource, which could never be read back', async () => {
    // given the fixed routes GET /customers/lifecycle, /deals/stalled and /targets/progress
    const api = await anApi(dir);
    const before = await api.eventCount();
    // when a customer, a deal and a target are created with those names as ids
    const asked = [
      ['/customers', { customerId: 'lifecycle', name: 'Lifecycle AB', segment: 'smb', industry: 'retail', region: 'north', acquisitionChannel: 'referral' }],
      ['/deals', { dealId: 'stalled', customerId: 'acme', title: 'x', ownerRepId: 'ann', channel: 'referral', productLine: 'vans', product: 'van', region: 'north', estimatedAmount: eur(100), expectedCloseDate: '2030-01-01' }],
      ['/targets', { targetId: 'progress', period: '2030', metric: 'revenue', scope: { kind: 'org' }, amount: 100, currency: 'EUR' }],
    ] as const;
    for (const [url, payload] of asked) {
      const refused = await api.app.inject({ method: 'POST', url, headers: as('manager'), payload });
      // then each is a 400 naming the field and the route, and nothing is written
      const id = Object.values(payload)[0] as string;
      expect(refused.statusCode, `${url}: ${refused.body}`).toBe(400);
      expect(refused.json().detail).toBe(`body.${Object.keys(payload)[0]}: must not be "${id}", the name of the route GET ${url}/${id}`);
    }
    expect(await api.eventCount()).toBe(before);
    await api.close();
  });
});
