/**
 * The load generator of bench/api, in a process of its own so that it does not share the
 * server's event loop. Reads its scenario from the JSON file named in argv[2] (thousands of paths
 * do not fit on a command line), prints autocannon's figures as JSON.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { seededRandom } from '../src/generate/random.js';

/** `once`: each path of a write is sent once (as many as divide evenly among the connections), not for `seconds`. */
type Scenario = { url: string; secret: string; seconds: number; paths?: string[]; post?: { body: string }; once?: boolean };
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

/** An upper bound on the write rate any run here reaches (offers: 6-8 thousand a second). */
const MAX_WRITES_PER_SECOND = 30_000;

/**
 * Writes: each connection is given its own requests, built once as the reads' are, each with an
 * idempotency key of its own (a key used again would be a retry, which appends nothing). Each
 * request goes to a deal drawn at random from the paths, by a generator seeded per connection;
 * sent once, the connections' shares tile the paths instead, so that each is a first touch.
 * (Runs of one list from offsets put several connections in step on the same deals: most offers
 * then lost the race for the deal's version to one in flight and read the stream again, which
 * clients offering on random deals do not make happen.) Built when sent, as a `setupRequest`
 * does, the load cost this process 36-40 µs an offer of the cores it shares with the server;
 * built once, 34 (the bare route's: 14-15). A connection has enough for MAX_WRITES_PER_SECOND;
 * should it still come to the end of its list and begin it again, each request sent again is
 * counted as an error (`keysReused`).
 */
function writesOf(paths: readonly string[], body: string, seconds: number, once: boolean): { options: Pick<autocannon.Options, 'setupClient' | 'amount'>; keysReused: () => number } {
  const perConnection = once ? Math.floor(paths.length / CONNECTIONS) : Math.ceil((MAX_WRITES_PER_SECOND * seconds) / CONNECTIONS);
  if (perConnection === 0) throw new Error(`once: ${paths.length} paths are fewer than the ${CONNECTIONS} connections`);
  let connections = 0;
  let reused = 0;
  const headers = (key: string) => ({ authorization: `Bearer ${scenario.secret}`, 'content-type': 'application/json', 'idempotency-key': key });
  return {
    options: {
      ...(once ? { amount: perConnection * CONNECTIONS } : {}),
      setupClient: (client) => {
        const c = connections++;
        const draw = seededRandom(c + 1);
        const requests = Array.from({ length: perConnection }, (_, i) => ({
          method: 'POST' as const,
          path: paths[once ? c * perConnection + i : Math.floor(draw() * paths.length)] ?? '/',
          headers: headers(`k-${process.pid}-${c}-${i}`),
          body,
        }));
        client.setRequests(requests);
        let answered = 0;
        client.on('response', () => {
          answered += 1;
          if (answered > perConnection) reused += 1;
        });
      },
    },
    keysReused: () => reused,
  };
}

const writes = scenario.paths !== undefined && scenario.post ? writesOf(scenario.paths, scenario.post.body, scenario.seconds, scenario.once === true) : null;
const load = writes !== null ? writes.options : scenario.paths === undefined ? {} : readsOf(scenario.paths);
// CPU of this process while it loads (on a machine of few cores, the server's share is what it
// leaves), from autocannon's start: the connections' requests are built before it.
let cpuBefore = process.cpuUsage();
const result = await new Promise<autocannon.Result>((resolve, reject) => {
  const instance = autocannon(
    { url: scenario.url, connections: CONNECTIONS, duration: scenario.seconds, headers: { authorization: `Bearer ${scenario.secret}` }, ...load },
    (error, finished) => (error ? reject(error as Error) : resolve(finished)),
  );
  instance.on('start', () => (cpuBefore = process.cpuUsage()));
});
const cpu = process.cpuUsage(cpuBefore);
const errors = result.errors + result.non2xx + (writes?.keysReused() ?? 0);
process.stdout.write(JSON.stringify({ rps: result.requests.average, p99: result.latency.p99, errors, requests: result.requests.total, clientCpuUs: cpu.user + cpu.system }));
