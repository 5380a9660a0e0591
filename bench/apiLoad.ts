/**
 * The load generator of bench/api, in a process of its own so that it does not share the
 * server's event loop. Reads its scenario from the JSON file named in argv[2] (thousands of paths
 * do not fit on a command line), prints autocannon's figures as JSON.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

type Scenario = { url: string; secret: string; seconds: number; paths?: string[]; post?: { body: string } };
const scenario = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as Scenario;
let n = 0;
const requests = scenario.paths
  ? [
      {
        setupRequest: (request: autocannon.Request) => {
          n += 1;
          const path = scenario.paths?.[n % (scenario.paths?.length ?? 1)] ?? '/';
          const headers: Record<string, string> = { authorization: `Bearer ${scenario.secret}` };
          if (scenario.post) {
            headers['content-type'] = 'application/json';
            headers['idempotency-key'] = `k-${process.pid}-${n}`;
          }
          const next: autocannon.Request = { ...request, method: scenario.post ? 'POST' : 'GET', path, headers };
          if (scenario.post) next.body = scenario.post.body;
          return next;
        },
      },
    ]
  : undefined;
// CPU of this process while it loads: on a machine of few cores, the server's share is what it leaves.
const cpuBefore = process.cpuUsage();
const result = await autocannon({
  url: scenario.url,
  connections: 50,
  duration: scenario.seconds,
  headers: { authorization: `Bearer ${scenario.secret}` },
  ...(requests ? { requests } : {}),
});
const cpu = process.cpuUsage(cpuBefore);
process.stdout.write(
  JSON.stringify({ rps: result.requests.average, p99: result.latency.p99, errors: result.errors + result.non2xx, requests: result.requests.total, clientCpuUs: cpu.user + cpu.system }),
);
