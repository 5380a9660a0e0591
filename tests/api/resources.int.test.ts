import { describe, expect, it } from 'vitest';
import { anApi, as } from '../support/api.js';
import { aTempDir } from '../support/tempDir.js';

const dir = aTempDir();
const eur = (amountMinor: number) => ({ amountMinor, currency: 'EUR' });

async function aWorld() {
  const api = await anApi(dir);
  const post = (url: string, payload: object, role: 'rep' | 'manager' = 'manager') => api.app.inject({ method: 'POST', url, headers: as(role), payload });
  await post('/reps', { repId: 'mia', name: 'Mia', role: 'manager' });
  await post('/reps', { repId: 'ann', name: 'Ann', role: 'rep' });
  await post('/teams', { teamId: 'north', name: 'North', region: 'north', managerRepId: 'mia' });
  await post('/reps/ann/team', { teamId: 'north' });
  await post('/customers', { customerId: 'acme', name: 'Acme AB', segment: 'enterprise', industry: 'logistics', region: 'north', acquisitionChannel: 'referral' }, 'rep');
  const lead = (dealId: string, amount: number) =>
    post('/deals', { dealId, customerId: 'acme', title: dealId, ownerRepId: 'ann', channel: 'referral', productLine: 'vans', product: 'van', region: 'north', estimatedAmount: eur(amount), expectedCloseDate: '2026-12-31' }, 'rep');
  const get = (url: string) => api.app.inject({ method: 'GET', url, headers: as('viewer') });
  return { api, post, lead, get };
}

describe('resources', () => {
  it('reads a deal as it is, and as it was', async () => {
    const { api, lead, post, get } = await aWorld();
    const created = await lead('d1', 5_000_00);
    const before = new Date(Date.now() - 60_000).toISOString();
    await post('/deals/d1/stage', { stageId: 'proposal' }, 'rep');
    const deal = await get('/deals/d1');
    expect(deal.json()).toMatchObject({ dealId: 'd1', status: 'open', stageId: 'proposal', ownerRepId: 'ann', team: 'north', estimatedAmount: eur(5_000_00) });
    expect(deal.json().stageHistory.map((s: { stageId: string }) => s.stageId)).toEqual(['lead', 'proposal']);
    expect(created.json().id).toBe('d1');
    const earlier = await get(`/deals/d1?asOf=${before}`);
    expect(earlier.json()).toMatchObject({ status: 404, code: 'DEAL_NOT_FOUND' });
    expect((await get('/deals/ghost')).statusCode).toBe(404);
    await api.close();
  });

  it('reads its own write with minPosition, and answers 503 when the projections do not get there', async () => {
    const { api, lead, get } = await aWorld();
    const position = (await lead('d9', 1000)).json().position as string;
    expect((await get(`/deals/d9?minPosition=${position}`)).json()).toMatchObject({ dealId: 'd9' });
    // a write the projections do not follow (they are stopped) is waited for in vain; a position no write gave is refused at once
    await api.stopProjections();
    const unseen = (await lead('d10', 1000)).json().position as string;
    expect((await get(`/deals?minPosition=${unseen}`)).json()).toMatchObject({ status: 503, code: 'PROJECTIONS_BEHIND' });
    const started = Date.now();
    const never = await get(`/deals?minPosition=${BigInt(unseen) + 1000n}`);
    expect(never.json()).toMatchObject({ status: 400, issues: [{ field: 'querystring.minPosition', rule: 'is past the last event in the log: pass the position a write answered with' }] });
    expect(Date.now() - started).toBeLessThan(150); // not the 200 ms wait
    await api.close();
  });

  it('reads reps with their memberships, teams with their members, and pipelines as defined', async () => {
    const { api, get } = await aWorld();
    expect((await get('/reps/ann')).json()).toMatchObject({ repId: 'ann', status: 'active', teamId: 'north', memberships: [{ teamId: 'north', to: null }] });
    expect((await get('/teams/north')).json()).toMatchObject({ teamId: 'north', members: ['ann'] });
    expect((await get('/pipelines/standard')).json().stages.map((s: { stageId: string }) => s.stageId)).toEqual(['lead', 'qualified', 'proposal', 'negotiation']);
    expect((await get('/customers/acme')).json()).toMatchObject({ customerId: 'acme', segment: 'enterprise' });
    await api.close();
  });

  it('lists teams with their members, and pipelines, filtered and a page at a time', async () => {
    // given two teams, north with Ann, and a second pipeline
    const { api, post, get } = await aWorld();
    await post('/teams', { teamId: 'south', name: 'Atlantic South', region: 'south', managerRepId: 'mia' });
    await post('/pipelines', { pipelineId: 'renewals', name: 'Renewals', stages: [{ stageId: 'due', name: 'Due', probability: 0.5 }] });
    // when the lists are read
    const teams = (await get('/teams')).json();
    const pipelines = (await get('/pipelines?sort=-name')).json();
    // then each comes whole, in its order, and filters and pages as the other lists do
    expect(teams).toMatchObject({ items: [{ teamId: 'south', members: [] }, { teamId: 'north', members: ['ann'] }], nextCursor: null });
    expect((await get('/teams?region=north')).json().items.map((t: { teamId: string }) => t.teamId)).toEqual(['north']);
    const firstPage = (await get('/teams?limit=1')).json();
    expect(firstPage.items.map((t: { teamId: string }) => t.teamId)).toEqual(['south']);
    expect((await get(`/teams?limit=1&cursor=${firstPage.nextCursor}`)).json().items.map((t: { teamId: string }) => t.teamId)).toEqual(['north']);
    expect(pipelines.items.map((p: { pipelineId: string }) => p.pipelineId)).toEqual(['standard', 'renewals']);
    expect(pipelines.items[1]).toMatchObject({ name: 'Renewals', stages: [{ stageId: 'due', retired: false }] });
    await api.close();
  });

  it('reads a customer with its profile and each visit, so a client finds the visit to complete', async () => {
    // given a customer with a contact, whose profile changed, and two visits planned
    const { api, post, get } = await aWorld();
    await post('/customers/acme/profile', { industry: 'retail', contact: { person: 'Jo Berg', email: 'jo@acme.example', phone: null } }, 'rep');
    await post('/customers/acme/visits', { visitId: 'v1', dueDate: '2026-12-01', repId: 'ann', purpose: 'kick-off' }, 'rep');
    await post('/customers/acme/visits', { visitId: 'v2', dueDate: '2026-12-15', repId: 'ann', purpose: 'review' }, 'rep');
    const planned = new Date().toISOString();
    // when a client reads the customer and completes the first open visit it lists
    const before = (await get('/customers/acme')).json();
    const open = before.visits.find((v: { completedAt: string | null }) => v.completedAt === null);
    const completed = await post(`/customers/acme/visits/${open.visitId}/completion`, { outcome: 'went well' }, 'rep');
    // then the visit shows as completed with its outcome, the other stays open, and the read as it was shows both open
    expect(completed.statusCode).toBe(200);
    expect(before).toMatchObject({ industry: 'retail', contact: { person: 'Jo Berg', email: 'jo@acme.example', phone: null }, visitsPlanned: 2, visitsCompleted: 0 });
    const after = (await get('/customers/acme')).json();
    expect(after.visits).toEqual([
      { visitId: 'v1', repId: 'ann', dueDate: '2026-12-01', purpose: 'kick-off', plannedAt: expect.any(String), completedAt: expect.any(String), outcome: 'went well' },
      { visitId: 'v2', repId: 'ann', dueDate: '2026-12-15', purpose: 'review', plannedAt: expect.any(String), completedAt: null, outcome: null },
    ]);
    expect(after).toMatchObject({ visitsPlanned: 2, visitsCompleted: 1 });
    const asPlanned = (await get(`/customers/acme?asOf=${planned}`)).json();
    expect(asPlanned.visits.map((v: { completedAt: string | null }) => v.completedAt)).toEqual([null, null]);
    await api.close();
  });

  it('pages stalled deals, longest untouched first, filtered by owner and stage', async () => {
    // given five deals found 20 to 60 days ago and untouched since (a lead may rest 14 days), and a fresh one
    const { api, post, get } = await aWorld();
    const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
    const deal = (dealId: string, days: number, ownerRepId = 'ann') =>
      post('/deals', { dealId, customerId: 'acme', title: dealId, ownerRepId, channel: 'direct', productLine: 'vans', product: 'van', region: 'north', estimatedAmount: eur(1000), expectedCloseDate: '2027-06-30', occurredAt: daysAgo(days) }, 'rep');
    for (const [dealId, days] of [['d20', 20], ['d60', 60], ['d40', 40], ['d30', 30], ['d50', 50]] as const) await deal(dealId, days);
    await deal('m45', 45, 'mia');
    await deal('fresh', 1);
    await post('/deals/d30/stage', { stageId: 'qualified', occurredAt: daysAgo(25) }, 'rep');
    // when a client pages through them two at a time
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { result: { items: { dealId: string }[]; nextCursor: string | null } } = (await get(`/deals/stalled?owner=ann&limit=2${cursor ? `&cursor=${cursor}` : ''}`)).json();
      ids.push(...page.result.items.map((d) => d.dealId));
      cursor = page.result.nextCursor;
    } while (cursor);
    // then each stalled deal of the owner comes once, the longest untouched first; the fresh one and the other owner's are not there
    expect(ids).toEqual(['d60', 'd50', 'd40', 'd30', 'd20']);
    const first = (await get('/deals/stalled')).json().result.items;
    expect(first.map((d: { dealId: string }) => d.dealId)).toEqual(['d60', 'd50', 'm45', 'd40', 'd30', 'd20']);
    expect(first.map((d: { daysStalled: number }) => d.daysStalled)).toEqual([60, 50, 45, 40, 25, 20]);
    expect((await get('/deals/stalled?stage=qualified')).json().result.items.map((d: { dealId: string }) => d.dealId)).toEqual(['d30']);
    expect((await get('/deals/stalled?limit=501')).json()).toMatchObject({ status: 400, issues: [{ field: 'querystring.limit' }] });
    await api.close();
  });

  it('takes a page size in decimal digits only, and each query parameter once', async () => {
    // given a world with deals
    const { api, lead, get } = await aWorld();
    for (let i = 1; i <= 3; i++) await lead(`d${i}`, i * 1000);
    // when a limit is written as hex, in exponent form, with a sign, a space or a decimal point
    for (const limit of ['0x2', '2e0', '2.0']) {
      // then it is a 400 naming the parameter and the rule
      expect((await get(`/deals?limit=${limit}`)).json(), limit).toMatchObject({ status: 400, issues: [{ field: 'querystring.limit', rule: 'must be a whole number in decimal digits' }] });
    }
    // and a sign, which a query string reads as a space, is named with what became of it
    for (const limit of ['+2', '%202']) {
      expect((await get(`/deals?limit=${limit}`)).json(), limit).toMatchObject({ status: 400, issues: [{ field: 'querystring.limit', rule: 'must be a whole number in decimal digits (a + in a query string stands for a space: send it as %2B)' }] });
    }
    expect((await get('/deals/d1?asOf=2026-12-01T00:00:00+01:00')).json()).toMatchObject({ status: 400, issues: [{ field: 'querystring.asOf', rule: 'must be an ISO 8601 date-time (a + in a query string stands for a space: send it as %2B)' }] });
    expect((await get('/deals/d1?asOf=2026-12-01T00:00:00%2B01:00')).statusCode).toBe(200);
    expect((await get('/events?limit=1e1')).json()).toMatchObject({ status: 400, issues: [{ field: 'querystring.limit', rule: 'must be a whole number in decimal digits' }] });
    // and a parameter given twice is named with that rule, not as a value of the wrong kind
    expect((await get('/deals?limit=1&limit=2')).json()).toMatchObject({ status: 400, issues: [{ field: 'querystring.limit', rule: 'must be given once, not 2 times' }] });
    expect((await get('/deals?status=open&status=won&status=lost')).json()).toMatchObject({ status: 400, issues: [{ field: 'querystring.status', rule: 'must be given once, not 3 times' }] });
    // and decimal digits are taken as before, the default when absent
    expect((await get('/deals?limit=2')).json().items).toHaveLength(2);
    expect((await get('/deals')).json().items).toHaveLength(3);
    expect((await get('/events?limit=1')).json().events).toHaveLength(1);
    await api.close();
  });

  it('refuses a filter that could match nothing as sent, and an id no resource can have, instead of an empty answer', async () => {
    // given a world with a deal
    const { api, lead, get } = await aWorld();
    await lead('d1', 1000);
    const year = new Date().getUTCFullYear();
    // when filters are empty or padded, an id is empty, or a list of ids has an empty item
    const refused = [
      ['/deals?owner=', 'querystring.owner', 'must not be empty: leave the parameter out to take every value'],
      ['/deals?region=%20north', 'querystring.region', 'must not begin or end with a blank: no stored value does (a + in a query string stands for a space: send it as %2B)'],
      [`/funnel?from=${year}-01-01&to=${year + 1}-01-01&pipelineId=`, 'querystring.pipelineId', 'must not be empty: leave the parameter out to take every value'],
      ['/targets/progress?targetIds=t1,', 'querystring.targetIds', 'must be ids separated by commas, none empty and none with a blank around it'],
      ['/deals/', 'params.id', 'must be 1–64 letters, digits, _ . or -'],
      ['/deals//timeline', 'params.id', 'must be 1–64 letters, digits, _ . or -'],
      ['/deals/%00', 'params.id', 'must be 1–64 letters, digits, _ . or -'],
    ] as const;
    for (const [url, field, rule] of refused) {
      // then each is a 400 naming the parameter and the rule
      expect((await get(url)).json(), url).toMatchObject({ status: 400, issues: [{ field, rule }] });
    }
    // and filters sent in a body, which a GET would ignore, are a 400 rather than an unfiltered list
    const inBody = await api.app.inject({ method: 'GET', url: '/deals', headers: { ...as('viewer'), 'content-type': 'application/json' }, payload: { status: 'won' } });
    expect(inBody.json()).toMatchObject({ status: 400, issues: [{ field: 'body', rule: 'must be absent: a GET takes its parameters in the query string' }] });
    // and the filters as stored values are written still work
    expect((await get('/deals?region=north')).statusCode).toBe(200);
    await api.close();
  });

  it('pages through a list with a cursor that neither repeats nor skips while deals are added', async () => {
    const { api, lead, get } = await aWorld();
    for (let i = 1; i <= 7; i++) await lead(`d${i}`, i * 1000);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await get(`/deals?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.statusCode).toBe(200);
      seen.push(...page.json().items.map((d: { dealId: string }) => d.dealId));
      cursor = page.json().nextCursor;
      // a deal found while a client pages through the list
      if (pages++ === 0) await lead('d8', 8000);
    } while (cursor);
    expect(seen).toEqual(['d1', 'd2', 'd3', 'd4', 'd5', 'd6', 'd7', 'd8']);
    const sorted = await get('/deals?sort=-estimatedAmount&limit=2');
    expect(sorted.json().items.map((d: { dealId: string }) => d.dealId)).toEqual(['d8', 'd7']);
    await api.close();
  });

  it('filters lists, and refuses a page size over the cap or a cursor it did not give out', async () => {
    const { api, lead, post, get } = await aWorld();
    await lead('d1', 1000);
    await lead('d2', 2000);
    await post('/deals/d2/loss', { reason: 'price' }, 'rep');
    expect((await get('/deals?status=lost')).json().items.map((d: { dealId: string }) => d.dealId)).toEqual(['d2']);
    expect((await get('/deals?team=north')).json().items).toHaveLength(2);
    expect((await get('/customers?lifecycleStage=prospect')).json().items.map((c: { customerId: string }) => c.customerId)).toEqual(['acme']);
    const tooMany = await get('/deals?limit=5000');
    expect(tooMany.json()).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    const forged = await get('/deals?cursor=not-a-cursor');
    expect(forged.json()).toMatchObject({ status: 400, code: 'INVALID_CURSOR' });
    await api.close();
  });

  it('sorts every list by each key it offers, either way, and refuses a cursor carried over to another order', async () => {
    // given three reps, three customers, two targets and two complaints
    const { api, post: write, get } = await aWorld();
    const post = async (url: string, payload: object, role?: 'rep' | 'manager') => expect((await write(url, payload, role)).statusCode, url).toBe(201);
    // (each list's fixtures are in an order its default sort does not give, so an ignored sort shows)
    const tick = () => new Promise((resolve) => setTimeout(resolve, 3));
    await post('/reps', { repId: 'zoe', name: 'Zoe', role: 'rep' });
    await tick();
    await post('/customers', { customerId: 'cobalt', name: 'Cobalt AS', segment: 'smb', industry: 'retail', region: 'south', acquisitionChannel: 'eCommerce' }, 'rep');
    await tick();
    await post('/customers', { customerId: 'beta', name: 'Beta Oy', segment: 'smb', industry: 'retail', region: 'north', acquisitionChannel: 'eCommerce' }, 'rep');
    const won = { customerId: 'beta', title: 'won', ownerRepId: 'ann', channel: 'referral', productLine: 'vans', product: 'van', region: 'north', estimatedAmount: eur(1000), expectedCloseDate: '2026-12-31' };
    await post('/deals', { ...won, dealId: 'w1' }, 'rep');
    expect((await write('/deals/w1/contract', { amount: eur(1000), contractRef: 'K-9' }, 'rep')).statusCode).toBe(200);
    const year = new Date().getUTCFullYear();
    await post('/targets', { targetId: 'big', period: String(year), metric: 'wonDeals', scope: { kind: 'org' }, amount: 10 });
    await post('/targets', { targetId: 'small', period: `${year}-Q1`, metric: 'wonDeals', scope: { kind: 'org' }, amount: 90 });
    await post('/targets', { targetId: 'north', period: String(year), metric: 'wonDeals', scope: { kind: 'team', id: 'north' }, amount: 4, parentTargetId: 'big' });
    await post('/targets', { targetId: 'ann', period: String(year), metric: 'wonDeals', scope: { kind: 'rep', id: 'ann' }, amount: 2, parentTargetId: 'north' });
    for (const [complaintId, customerId] of [['k2', 'acme'], ['k1', 'beta']]) {
      await tick();
      await post('/complaints', { complaintId, customerId, category: 'delivery', severity: 'low', description: 'late' }, 'rep');
    }
    const ids = async (url: string, field: string) => {
      const answer = await get(url);
      expect(answer.statusCode, url).toBe(200);
      return answer.json().items.map((item: Record<string, string>) => item[field]);
    };
    // when each list is read in each order, then it comes in that order
    expect(await ids('/reps', 'repId')).toEqual(['ann', 'mia', 'zoe']);
    expect(await ids('/reps?sort=-name', 'repId')).toEqual(['zoe', 'mia', 'ann']);
    expect(await ids('/customers', 'customerId')).toEqual(['acme', 'beta', 'cobalt']);
    expect(await ids('/customers?sort=-name', 'customerId')).toEqual(['cobalt', 'beta', 'acme']);
    expect(await ids('/customers?sort=-contracts', 'customerId')).toEqual(['beta', 'cobalt', 'acme']); // ties: by id, descending too
    expect(await ids('/customers?sort=since', 'customerId')).toEqual(['acme', 'cobalt', 'beta']); // beta's stage changed with its contract
    // and customers filtered by their profile: region, acquisition channel, segment, alone and together
    expect(await ids('/customers?region=north', 'customerId')).toEqual(['acme', 'beta']);
    expect(await ids('/customers?channel=eCommerce', 'customerId')).toEqual(['beta', 'cobalt']);
    expect(await ids('/customers?segment=smb&region=north&channel=eCommerce', 'customerId')).toEqual(['beta']);
    // each item shows what it is filtered by
    expect((await get('/customers?segment=smb&region=north')).json().items).toMatchObject([{ customerId: 'beta', segment: 'smb', region: 'north', channel: 'eCommerce', stage: expect.any(String) }]);
    expect(await ids('/targets?scope=org', 'targetId')).toEqual(['big', 'small']); // by period: "2026" before "2026-Q1"
    expect(await ids('/targets?scope=org&sort=-amount', 'targetId')).toEqual(['small', 'big']);
    // and targets filtered by what they are for, and by their parent
    expect(await ids('/targets?scope=team&scopeId=north', 'targetId')).toEqual(['north']);
    expect(await ids('/targets?scopeId=ann', 'targetId')).toEqual(['ann']);
    expect(await ids('/targets?parent=big', 'targetId')).toEqual(['north']);
    expect(await ids(`/targets?period=${year}&sort=amount`, 'targetId')).toEqual(['ann', 'north', 'big']);
    // and by the period they fall within: the year's quarters too, where period= takes the year's own
    expect(await ids(`/targets?within=${year}&scope=org`, 'targetId')).toEqual(['big', 'small']);
    expect(await ids(`/targets?within=${year}-Q1`, 'targetId')).toEqual(['small']);
    expect(await ids(`/targets?within=${year}-02`, 'targetId')).toEqual([]);
    // a period that is no period is a 400 naming the rule, not an empty page
    expect((await get('/targets?period=2026-13')).json()).toMatchObject({ status: 400, issues: [{ field: 'querystring.period', rule: expect.stringContaining('must be a year (2026), a quarter (2026-Q3) or a month (2026-07)') }] });
    expect(await ids('/complaints', 'complaintId')).toEqual(['k2', 'k1']);
    expect(await ids('/complaints?sort=-raisedAt', 'complaintId')).toEqual(['k1', 'k2']);
    // and complaints by whether they are still open, whatever their status
    expect((await write('/complaints/k1/resolution', { resolution: 'replaced' }, 'rep')).statusCode).toBe(200);
    expect((await write('/complaints/k2/acknowledgement', {}, 'rep')).statusCode).toBe(200);
    expect(await ids('/complaints?open=true', 'complaintId')).toEqual(['k2']);
    expect(await ids('/complaints?open=false', 'complaintId')).toEqual(['k1']);
    // and an unknown order, or a cursor given for another order, is a 400 naming the rule
    expect((await get('/reps?sort=age')).json()).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    // and a channel that is none of the channels is a 400, as an unknown status is, not an empty page
    for (const url of ['/deals?channel=fax', '/customers?channel=fax', `/funnel?from=${year}-01-01&to=${year + 1}-01-01&channel=fax`]) {
      expect((await get(url)).json(), url).toMatchObject({ status: 400, issues: [{ field: 'querystring.channel', rule: expect.stringContaining('must be one of direct') }] });
    }
    const first = (await get('/reps?limit=1')).json().nextCursor as string;
    const other = await get(`/reps?limit=1&sort=-name&cursor=${first}`);
    expect(other.json()).toMatchObject({ status: 400, code: 'INVALID_CURSOR', detail: 'cursor: was given for sort=name, not sort=-name; start again without a cursor' });
    await api.close();
  });
});
