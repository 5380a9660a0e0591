import fc from 'fast-check';
import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../src/api/latencyHistogram.js';

const BOUNDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

type Observation = { method: string; route: string; status: number; seconds: number };

/** The same observations into ours and into prom-client's own Histogram, each in a registry of its own. */
async function bothAfter(observations: Observation[]): Promise<{ ours: string; theirs: string }> {
  const ourRegistry = new Registry();
  const ours = new LatencyHistogram('http_request_duration_seconds', 'HTTP request latency by route and status', BOUNDS, ourRegistry);
  const theirRegistry = new Registry();
  const theirs = new Histogram({ name: 'http_request_duration_seconds', help: 'HTTP request latency by route and status', labelNames: ['method', 'route', 'status'], buckets: BOUNDS, registers: [theirRegistry] });
  for (const { method, route, status, seconds } of observations) {
    ours.observe(method, route, status, seconds);
    theirs.observe({ method, route, status: String(status) }, seconds);
  }
  return { ours: await ourRegistry.metrics(), theirs: await theirRegistry.metrics() };
}

describe('the request latency histogram', () => {
  it('given requests on two routes, when written out, then each series has cumulative buckets, +Inf, sum and count', async () => {
    const { ours } = await bothAfter([
      { method: 'GET', route: '/deals/:id', status: 200, seconds: 0.0004 },
      { method: 'GET', route: '/deals/:id', status: 200, seconds: 0.005 },
      { method: 'GET', route: '/deals/:id', status: 200, seconds: 3 },
      { method: 'POST', route: '/deals', status: 201, seconds: 0.02 },
    ]);

    expect(ours).toContain('# TYPE http_request_duration_seconds histogram');
    expect(ours).toContain('http_request_duration_seconds_bucket{le="0.001",method="GET",route="/deals/:id",status="200"} 1');
    // a value on a bound is counted in that bound's bucket (le: less than or equal)
    expect(ours).toContain('http_request_duration_seconds_bucket{le="0.005",method="GET",route="/deals/:id",status="200"} 2');
    expect(ours).toContain('http_request_duration_seconds_bucket{le="2.5",method="GET",route="/deals/:id",status="200"} 2');
    expect(ours).toContain('http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/deals/:id",status="200"} 3');
    expect(ours).toContain('http_request_duration_seconds_sum{method="GET",route="/deals/:id",status="200"} 3.0054');
    expect(ours).toContain('http_request_duration_seconds_count{method="GET",route="/deals/:id",status="200"} 3');
    expect(ours).toContain('http_request_duration_seconds_count{method="POST",route="/deals",status="201"} 1');
  });

  it('writes out, for any observations, the same text as prom-client\u2019s own Histogram', async () => {
    const observation = fc.record({
      method: fc.constantFrom('GET', 'POST', 'QUERY'),
      route: fc.constantFrom('/deals/:id', '/funnel', 'unknown', '/a "quoted" \\ route'),
      status: fc.constantFrom(200, 201, 404, 503),
      seconds: fc.oneof(fc.constantFrom(...BOUNDS, 0), fc.double({ min: 0, max: 10, noNaN: true })),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(observation, { maxLength: 60 }), async (observations) => {
        const { ours, theirs } = await bothAfter(observations);
        // prom-client writes its series in the order it first saw them, as ours does
        expect(ours).toBe(theirs);
      }),
    );
  });
});
