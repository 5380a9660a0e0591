import { describe, expect, it } from 'vitest';
import { buildServer } from '../../src/api/server.js';
import { createMemoryStore } from '../../src/eventstore/memory.js';

describe('the minimal server', () => {
  it('answers /health while the process is alive', async () => {
    const app = await buildServer({ store: createMemoryStore() });
    const response = await app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
    await app.close();
  });

  it('answers /ready when the store is reachable, and 503 problem+json when it is not', async () => {
    const store = createMemoryStore();
    const app = await buildServer({ store });
    expect((await app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(200);

    await store.close();
    const response = await app.inject({ method: 'GET', url: '/ready' });
    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.headers['retry-after']).toBe('5');
    expect(response.json()).toMatchObject({ status: 503, code: 'STORE_UNAVAILABLE' });
    await app.close();
  });

  it('is not ready while the projections are still catching up', async () => {
    let caughtUp = false;
    const app = await buildServer({ store: createMemoryStore(), projectionsCaughtUp: () => caughtUp });
    const catchingUp = await app.inject({ method: 'GET', url: '/ready' });
    expect(catchingUp.statusCode).toBe(503);
    expect(catchingUp.json()).toMatchObject({ code: 'PROJECTIONS_CATCHING_UP' });
    caughtUp = true;
    expect((await app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(200);
    await app.close();
  });

  it('gives every response a request id, keeping a sane one the caller sent', async () => {
    const app = await buildServer({ store: createMemoryStore() });
    const given = await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'trace-42' } });
    expect(given.headers['x-request-id']).toBe('trace-42');
    const made = await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'bad id with spaces' } });
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    await app.close();
  });

  it('answers an unknown route with a 404 problem', async () => {
    const app = await buildServer({ store: createMemoryStore() });
    const response = await app.inject({ method: 'GET', url: '/deals/nope' });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ status: 404, code: 'ROUTE_NOT_FOUND', instance: '/deals/nope' });
    await app.close();
  });
});
