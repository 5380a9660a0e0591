import { Agent, get } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
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

describe('stopping', () => {
  it('finishes the requests in flight, refuses later ones on open connections with a 503 problem, and does not wait for kept-alive connections', async () => {
    // given a listening server with a request that takes 300 ms
    const app = await buildServer({ store: createMemoryStore() });
    app.get('/slow', async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return { done: true };
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    // a client that keeps its connections open, with a slow request in flight
    const agent = new Agent({ keepAlive: true });
    const kept = new Promise<{ status: number | undefined; connection: string | undefined }>((resolve, reject) => {
      get({ host: '127.0.0.1', port, path: '/slow', agent }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode, connection: res.headers.connection }));
      }).on('error', reject);
    });
    // and a connection with a slow request in flight
    let socket: Socket | undefined;
    const onOpenConnection = new Promise<string>((resolve, reject) => {
      socket = connect(port, '127.0.0.1', () => socket?.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    await new Promise((resolve) => setTimeout(resolve, 100));

    // when the server is stopped, and a request comes on that connection meanwhile
    const started = performance.now();
    const closed = app.close();
    socket?.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
    await closed;
    const took = performance.now() - started;

    // then the slow requests were answered, the later one got a 503 problem, and the close did not wait for the kept connection
    expect(await kept).toMatchObject({ status: 200 });
    const answers = (await onOpenConnection).split(/(?=HTTP\/1\.1 )/);
    expect(answers[0]).toMatch(/^HTTP\/1\.1 200 /);
    expect(answers[1]).toMatch(/^HTTP\/1\.1 503 /);
    expect(answers[1]).toMatch(/content-type: application\/problem\+json/i);
    expect(answers[1]).toMatch(/connection: close/i);
    expect(answers[1]).toMatch(/retry-after: 5/i);
    expect(answers[1]).toContain('"code":"SHUTTING_DOWN"');
    expect(took).toBeLessThan(2000);
    agent.destroy();
  });
});
