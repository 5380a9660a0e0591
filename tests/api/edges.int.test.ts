import { describe, expect, it } from 'vitest';
import { anApi, as } from '../support/api.js';
import { aTempDir } from '../support/tempDir.js';

const dir = aTempDir();

describe('the HTTP API at its edges', () => {
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
    await api.close();
  });
});

describe('the live event stream at its edges', () => {
  it('answers HEAD with the headers of the stream and ends, and takes an empty Last-Event-ID as none', async () => {
    const api = await anApi(dir);
    const head = await api.app.inject({ method: 'HEAD', url: '/events/stream', headers: as('viewer') });
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-type']).toContain('text/event-stream');
    expect(head.body).toBe('');

    const base = await api.app.listen({ host: '127.0.0.1', port: 0 });
    const controller = new AbortController();
    const response = await fetch(`${base}/events/stream`, { headers: { ...as('viewer'), 'last-event-id': '' }, signal: controller.signal });
    expect(response.status).toBe(200);
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

  it('answers 404 for the funnel of a pipeline that is not defined at the point in time read', async () => {
    const api = await anApi(dir);
    const unknown = await api.app.inject({ method: 'GET', url: '/funnel?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z&pipelineId=nope', headers: as('viewer') });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'PIPELINE_NOT_FOUND' });
    const beforeItWasDefined = await api.app.inject({ method: 'GET', url: '/funnel?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z&asOf=2000-01-01T00:00:00Z', headers: as('viewer') });
    expect(beforeItWasDefined.statusCode).toBe(404);
    const standard = await api.app.inject({ method: 'GET', url: '/funnel?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z', headers: as('viewer') });
    expect(standard.statusCode).toBe(200);
    await api.close();
  });
});
