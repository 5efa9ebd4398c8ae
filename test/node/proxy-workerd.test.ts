/**
 * The proxy on Cloudflare Workers, for real: src/proxy/worker.ts bundled the way wrangler.toml
 * says (its `main` and `[alias]`, the config inlined as a JSON module), run under workerd
 * through miniflare, calling vendor stubs on loopback. Its answers must be Node's, byte for byte.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { Miniflare } from 'miniflare';
import { createProxyApp, type ProxyApp } from '../../src/proxy/app.js';
import { parseConfig } from '../../src/proxy/config.js';
import { REPO_ROOT } from './harness.js';
import { SNAPPY_KEY, startSnappyStub } from './stubs/snappy.js';
import { YESPO_KEY, startYespoStub } from './stubs/yespo.js';
import { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, SIGV4, startAwsStub } from './stubs/aws.js';
import { startStub, type Stub } from './stubs/stub-server.js';

const wranglerToml = readFileSync(join(REPO_ROOT, 'wrangler.toml'), 'utf8');
const tomlString = (key: string) => new RegExp(`^${key}\\s*=\\s*"([^"]+)"`, 'm').exec(wranglerToml)?.[1];
/** wrangler.toml's [alias] table: `"package" = "./path"` lines up to the next table. */
const aliases = Object.fromEntries(
  [...(/^\[alias\]\n([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(wranglerToml)?.[1] ?? '').matchAll(/^"([^"]+)"\s*=\s*"([^"]+)"/gm)].map((match) => [match[1]!, match[2]!]),
);

/** One ES module, as wrangler builds it, with `config` standing in for recs.config.json. */
async function bundleWorker(config: unknown): Promise<string> {
  const result = await esbuild.build({
    absWorkingDir: REPO_ROOT,
    entryPoints: [tomlString('main')!],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    target: 'es2022',
    alias: aliases,
    logLevel: 'silent',
    plugins: [
      {
        name: 'test-config',
        setup(build) {
          build.onResolve({ filter: /\/recs\.config\.json$/ }, () => ({ path: 'recs.config.json', namespace: 'test-config' }));
          build.onLoad({ filter: /.*/, namespace: 'test-config' }, () => ({ contents: JSON.stringify(config), loader: 'json' }));
        },
      },
    ],
  });
  return result.outputFiles[0]!.text;
}

interface Answer {
  status: number;
  headers: Headers;
  bytes: Buffer;
}

const read = async (response: { status: number; headers: Headers; arrayBuffer(): Promise<ArrayBuffer> }): Promise<Answer> => ({
  status: response.status,
  headers: response.headers,
  bytes: Buffer.from(await response.arrayBuffer()),
});
const json = (answer: Answer) => JSON.parse(answer.bytes.toString('utf8'));

/** What HTTP adds on the way out of workerd; every other header must be the app's own. */
const TRANSPORT_HEADERS = new Set(['content-length', 'transfer-encoding', 'mf-content-encoding']);

function assertSameAnswer(worker: Answer, node: Answer, what: string): void {
  assert.equal(worker.status, node.status, what);
  assert.equal(worker.bytes.toString('utf8'), node.bytes.toString('utf8'), what);
  assert.ok(worker.bytes.equals(node.bytes), what);
  const headers = (answer: Answer) => [...answer.headers].filter(([name]) => !TRANSPORT_HEADERS.has(name)).sort(([a], [b]) => a.localeCompare(b));
  assert.deepEqual(headers(worker), headers(node), what);
}

const SHOP = 'https://shop.example';
const SNAPPY_PRODUCT = '655277e68e0719000d6c3fd5';

describe('the proxy under workerd (miniflare), as a Cloudflare Worker', () => {
  let snappy: Stub;
  let yespo: Stub;
  let aws: Stub;
  let catalog: Stub;
  let mf: Miniflare;
  let node: ProxyApp;
  const workerLogs: string[] = [];

  before(async () => {
    [snappy, yespo, aws] = await Promise.all([startSnappyStub(), startYespoStub(), startAwsStub()]);
    const feed = JSON.parse(readFileSync(join(REPO_ROOT, 'demo/catalog.json'), 'utf8'));
    catalog = await startStub(() => ({ status: 200, body: feed }));
    const config = {
      allowedOrigins: [SHOP],
      placements: {
        related: { provider: 'snappy', endpoint: snappy.url, apiKeyEnv: 'SNAPPY_API_KEY', location: 'US' },
        personal: { provider: 'yespo', endpoint: yespo.url, apiKeyEnv: 'YESPO_API_KEY', sourceId: '1244' },
        pdp: { provider: 'demo', catalog: `${catalog.url}/catalog.json` },
        foryou: { provider: 'aws', region: 'us-east-1', endpoint: aws.url, domainName: 'shop-domain', recommenderName: 'recs-for-you' },
      },
    };
    const script = await bundleWorker(config);
    const vendorKeys = { SNAPPY_API_KEY: SNAPPY_KEY, YESPO_API_KEY: YESPO_KEY };
    const secrets = { ...vendorKeys, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY };
    const worker = { modules: true, script, compatibilityDate: tomlString('compatibility_date')! };
    mf = new Miniflare({
      // No network beyond loopback: no cf.json download. Outbound fetches to 127.0.0.1 need
      // no option: miniflare's outbound network allows private addresses (workerd's own default would not).
      cf: false,
      structuredWorkerdLogs: true,
      handleStructuredLogs: ({ message }: { message: string }) => {
        workerLogs.push(message);
      },
      workers: [
        { name: 'proxy', ...worker, bindings: secrets, routes: ['proxy.example/*'] },
        // The same Worker where caches.default does nothing (shows the hits above come from the
        // Cache API), and without AWS credentials (the SDK's default chain is aliased away).
        { name: 'no-cache', ...worker, bindings: vendorKeys, cache: false, routes: ['no-cache.example/*'] },
        { name: 'no-secrets', ...worker, routes: ['no-secrets.example/*'] },
      ],
    });
    await mf.ready;
    node = createProxyApp(parseConfig(config), { env: secrets, log: () => {} });
  });

  after(async () => {
    await Promise.all([mf?.dispose(), node?.close(), snappy?.close(), yespo?.close(), aws?.close(), catalog?.close()]);
  });

  /** The same request to the Worker and to Node's createProxyApp; the Worker's answer, checked against Node's. */
  async function both(path: string, init: RequestInit = {}): Promise<Answer> {
    const url = `https://proxy.example${path}`;
    const fromWorker = await read(await mf.dispatchFetch(url, init as never));
    const fromNode = await read(await node.fetch(new Request(url, init)));
    assertSameAnswer(fromWorker, fromNode, `${init.method ?? 'GET'} ${path}`);
    return fromWorker;
  }

  /** One request to a Worker alone (picked by its route's host), and the vendor calls it made. */
  async function workerCalls(stub: Stub, path: string, init: RequestInit = {}, worker = 'proxy'): Promise<{ answer: Answer; calls: number }> {
    const before = stub.received.length;
    const answer = await read(await mf.dispatchFetch(`https://${worker}.example${path}`, init as never));
    return { answer, calls: stub.received.length - before };
  }

  const snappyPath = `/recs/related?productId=${SNAPPY_PRODUCT}&limit=2`;
  const personal: RequestInit = { method: 'POST', headers: { 'content-type': 'application/json', origin: SHOP }, body: JSON.stringify({ webId: 'web-abc', productId: '10045' }) };

  it('answers a Snappy placement with the key from the env binding, as Node does (miss, then a hit)', async () => {
    const miss = await both(snappyPath, { headers: { origin: SHOP } });
    assert.equal(miss.status, 200);
    assert.equal(miss.headers.get('x-recs-cache'), 'miss');
    assert.equal(miss.headers.get('access-control-allow-origin'), SHOP);
    assert.deepEqual(json(miss).items.map((item: { id: string }) => item.id), ['655277e68e0719000d6c3fd6', '6527bb3567f414000c15d2c8']);
    // The Worker's call and Node's.
    for (const sent of snappy.received.slice(-2)) assert.equal(sent.headers['x-api-key'], SNAPPY_KEY);
    const hit = await both(snappyPath, { headers: { origin: SHOP } });
    assert.equal(hit.headers.get('x-recs-cache'), 'hit');
  });

  it('serves a repeated anonymous request from the Cache API, without a vendor call', async () => {
    const path = `/recs/related?productId=${SNAPPY_PRODUCT}&limit=3`;
    const first = await workerCalls(snappy, path);
    assert.equal(first.calls, 1);
    assert.equal(first.answer.headers.get('x-recs-cache'), 'miss');
    const second = await workerCalls(snappy, path);
    assert.equal(second.calls, 0);
    assert.equal(second.answer.headers.get('x-recs-cache'), 'hit');
    assert.ok(second.answer.bytes.equals(first.answer.bytes));
    // Where caches.default keeps nothing, nothing else remembers the answer either.
    for (let round = 0; round < 2; round++) {
      const uncached = await workerCalls(snappy, path, {}, 'no-cache');
      assert.equal(uncached.calls, 1);
      assert.equal(uncached.answer.headers.get('x-recs-cache'), 'miss');
      assert.ok(uncached.answer.bytes.equals(first.answer.bytes));
    }
  });

  it('never caches a personal answer: a Yespo POST reaches the vendor every time', async () => {
    const answer = await both('/recs/personal', personal);
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('cache-control'), 'private, no-store');
    assert.deepEqual(json(answer).items.map((item: { id: string }) => item.id), ['10045', '10046', '10047']);
    for (let round = 0; round < 2; round++) {
      const again = await workerCalls(yespo, '/recs/personal', personal);
      assert.equal(again.calls, 1);
      assert.equal(again.answer.headers.get('x-recs-cache'), null);
      assert.ok(again.answer.bytes.equals(answer.bytes));
    }
  });

  it('signs AWS calls with SigV4 (WebCrypto) from the env binding; without those secrets, a 502 saying so', async () => {
    const body = JSON.stringify({ customerId: '0a1b2c3d4e5f60718293a4b5c6d7e8f9', limit: '3' });
    const answer = await both('/recs/foryou', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    assert.equal(answer.status, 200);
    assert.ok(json(answer).items.length > 0);
    for (const sent of aws.received.slice(-2)) assert.match(String(sent.headers.authorization), SIGV4);
    const { answer: unsigned, calls } = await workerCalls(aws, '/recs/foryou', { method: 'POST', headers: { 'content-type': 'application/json' }, body }, 'no-cache');
    assert.equal(calls, 0);
    assert.equal(unsigned.status, 502);
    assert.match(json(unsigned).error.message, /^aws: no AWS credentials \(set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
  });

  it('answers the demo provider from a catalog URL', async () => {
    const answer = await both('/recs/pdp?productId=sku-09&limit=3');
    assert.equal(answer.status, 200);
    assert.equal(json(answer).items.length, 3);
    assert.equal(catalog.received.length, 2, 'one feed load each: the Worker and Node');
  });

  it('answers errors as Node does: a vendor 404, a bad parameter, an unknown placement, a foreign origin, a preflight', async () => {
    const missing = await both('/recs/related?productId=missing00000');
    assert.equal(missing.status, 502);
    assert.equal(json(missing).error.code, 'not-found');
    assert.equal(missing.headers.get('cache-control'), 'no-store');
    assert.equal((await both('/recs/related?apiKey=stolen')).status, 400);
    assert.equal((await both('/recs/nowhere')).status, 404);
    assert.equal((await both(snappyPath, { headers: { origin: 'https://evil.example' } })).status, 403);
    const preflight = await both('/recs/personal', { method: 'OPTIONS', headers: { origin: SHOP, 'access-control-request-method': 'POST' } });
    assert.equal(preflight.status, 204);
    assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /POST/);
  });

  it('answers 500 without a secret the config names, and logs its name, never calling the vendor', async () => {
    const { answer, calls } = await workerCalls(snappy, snappyPath, {}, 'no-secrets');
    assert.equal(calls, 0);
    assert.equal(answer.status, 500);
    assert.equal(json(answer).error.code, 'internal');
    assert.equal(answer.headers.get('cache-control'), 'no-store');
    assert.ok(
      workerLogs.some((line) => line.includes('placements.related.apiKeyEnv: the environment variable SNAPPY_API_KEY is not set')),
      workerLogs.join('\n'),
    );
  });

  it('refuses, when the Worker starts, a catalog feed that is a file path', async () => {
    const script = await bundleWorker({ placements: { pdp: { provider: 'demo' } } });
    // The bundle's top level is what Workers run at deploy time; evaluating it is enough to see it throw.
    await assert.rejects(import(`data:text/javascript;base64,${Buffer.from(script).toString('base64')}`), {
      name: 'ConfigError',
      message: /^placements\.pdp\.catalog: must be an http\(s\) URL on Cloudflare Workers/,
    });
  });
});
