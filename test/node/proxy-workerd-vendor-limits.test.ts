/**
 * The limits on Cloudflare Workers: src/proxy/worker.ts bundled as wrangler.toml says and run
 * under workerd (miniflare) in front of a Snappy stub. Each isolate counts for itself:
 * limits.vendor (past `maxInFlight` a miss is answered 503 `overloaded` without a call, and a hit
 * from the Cache API is served meanwhile) and limits.perClient, by Cloudflare's CF-Connecting-IP.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { Miniflare } from 'miniflare';
import { REPO_ROOT } from './harness.js';
import { SNAPPY_KEY } from './stubs/snappy.js';
import { startCountingSnappyStub, type CountingStub } from './stubs/counting-snappy.js';

const toml = readFileSync(join(REPO_ROOT, 'wrangler.toml'), 'utf8');
const setting = (key: string) => new RegExp(`^${key}\\s*=\\s*"([^"]+)"`, 'm').exec(toml)![1]!;
const product = (n: number) => `product${String(n).padStart(8, '0')}`;

/** The Worker bundled with `limits` in its config (in place of recs.config.json), for a Snappy placement `related`. */
async function startWorker(limits: unknown, vendorUrl: string): Promise<Miniflare> {
  const config = {
    limits,
    placements: { related: { provider: 'snappy', endpoint: vendorUrl, apiKeyEnv: 'SNAPPY_API_KEY', location: 'US', events: false } },
  };
  // wrangler.toml's [alias] stands in for the AWS SDK's default chain; the config replaces recs.config.json.
  const alias = Object.fromEntries([...toml.matchAll(/^"(@aws-sdk\/[^"]+)"\s*=\s*"([^"]+)"/gm)].map(([, from, to]) => [from!, to!]));
  const { outputFiles } = await esbuild.build({
    absWorkingDir: REPO_ROOT,
    entryPoints: [setting('main')],
    ...{ bundle: true, write: false, format: 'esm', platform: 'browser', target: 'es2022', logLevel: 'silent' },
    conditions: ['workerd', 'worker', 'browser'],
    alias,
    plugins: [{ name: 'config', setup: (build) => void build.onLoad({ filter: /recs\.config\.json$/ }, () => ({ contents: JSON.stringify(config), loader: 'json' })) }],
  });
  const mf = new Miniflare({
    cf: false,
    modules: true,
    script: outputFiles[0]!.text,
    compatibilityDate: setting('compatibility_date'),
    bindings: { SNAPPY_API_KEY: SNAPPY_KEY },
    routes: ['proxy.example/*'],
  });
  await mf.ready;
  return mf;
}

describe('limits.vendor under workerd: per isolate', () => {
  let vendor: CountingStub;
  let mf: Miniflare;

  before(async () => {
    vendor = await startCountingSnappyStub();
    mf = await startWorker({ vendor: { maxInFlight: 1 } }, vendor.url);
  });

  after(async () => {
    await Promise.all([mf?.dispose(), vendor?.close()]);
  });

  it('calls the vendor maxInFlight times at once and answers the rest 503 overloaded; a Cache API hit is served meanwhile', { timeout: 30_000 }, async () => {
    const get = async (n: number) => {
      const response = await mf.dispatchFetch(`https://proxy.example/recs/related?productId=${product(n)}`);
      return { status: response.status, headers: response.headers, body: (await response.json()) as any };
    };
    assert.equal((await get(1)).status, 200, 'product 1 in the Cache API');
    vendor.delayMs = 1500;
    const before = vendor.requests;
    const leader = get(2);
    while (vendor.requests === before) await new Promise((resolve) => setTimeout(resolve, 5));
    const [refused, hit] = await Promise.all([get(3), get(1)]);
    assert.equal(refused.status, 503);
    assert.equal(refused.body.error.code, 'overloaded');
    assert.equal(refused.headers.get('retry-after'), '1');
    assert.equal(hit.status, 200);
    assert.equal(hit.headers.get('x-recs-cache'), 'hit');
    assert.equal((await leader).status, 200);
    assert.equal(vendor.requests - before, 1, 'no call for the refusal or the hit');
    vendor.delayMs = 0;
    assert.equal((await get(3)).status, 200, 'the slot came back');
  });
});

describe('limits.perClient under workerd: by CF-Connecting-IP, per isolate', () => {
  let vendor: CountingStub;
  let mf: Miniflare;

  before(async () => {
    vendor = await startCountingSnappyStub();
    mf = await startWorker({ perClient: { ratePerSecond: 0.01, burst: 2, maxClients: 100 } }, vendor.url);
  });

  after(async () => {
    await Promise.all([mf?.dispose(), vendor?.close()]);
  });

  it('answers a client past its burst 429 without a vendor call, and another address is still served', { timeout: 30_000 }, async () => {
    const get = async (n: number, address: string) => {
      const response = await mf.dispatchFetch(`https://proxy.example/recs/related?productId=${product(n)}`, { headers: { 'cf-connecting-ip': address } });
      return { status: response.status, headers: response.headers, body: (await response.json()) as any };
    };
    const before = vendor.requests;
    assert.deepEqual([(await get(1, '203.0.113.7')).status, (await get(2, '203.0.113.7')).status], [200, 200]);
    const refused = await get(3, '203.0.113.7');
    assert.equal(refused.status, 429);
    assert.equal(refused.body.error.code, 'rate-limited');
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
    assert.equal(vendor.requests - before, 2, 'no vendor call for the refusal');
    // X-Forwarded-For is the client's to write: it does not make another client.
    const forged = await mf.dispatchFetch(`https://proxy.example/recs/related?productId=${product(4)}`, { headers: { 'cf-connecting-ip': '203.0.113.7', 'x-forwarded-for': '198.51.100.1' } });
    assert.equal(forged.status, 429);
    await forged.arrayBuffer();
    assert.equal((await get(3, '198.51.100.2')).status, 200, 'another client has its own bucket');
    assert.equal((await get(1, '203.0.113.7')).status, 200, 'a cache hit takes no token');
  });
});
