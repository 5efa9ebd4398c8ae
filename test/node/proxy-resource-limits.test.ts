/**
 * What one client's requests may cost the proxy's memory and its log, tried for real on
 * loopback against the proxy (startTestProxy, in this process):
 *
 * 1. a client hammering past its per-client limit: each 429 was one log line (about 100
 *    bytes a request, 80 KB/s from one loopback client), a bill in any paid log pipeline;
 * 2. distinct anonymous requests filling the answer cache: bounded by entries only, 1000
 *    answers of 100 rich cards (575 KB of JSON each) held 617 MB of heap;
 * 3. distinct server-rendered elements filling the render memo: bounded by entries only,
 *    256 renderings of 100 cards held 270 MB (474 MB with 2,000-character labels);
 * 4. either memo dropping the shop's hot entries first because they were made first;
 * 5. (holds already, kept as a guard) one address reaching the vendor through every route at
 *    once: no more calls than its bucket holds.
 *
 * Heap is measured after a full garbage collection; every test is bounded.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { heapUsed } from './support/heap.ts';
import { call, query, startTestProxy } from './harness.js';
import { startSnappyStub, SNAPPY_KEY } from './stubs/snappy.js';
import { startCountingSnappyStub } from './stubs/counting-snappy.js';
import type { Stub } from './stubs/stub-server.js';
import { createResponseCache } from '../../src/proxy/response-cache.js';

const MB = 1024 * 1024;


/** A catalog of 120 rich products (about 5.9 kB of JSON each: long texts, ten attributes), as a shop's feed may be. */
function writeRichCatalog(folder: string): string {
  const text = (start: string, length: number) => `${start} ${'x'.repeat(length)}`.slice(0, length);
  const items = Array.from({ length: 120 }, (_, i) => ({
    id: `sku-${i}`,
    title: text(`Product ${i}`, 290),
    url: `/products/sku-${i}?${'q'.repeat(400)}`,
    image: `/images/sku-${i}.jpg?${'w'.repeat(400)}`,
    price: { amount: 10 + i, currency: 'EUR' },
    brand: text('Brand', 290),
    category: ['Shoes', text('Category', 290)],
    description: text(`Description ${i}`, 990),
    inStock: true,
    score: 1 - i / 1000,
    attributes: Object.fromEntries(Array.from({ length: 10 }, (_, k) => [`attribute${k}`, text(`value ${k}`, 290)])),
  }));
  const path = join(folder, 'rich-catalog.json');
  writeFileSync(path, JSON.stringify({ items }));
  return path;
}

/** `count` requests, `parallel` at a time; the bodies are read and dropped. */
async function send(count: number, parallel: number, url: (i: number) => string): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i += parallel) {
    const batch = Array.from({ length: Math.min(parallel, count - i) }, (_, k) => fetch(url(i + k)).then(async (response) => (await response.arrayBuffer(), response.status)));
    statuses.push(...(await Promise.all(batch)));
  }
  return statuses;
}

// ---- 1. the log ----------------------------------------------------------------------

describe('a client over its limit cannot flood the log', () => {
  let vendor: Stub;
  before(async () => {
    vendor = await startSnappyStub();
  });
  after(() => vendor.close());

  it("logs the per-client limit's refusals at most once a minute, with their count", { timeout: 20_000 }, async () => {
    let clock = 1_000_000;
    // Nothing refills while the test runs (0.001 tokens a second).
    const proxy = await startTestProxy({ limits: { perClient: { ratePerSecond: 0.001, burst: 1 } }, placements: { pdp: { provider: 'demo', events: false } } }, {}, { now: () => clock });
    try {
      const url = (i: number) => query(`${proxy.url}/recs/pdp`, { productId: `sku-${i}` });
      assert.equal((await call(url(0))).status, 200);
      const statuses = await send(500, 25, (i) => url(i + 1));
      assert.ok(statuses.every((status) => status === 429), 'every miss past the burst is refused');
      const refusals = () => proxy.logs.filter((line) => /429|limits\.perClient/.test(line));
      assert.equal(refusals().length, 1, `500 refusals logged ${refusals().length} lines:\n${refusals().slice(0, 3).join('\n')}`);
      assert.match(refusals()[0]!, /1 request over limits\.perClient/);
      clock += 61_000;
      assert.equal((await call(url(1000))).status, 429);
      assert.equal(refusals().length, 2);
      assert.match(refusals()[1]!, /500 requests over limits\.perClient/, 'the second line counts the refusals since the first');
    } finally {
      await proxy.close();
    }
  });

  it("still logs each of a vendor's own 429s (one line per vendor failure)", { timeout: 10_000 }, async () => {
    const proxy = await startTestProxy({ placements: { related: { provider: 'snappy', endpoint: vendor.url, apiKeyEnv: 'SNAPPY_API_KEY', location: 'US' } } }, { SNAPPY_API_KEY: SNAPPY_KEY });
    vendor.fault = 'rate-limited';
    try {
      for (let i = 0; i < 3; i += 1) assert.equal((await call(query(`${proxy.url}/recs/related`, { productId: '655277e68e0719000d6c3fd5', limit: String(i + 1) }))).status, 429);
      assert.equal(proxy.logs.filter((line) => / -> 429 rate-limited: snappy/.test(line)).length, 3, proxy.logs.join('\n'));
    } finally {
      vendor.fault = 'none';
      await proxy.close();
    }
  });
});

// ---- 2. and 3. memory ------------------------------------------------------------------

describe('distinct requests cannot fill the memory', () => {
  let folder: string;
  let catalog: string;
  before(() => {
    folder = mkdtempSync(join(tmpdir(), 'recs-resource-'));
    catalog = writeRichCatalog(folder);
  });
  after(() => rmSync(folder, { recursive: true, force: true }));

  /** Far below the 250 MB that 400 such answers held before (616 kB of heap each). */
  const CACHE_HEAP_BOUND = 100 * MB;

  it(`400 distinct anonymous answers of 100 rich cards (580 kB of JSON each) hold under ${CACHE_HEAP_BOUND / MB} MB: cache.maxBytes`, { timeout: 60_000 }, async (t) => {
    const proxy = await startTestProxy({ placements: { pdp: { provider: 'demo', catalog, events: false } } });
    try {
      const url = (i: number) => query(`${proxy.url}/recs/pdp`, { productId: `product-${i}`, limit: '100' });
      const first = await call(url(0));
      assert.equal(first.status, 200, first.text);
      assert.equal(first.body.items.length, 100);
      const before = heapUsed();
      const statuses = await send(400, 8, (i) => url(i + 1));
      assert.ok(statuses.every((status) => status === 200));
      const growth = heapUsed() - before;
      // The bound works by dropping the oldest answers: the first is a miss again, well before maxEntries (1000).
      assert.equal((await call(url(0))).headers.get('x-recs-cache'), 'miss');
      assert.ok(growth < CACHE_HEAP_BOUND, `heap grew by ${Math.round(growth / MB)} MB`);
      t.diagnostic(`400 distinct answers of ${Math.round(first.text.length / 1024)} kB: heap +${Math.round(growth / MB)} MB`);
    } finally {
      await proxy.close();
    }
  });

  /** Far below the 105 MB that 100 such renderings held before (about 1 MB of heap each). */
  const RENDER_HEAP_BOUND = 50 * MB;

  it(`100 distinct server-rendered elements of 100 rich cards hold under ${RENDER_HEAP_BOUND / MB} MB`, { timeout: 60_000 }, async (t) => {
    const proxy = await startTestProxy({ publicUrl: 'https://shop.example', placements: { pdp: { provider: 'demo', catalog, events: false } } });
    try {
      const url = (i: number) => query(`${proxy.url}/recs/pdp`, { element: 'recs-list', productId: 'product-1', limit: '100', heading: `Heading ${i}` });
      const first = await call(url(0));
      assert.equal(first.status, 200, first.text);
      const before = heapUsed();
      const statuses = await send(100, 4, (i) => url(i + 1));
      assert.ok(statuses.every((status) => status === 200));
      const growth = heapUsed() - before;
      assert.ok(growth < RENDER_HEAP_BOUND, `heap grew by ${Math.round(growth / MB)} MB`);
      t.diagnostic(`100 distinct renderings of ${Math.round(first.text.length / 1024)} kB: heap +${Math.round(growth / MB)} MB`);
    } finally {
      await proxy.close();
    }
  });
});

// ---- 4. what the answer cache drops --------------------------------------------------

describe('the answer cache (createResponseCache): entries and bytes', () => {
  const load = (value: string) => () => Promise.resolve(value);

  it('drops the least recently used answer first: one the shop keeps asking for stays', async () => {
    // A hit counts as a use once a second at most (the hit path stays a Map get): the clock moves 1 s a step.
    let clock = 0;
    const cache = createResponseCache<string>({ ttlMs: 60_000, maxEntries: 3, maxBytes: 1e9, sizeOf: (value) => value.length, now: () => clock });
    for (const key of ['hot', 'b', 'c']) await cache.get(key, load(key));
    clock += 1000;
    assert.equal(cache.peek('hot'), 'hot', 'a hit on the fast path');
    await cache.get('d', load('d'));
    assert.equal(cache.peek('b'), undefined, 'the least recently used answer was dropped');
    clock += 1000;
    assert.equal((await cache.get('hot', load('again'))).hit, true);
    await cache.get('e', load('e'));
    assert.equal(cache.peek('c'), undefined);
    assert.equal((await cache.get('hot', load('again'))).hit, true, 'a hit through get() keeps it too');
  });

  it('keeps at most maxBytes of keys and answers, and never one answer larger than that', async () => {
    const cache = createResponseCache<string>({ ttlMs: 60_000, maxEntries: 100, maxBytes: 100, sizeOf: (value) => value.length });
    // Each entry is its key (2 characters) and its answer (30): three fit, the fourth drops the first.
    for (const key of ['k1', 'k2', 'k3']) await cache.get(key, load('x'.repeat(30)));
    assert.ok(['k1', 'k2', 'k3'].every((key) => cache.has(key)));
    await cache.get('k4', load('x'.repeat(30)));
    assert.deepEqual(['k1', 'k2', 'k3', 'k4'].map((key) => cache.has(key)), [false, true, true, true]);
    // Served, but not kept: it alone is over the budget (and it drops nothing else).
    const huge = await cache.get('big', load('x'.repeat(200)));
    assert.equal(huge.value.length, 200);
    assert.equal(cache.has('big'), false);
    assert.deepEqual(['k2', 'k3', 'k4'].map((key) => cache.has(key)), [true, true, true]);
  });

  it('counts an answer when it arrives, and forgets a failed one', async () => {
    const cache = createResponseCache<string>({ ttlMs: 60_000, maxEntries: 100, maxBytes: 100, sizeOf: (value) => value.length });
    await assert.rejects(cache.get('bad', () => Promise.reject(new Error('vendor down'))));
    for (const key of ['k1', 'k2', 'k3']) await cache.get(key, load('x'.repeat(30)));
    assert.ok(['k1', 'k2', 'k3'].every((key) => cache.has(key)), 'a failed load left nothing counted');
  });
});

// ---- 5. every route from one address -------------------------------------------------

describe('one address, every route at once', () => {
  it('reaches the vendor no more than burst + ratePerSecond × seconds times', { timeout: 30_000 }, async (t) => {
    const [left, right] = await Promise.all([startCountingSnappyStub(), startCountingSnappyStub()]);
    const snappy = (endpoint: string) => ({ provider: 'snappy', endpoint, apiKeyEnv: 'SNAPPY_API_KEY', location: 'US' });
    const proxy = await startTestProxy(
      {
        limits: { perClient: { ratePerSecond: 10, burst: 20 } },
        placements: {
          plain: { ...snappy(left.url), events: false },
          split: { provider: 'split', events: false, variants: { a: { ...snappy(left.url), weight: 1 }, b: { ...snappy(right.url), weight: 1 } } },
          mix: { provider: 'interleave', events: false, variants: { a: snappy(left.url), b: snappy(right.url) } },
        },
      },
      { SNAPPY_API_KEY: SNAPPY_KEY },
    );
    try {
      const product = (n: number) => `product${String(n).padStart(8, '0')}`;
      // A new cache key on each request: JSON, HTML, a split, an interleave, an identified POST, a new rendering.
      const routes = [
        (n: number) => fetch(query(`${proxy.url}/recs/plain`, { productId: product(n) })),
        (n: number) => fetch(query(`${proxy.url}/recs/plain`, { productId: product(n), element: 'recs-list' })),
        (n: number) => fetch(query(`${proxy.url}/recs/split`, { productId: product(n), shopper: `shopper-${n}` })),
        (n: number) => fetch(query(`${proxy.url}/recs/mix`, { productId: product(n) })),
        (n: number) => fetch(`${proxy.url}/recs/plain`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ productId: product(0), customerId: `customer-${n}` }) }),
        (n: number) => fetch(query(`${proxy.url}/recs/plain`, { productId: product(0), element: 'recs-list', heading: `Heading ${n}` })),
      ];
      const SECONDS = 4;
      const started = performance.now();
      const end = started + SECONDS * 1000;
      let next = 0;
      const statuses = new Map<number, number>();
      await Promise.all(
        Array.from({ length: 12 }, async () => {
          while (performance.now() < end) {
            const n = next++;
            const response = await routes[n % routes.length]!(n);
            await response.arrayBuffer();
            statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      const calls = left.requests + right.requests;
      assert.deepEqual([...statuses.keys()].sort(), [200, 429]);
      assert.ok(calls <= 20 + 10 * seconds, `${calls} vendor calls in ${seconds.toFixed(1)} s`);
      t.diagnostic(`${next} requests in ${seconds.toFixed(1)} s: ${calls} vendor calls (at most ${Math.floor(20 + 10 * seconds)}), ${statuses.get(200)} answered, ${statuses.get(429)} refused`);
    } finally {
      await proxy.close();
      await Promise.all([left.close(), right.close()]);
    }
  });
});
