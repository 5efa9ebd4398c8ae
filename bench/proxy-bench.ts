/**
 * `npm run bench:proxy`: what the reference proxy costs over calling the vendor directly.
 *
 * Two placements, each measured straight at the vendor stub and through the proxy:
 *   - cached anonymous: GET, Snappy; repeats come from the proxy's in-memory cache
 *   - uncached identified: POST with a customer id, Adobe; every request reaches the
 *     vendor and is enriched from the catalog feed
 * Throughput: 10 connections as fast as they go. Latency: one connection, requests back
 * to back, so the figures are per-request cost rather than queueing.
 *
 * The vendor stubs and the proxy run in their own processes (this file, started with
 * --role), so autocannon does not share an event loop with what it measures.
 * BENCH_SECONDS sets the length of each run (default 10).
 *
 * Every autocannon connection comes from 127.0.0.1, one client to the per-client limiter:
 * the proxy's limits are raised so it never refuses, but the limiter still runs on every
 * request that reaches a vendor, so its cost is in the figures. Its cost on its own is
 * measured last (limiterCost) and printed under the table.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

interface AutocannonResult {
  requests: { average: number };
  non2xx: number;
  errors: number;
}
/** autocannon's run: a promise of the result that also emits each response with its time in ms. */
type AutocannonRun = Promise<AutocannonResult> & {
  on(event: 'response', listener: (client: unknown, status: number, bytes: number, milliseconds: number) => void): void;
};
type Autocannon = (options: {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  duration: number;
}) => AutocannonRun;

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const KEYS = { SNAPPY_API_KEY: 'bench-snappy-key', ADOBE_API_KEY: 'bench-adobe-key', ADOBE_ACCESS_TOKEN: 'bench-adobe-token' };
const SNAPPY_PRODUCT = '655277e68e0719000d6c3fd5';

// ---- roles run in child processes -------------------------------------------------

/** Vendor stubs answering their fixtures, serialized once so the stub costs next to nothing. */
async function serveStubs(): Promise<void> {
  const snappy = readFileSync(`${ROOT}test/fixtures/snappy/related-products.json`);
  const adobe = readFileSync(`${ROOT}test/fixtures/adobe/fetch-recommendations-all-groups.json`);
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      if (request.url?.startsWith('/v3/products/')) {
        response.writeHead(200, { 'content-type': 'application/json' }).end(snappy);
      } else if (request.url === '/v3/recommendations') {
        response.writeHead(200, { 'content-type': 'application/json', 'x-recommendation-tracker-id': 'bench-tracker' }).end(adobe);
      } else {
        response.writeHead(404).end();
      }
    });
  });
  server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

async function serveProxy(vendorUrl: string): Promise<void> {
  const { parseConfig } = await import('../src/proxy/config.js');
  const { fileReaderRelativeTo, startProxyServer } = await import('../src/proxy/server.js');
  const config = parseConfig({
    // One client at thousands of requests a second: above the default 10/s, burst 20.
    limits: { perClient: { ratePerSecond: 100_000, burst: 100_000 } },
    catalog: { source: 'test/fixtures/adobe/catalog.json' },
    placements: {
      related: { provider: 'snappy', endpoint: vendorUrl, apiKeyEnv: 'SNAPPY_API_KEY', location: 'US' },
      cart: { provider: 'adobe', endpoint: vendorUrl, apiKeyEnv: 'ADOBE_API_KEY', accessTokenEnv: 'ADOBE_ACCESS_TOKEN' },
    },
  });
  const proxy = await startProxyServer(config, { env: KEYS, readFile: fileReaderRelativeTo(`${ROOT}recs.config.json`) }, { port: 0 });
  console.log(JSON.stringify({ url: proxy.url }));
}

// ---- the measuring process ---------------------------------------------------------

function startRole(...args: string[]): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk) => {
      output += chunk;
      const line = output.split('\n').find((candidate) => candidate.startsWith('{'));
      if (line) resolve({ url: (JSON.parse(line) as { url: string }).url, child });
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
}

interface Target {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function measure(autocannon: Autocannon, target: Target) {
  const check = (run: AutocannonResult) => {
    if (run.non2xx || run.errors) throw new Error(`${target.method ?? 'GET'} ${target.url}: ${run.non2xx} non-2xx, ${run.errors} errors`);
    return run;
  };
  check(await autocannon({ ...target, connections: 10, duration: 2 })); // warm-up: JIT, sockets, caches
  const throughput = check(await autocannon({ ...target, connections: 10, duration: SECONDS }));
  // autocannon's own percentiles have 1 ms resolution; loopback costs are below that, so keep every sample.
  const samples: number[] = [];
  const latency = autocannon({ ...target, connections: 1, duration: SECONDS });
  latency.on('response', (_client, _status, _bytes, milliseconds) => samples.push(milliseconds));
  check(await latency);
  samples.sort((a, b) => a - b);
  return { rps: throughput.requests.average, p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

/**
 * What the per-client limiter adds to a request that reaches a vendor (a cache miss or a
 * personal POST): clientKey() on the socket address, then one take() on its bucket (a Map
 * get, delete and set). Cache hits never consult it. Nanoseconds per request for each
 * part, over a million requests from 10000 addresses in turn (the default maxClients).
 */
async function limiterCost(): Promise<{ key: number; take: number }> {
  const { clientKey, createRateLimiter } = await import('../src/proxy/rate-limit.js');
  const limiter = createRateLimiter({ ratePerSecond: 10, burst: 20, maxClients: 10_000 });
  const CALLS = 1_000_000;
  const addresses = Array.from({ length: 10_000 }, (_, i) => `10.0.${i >> 8}.${i & 255}`);
  const keys = addresses.map((address) => clientKey(undefined, address, false));
  const nsPerCall = (call: (i: number) => unknown) => {
    for (let i = 0; i < CALLS; i += 1) call(i); // warm-up: JIT
    const started = process.hrtime.bigint();
    for (let i = 0; i < CALLS; i += 1) call(i);
    return Number(process.hrtime.bigint() - started) / CALLS;
  };
  return {
    key: nsPerCall((i) => clientKey(undefined, addresses[i % addresses.length], false)),
    take: nsPerCall((i) => limiter.take(keys[i % keys.length]!)),
  };
}

async function main(): Promise<void> {
  const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
  const stubs = await startRole('--role', 'stubs');
  const proxy = await startRole('--role', 'proxy', stubs.url);
  try {
    const identified = { customerId: '1005513019', cart: '30005897CA01A12:10' };
    const scenarios: { name: string; direct: Target; proxied: Target }[] = [
      {
        name: 'cached anonymous (GET, snappy)',
        direct: { url: `${stubs.url}/v3/products/${SNAPPY_PRODUCT}/recommendations?location=US&page[limit]=3`, headers: { 'x-api-key': KEYS.SNAPPY_API_KEY } },
        proxied: { url: `${proxy.url}/recs/related?productId=${SNAPPY_PRODUCT}&limit=3` },
      },
      {
        name: 'uncached identified (POST, adobe + enrichment)',
        direct: {
          url: `${stubs.url}/v3/recommendations`,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': KEYS.ADOBE_API_KEY, authorization: `Bearer ${KEYS.ADOBE_ACCESS_TOKEN}` },
          body: JSON.stringify({ recommendationContext: 'GENERIC', customerId: identified.customerId, offers: [{ offerId: '30005897CA01A12', quantity: 10 }] }),
        },
        proxied: { url: `${proxy.url}/recs/cart`, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(identified) },
      },
    ];
    const rows: string[] = [];
    for (const scenario of scenarios) {
      console.error(`measuring ${scenario.name} (${SECONDS} s per run)…`);
      const direct = await measure(autocannon, scenario.direct);
      const proxied = await measure(autocannon, scenario.proxied);
      const ms = (value: number) => value.toFixed(2);
      rows.push(
        `| ${scenario.name} | ${Math.round(direct.rps)} | ${Math.round(proxied.rps)} | ${ms(direct.p50)} / ${ms(direct.p99)} | ${ms(proxied.p50)} / ${ms(proxied.p99)} | ${ms(proxied.p50 - direct.p50)} / ${ms(proxied.p99 - direct.p99)} |`,
      );
    }
    const load = loadavg().map((value) => value.toFixed(1)).join(' ');
    console.log(`Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'} (load average ${load}), loopback, autocannon; ${SECONDS} s per run.\n`);
    console.log('| placement | req/s direct | req/s via proxy | latency direct p50 / p99 (ms) | latency via proxy p50 / p99 (ms) | added p50 / p99 (ms) |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const row of rows) console.log(row);
    const limiter = await limiterCost();
    console.log(
      `\nPer-client limiter: not consulted on cache hits (the cached row pays nothing for it). On a cache miss or personal POST ` +
        `(included in the uncached row): clientKey() ${limiter.key.toFixed(0)} ns + one bucket take(), a Map get, delete and set, ` +
        `${limiter.take.toFixed(0)} ns (a million calls over 10000 clients).`,
    );
  } finally {
    proxy.child.kill();
    stubs.child.kill();
  }
}

const role = process.argv.indexOf('--role');
if (role === -1) await main();
else if (process.argv[role + 1] === 'stubs') await serveStubs();
else await serveProxy(process.argv[role + 2]!);
