/**
 * The load generator of bench/api, in a process of its own so that it does not share the
 * server's event loop. Reads its scenario from the JSON file named in argv[2] (thousands of paths
 * do not fit on a command line), prints autocannon's figures as JSON.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

type Scenario = { url: string; secret: string; seconds: number; paths?: string[]; post?: { body: string } };
const scenario = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as Scenario;
const CONNECTIONS = 50;

/**
 * Reads of many paths: each connection is given its own share of the paths, its requests built
 * once, as the bare route's one request is. Built again for every request (as a `setupRequest`
 * must), they cost this process 3–4 µs each of the two cores it shares with the server; and one
 * list for all the connections would have them walk it in step, reading the same rows at once.
 */
function readsOf(paths: readonly string[]): Pick<autocannon.Options, 'setupClient'> {
  const share = Math.ceil(paths.length / CONNECTIONS);
  let connections = 0;
  return {
    setupClient: (client) => {
      const mine = paths.slice((connections % CONNECTIONS) * share, (connections % CONNECTIONS) * share + share);
      connections += 1;
      client.setRequests(mine.map((path) => ({ method: 'GET', path })));
    },
  };
}

/** Writes: each request is built when sent, for an idempotency key of its own (a key used again would be a retry). */
function writesOf(paths: readonly string[], body: string): Pick<autocannon.Options, 'requests'> {
  let n = 0;
  return {
    requests: [
      {
        setupRequest: (request: autocannon.Request) => {
          n += 1;
          const headers = { authorization: `Bearer ${scenario.secret}`, 'content-type': 'application/json', 'idempotency-key': `k-${process.pid}-${n}` };
          return { ...request, method: 'POST', path: paths[n % paths.length] ?? '/', headers, body };
        },
      },
    ],
  };
}

const load = scenario.paths === undefined ? {} : scenario.post ? writesOf(scenario.paths, scenario.post.body) : readsOf(scenario.paths);
// CPU of this process while it loads: on a machine of few cores, the server's share is what it leaves.
const cpuBefore = process.cpuUsage();
const result = await autocannon({
  url: scenario.url,
  connections: CONNECTIONS,
  duration: scenario.seconds,
  headers: { authorization: `Bearer ${scenario.secret}` },
  ...load,
});
const cpu = process.cpuUsage(cpuBefore);
process.stdout.write(
  JSON.stringify({ rps: result.requests.average, p99: result.latency.p99, errors: result.errors + result.non2xx, requests: result.requests.total, clientCpuUs: cpu.user + cpu.system }),
);
