/**
 * `npm run bench:proxy`: what the reference proxy costs over calling the vendor directly,
 * and what its cache hit costs over a bare Hono route.
 *
 * The cache hit against a bare route (issue 11): a bare Hono route on @hono/node-server, with
 * the proxy's server options, answering the very bytes of the proxy's hit (body and headers),
 * against the proxy's `/recs/related` from its cache, plain and on a measured placement (an
 * event store: PGlite in memory; each answer then carries a freshly signed request id), and
 * the measured one as server-rendered HTML (`element=recs-list`).
 * 50 connections for BENCH_HIT_SECONDS (default 8) each, the four targets in turn,
 * BENCH_HIT_ROUNDS times (default 2), figures pooled over the rounds so a change in the
 * machine's load weighs on all four alike. p50 / p99 of every response under that load.
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
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg, tmpdir } from 'node:os';
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

const HIT_SECONDS = Number(process.env.BENCH_HIT_SECONDS ?? 8);
const HIT_ROUNDS = Number(process.env.BENCH_HIT_ROUNDS ?? 2);
const HIT_CONNECTIONS = 50;

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

const proxyConfig = async (vendorUrl: string) =>
  (await import('../src/proxy/config.js')).parseConfig({
    // One client at thousands of requests a second: above the default 10/s, burst 20.
    limits: { perClient: { ratePerSecond: 100_000, burst: 100_000 } },
    catalog: { source: 'test/fixtures/adobe/catalog.json' },
    placements: {
      related: { provider: 'snappy', endpoint: vendorUrl, apiKeyEnv: 'SNAPPY_API_KEY', location: 'US' },
      cart: { provider: 'adobe', endpoint: vendorUrl, apiKeyEnv: 'ADOBE_API_KEY', accessTokenEnv: 'ADOBE_ACCESS_TOKEN' },
    },
  });

/** The proxy; `measured`: with an event store (PGlite in memory), so every answer carries a signed request id. */
async function serveProxy(vendorUrl: string, measured: boolean): Promise<void> {
  const { fileReaderRelativeTo, startProxyServer } = await import('../src/proxy/server.js');
  const events = measured ? { store: await (await import('../src/proxy/events/store.js')).openEventStore({ dataDir: 'memory://' }) } : undefined;
  const env = measured ? { ...KEYS, RECS_EVENTS_SECRET: 'bench-events-secret-bench-events-secret' } : KEYS;
  const proxy = await startProxyServer(await proxyConfig(vendorUrl), { env, readFile: fileReaderRelativeTo(`${ROOT}recs.config.json`), events }, { port: 0 });
  console.log(JSON.stringify({ url: proxy.url }));
}

/**
 * A bare Hono route answering the bytes in `answerFile` (the headers and body of the proxy's
 * cache hit), on @hono/node-server with the proxy's server options.
 */
async function serveBare(answerFile: string): Promise<void> {
  const { Hono } = await import('hono');
  const { serve } = await import('@hono/node-server');
  const { nodeServerOptions } = await import('../src/proxy/server.js');
  const { headers, body } = JSON.parse(readFileSync(answerFile, 'utf8')) as { headers: Record<string, string>; body: string };
  const config = await proxyConfig('http://127.0.0.1:9');
  const app = new Hono();
  app.get('/recs/:placement', () => new Response(body, { headers }));
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1', serverOptions: nodeServerOptions(config.server) }, (info) =>
    console.log(JSON.stringify({ url: `http://127.0.0.1:${info.port}` })),
  ) as import('node:http').Server;
  server.maxConnections = config.server.maxConnections;
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

/** A run under load: how many responses, and each one's latency in ms. */
async function underLoad(autocannon: Autocannon, target: Target, connections: number, seconds: number) {
  const samples: number[] = [];
  const run = autocannon({ ...target, connections, duration: seconds });
  run.on('response', (_client, _status, _bytes, milliseconds) => samples.push(milliseconds));
  const result = await run;
  if (result.non2xx || result.errors) throw new Error(`${target.method ?? 'GET'} ${target.url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { requests: samples.length, samples };
}

/**
 * The cache hit against the bare route: each target in turn, HIT_ROUNDS times, 50
 * connections for HIT_SECONDS; requests/s and latency percentiles pooled over the rounds.
 */
async function compareHits(autocannon: Autocannon, targets: { name: string; target: Target }[]) {
  const pooled = targets.map(() => ({ requests: 0, samples: [] as number[] }));
  for (const { target } of targets) await underLoad(autocannon, target, HIT_CONNECTIONS, 2); // warm-up: JIT, sockets
  for (let round = 0; round < HIT_ROUNDS; round += 1) {
    for (const [i, { name, target }] of targets.entries()) {
      console.error(`measuring ${name}, round ${round + 1} of ${HIT_ROUNDS} (${HIT_SECONDS} s)…`);
      const run = await underLoad(autocannon, target, HIT_CONNECTIONS, HIT_SECONDS);
      pooled[i]!.requests += run.requests;
      for (const sample of run.samples) pooled[i]!.samples.push(sample);
    }
  }
  return pooled.map(({ requests, samples }) => {
    samples.sort((a, b) => a - b);
    return { rps: requests / (HIT_SECONDS * HIT_ROUNDS), p50: percentile(samples, 50), p99: percentile(samples, 99) };
  });
}

/** What signing a request id costs (measured placements): WebCrypto as edge runtimes sign, node:crypto as the Node proxy signs (server.ts). */
async function signingCost(): Promise<{ webCrypto: number; nodeHmac: number }> {
  const { createRequestIdSigner } = await import('../src/proxy/experiments/token.js');
  const { createHmac, createSecretKey, randomBytes } = await import('node:crypto');
  const key = createSecretKey(Buffer.from('bench-events-secret-bench-events-secret'));
  const signer = createRequestIdSigner({ secret: 'bench-events-secret-bench-events-secret', maxAgeMs: 1000, now: Date.now });
  const CALLS = 100_000;
  const usPerCall = async (call: () => unknown) => {
    for (let i = 0; i < CALLS; i += 1) await call(); // warm-up: JIT
    const started = process.hrtime.bigint();
    for (let i = 0; i < CALLS; i += 1) await call();
    return Number(process.hrtime.bigint() - started) / CALLS / 1000;
  };
  // The same token, v1.<nonce>.<issued>.<teams>.<mac>, with the same key, signed synchronously.
  const nodeSign = (placement: string, variant: string) => {
    const body = `v1.${randomBytes(12).toString('base64url')}.${Math.floor(Date.now() / 1000).toString(36)}.-10`;
    return `${body}.${createHmac('sha256', key).update(`${body}.${placement}.${variant}`).digest().subarray(0, 16).toString('base64url')}`;
  };
  return { webCrypto: await usPerCall(() => signer.sign('related', 'default', 10)), nodeHmac: await usPerCall(() => nodeSign('related', 'default')) };
}

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
  const measuredProxy = await startRole('--role', 'proxy', stubs.url, 'measured');
  const children = [stubs.child, proxy.child, measuredProxy.child];
  const ms = (value: number) => value.toFixed(2);
  let scratch: string | undefined;
  try {
    // ---- the cache hit against a bare route serving the same bytes
    const hitPath = `/recs/related?productId=${SNAPPY_PRODUCT}&limit=3`;
    const hit = async (base: string) => {
      await fetch(`${base}${hitPath}`).then((response) => response.arrayBuffer()); // the miss that fills the cache
      const response = await fetch(`${base}${hitPath}`);
      if (response.headers.get('x-recs-cache') !== 'hit') throw new Error(`${base}${hitPath} was not answered from the cache`);
      const headers = Object.fromEntries([...response.headers].filter(([name]) => !['date', 'connection', 'keep-alive', 'content-length'].includes(name)));
      return { headers, body: await response.text() };
    };
    const plainHit = await hit(proxy.url);
    const measuredHit = await hit(measuredProxy.url);
    const answerFile = join((scratch = mkdtempSync(join(tmpdir(), 'recs-bench-'))), 'answer.json');
    writeFileSync(answerFile, JSON.stringify(plainHit));
    const bare = await startRole('--role', 'bare', answerFile);
    children.push(bare.child);
    const bareAnswer = await fetch(`${bare.url}${hitPath}`);
    const bareHeaders = Object.fromEntries([...bareAnswer.headers].filter(([name]) => !['date', 'connection', 'keep-alive', 'content-length'].includes(name)));
    if ((await bareAnswer.text()) !== plainHit.body || JSON.stringify(bareHeaders) !== JSON.stringify(plainHit.headers)) throw new Error('the bare route does not answer the bytes of the proxy\'s hit');
    const htmlPath = `${hitPath}&element=recs-list`;
    if (!/^<recs-list /.test(await fetch(`${measuredProxy.url}${htmlPath}`).then((response) => response.text()))) throw new Error(`${htmlPath} did not answer HTML`);
    const [bareRun, plainRun, measuredRun, htmlRun] = await compareHits(autocannon, [
      { name: 'bare Hono route', target: { url: `${bare.url}${hitPath}` } },
      { name: 'proxy cache hit', target: { url: `${proxy.url}${hitPath}` } },
      { name: 'proxy cache hit, measured placement', target: { url: `${measuredProxy.url}${hitPath}` } },
      { name: 'proxy cache hit as HTML, measured placement', target: { url: `${measuredProxy.url}${htmlPath}` } },
    ]);
    const signing = await signingCost();

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
      rows.push(
        `| ${scenario.name} | ${Math.round(direct.rps)} | ${Math.round(proxied.rps)} | ${ms(direct.p50)} / ${ms(direct.p99)} | ${ms(proxied.p50)} / ${ms(proxied.p99)} | ${ms(proxied.p50 - direct.p50)} / ${ms(proxied.p99 - direct.p99)} |`,
      );
    }
    const load = loadavg().map((value) => value.toFixed(1)).join(' ');
    console.log(`Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'} (load average ${load}), loopback, autocannon.\n`);
    const ratio = (value: number) => value.toFixed(2);
    console.log(`Cache hit against a bare Hono route answering the same ${Buffer.byteLength(plainHit.body)}-byte body and headers: ${HIT_CONNECTIONS} connections, ${HIT_SECONDS} s × ${HIT_ROUNDS} rounds per target.\n`);
    console.log('| target | req/s | p50 / p99 (ms) | req/s ÷ bare | p99 ÷ bare |');
    console.log('| --- | ---: | ---: | ---: | ---: |');
    for (const [name, run] of [
      ['bare Hono route', bareRun!],
      ['proxy cache hit', plainRun!],
      ['proxy cache hit, measured placement (signed request id, `private, no-store`)', measuredRun!],
      ['the same as HTML (`element=recs-list`: server-rendered cards)', htmlRun!],
    ] as const) {
      console.log(`| ${name} | ${Math.round(run.rps)} | ${ms(run.p50)} / ${ms(run.p99)} | ${ratio(run.rps / bareRun!.rps)} | ${ratio(run.p99 / bareRun!.p99)} |`);
    }
    const goal = plainRun!.rps >= 0.5 * bareRun!.rps && plainRun!.p99 <= 2 * bareRun!.p99;
    console.log(
      `\nGoal (hit at least 0.5 of the bare route's req/s, p99 within 2×): ${goal ? 'met' : 'NOT met'}. ` +
        `The measured placement's answer is ${Buffer.byteLength(measuredHit.body)} bytes. Signing its request id: ` +
        `${signing.webCrypto.toFixed(1)} µs with WebCrypto (edge runtimes), ${signing.nodeHmac.toFixed(1)} µs with node:crypto's createHmac (as the Node proxy signs).\n`,
    );
    console.log(`Against the vendor stub: throughput 10 connections, latency 1 connection, ${SECONDS} s per run.\n`);
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
    for (const child of children) child.kill();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}

const role = process.argv.indexOf('--role');
if (role === -1) await main();
else if (process.argv[role + 1] === 'stubs') await serveStubs();
else if (process.argv[role + 1] === 'bare') await serveBare(process.argv[role + 2]!);
else await serveProxy(process.argv[role + 2]!, process.argv[role + 3] === 'measured');
