import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createCatalogStore, describeSource, parseCatalog } from '../../src/proxy/catalog.js';
import { enrichItem } from '../../src/proxy/enrich.js';
import { startStub } from './stubs/stub-server.js';

const feed = (title: string) => JSON.stringify({ items: [{ id: 'sku-1', title, image: 'https://cdn.example/1.jpg', price: { amount: 10, currency: 'eur' } }] });

describe('catalog: the enrichment feed', () => {
  it('loads a file once and serves it from memory until the refresh interval', async () => {
    let reads = 0;
    let clock = 0;
    let title = 'First';
    const store = createCatalogStore({ refreshMs: 1000, timeoutMs: 1000, maxBytes: 1_000_000, now: () => clock, readFile: async () => (reads++, feed(title)) });
    assert.equal((await store.get('feed.json')).byId.get('sku-1')?.title, 'First');
    await store.get('feed.json');
    assert.equal(reads, 1);
    title = 'Second';
    clock = 1500;
    // Due: the stale copy answers at once while the refresh runs behind it.
    assert.equal((await store.get('feed.json')).byId.get('sku-1')?.title, 'First');
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal((await store.get('feed.json')).byId.get('sku-1')?.title, 'Second');
    assert.equal(reads, 2);
  });

  it('keeps serving the last good copy when a refresh fails, and logs it', async () => {
    const logs: string[] = [];
    let clock = 0;
    let broken = false;
    const store = createCatalogStore({
      refreshMs: 1000,
      timeoutMs: 1000,
      maxBytes: 1_000_000,
      now: () => clock,
      log: (line) => logs.push(line),
      readFile: async () => (broken ? '{ not json' : feed('Good')),
    });
    await store.get('feed.json');
    broken = true;
    clock = 5000;
    await store.get('feed.json');
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal((await store.get('feed.json')).byId.get('sku-1')?.title, 'Good');
    assert.match(logs.join('\n'), /catalog: could not load feed\.json/);
  });

  it('fails with invalid-response when there is no copy yet, and does not retry on every request', async () => {
    let reads = 0;
    const store = createCatalogStore({ refreshMs: 60_000, timeoutMs: 1000, maxBytes: 1_000_000, now: () => 0, readFile: async () => (reads++, '[{') });
    await assert.rejects(store.get('feed.json'), { code: 'invalid-response' });
    await assert.rejects(store.get('feed.json'), { code: 'invalid-response' });
    assert.equal(reads, 1);
  });

  it('loads a feed URL, and never logs its query (it may carry a token)', async () => {
    const stub = await startStub(() => ({ status: 200, body: [{ id: 'sku-2', title: 'From a URL' }] }));
    try {
      const store = createCatalogStore({ refreshMs: 60_000, timeoutMs: 1000 , maxBytes: 1_000_000});
      const catalog = await store.get(`${stub.url}/feed.json?token=secret-token`);
      assert.equal(catalog.byId.get('sku-2')?.title, 'From a URL');
      assert.equal(describeSource(`${stub.url}/feed.json?token=secret-token`), `${stub.url}/feed.json`);
    } finally {
      await stub.close();
    }
  });

  it('refuses file feeds where there is no filesystem', async () => {
    const store = createCatalogStore({ refreshMs: 1000, timeoutMs: 1000 , maxBytes: 1_000_000});
    await assert.rejects(store.get('demo/catalog.json'), { code: 'invalid-response' });
  });

  it('cleans feed items like any vendor item', () => {
    const catalog = parseCatalog({ items: [{ id: 'a', title: 'A', url: 'javascript:alert(1)' }, { id: 'b' }] });
    assert.deepEqual(catalog.items, [{ id: 'a', title: 'A' }]);
  });
});

describe('enrichment', () => {
  const catalog = parseCatalog({ items: [{ id: 'sku-1', title: 'Catalog title', url: '/p/sku-1', image: '/i/sku-1.jpg', price: { amount: 10, currency: 'EUR' }, score: 0.1 }] });

  it('completes items without a title or image, keeping what the vendor sent and its relevance fields', () => {
    assert.deepEqual(enrichItem({ id: 'sku-1', group: 'upsells', rank: 2 }, catalog), {
      id: 'sku-1',
      group: 'upsells',
      rank: 2,
      title: 'Catalog title',
      url: '/p/sku-1',
      image: '/i/sku-1.jpg',
      amount: 10,
      currency: 'EUR',
    });
    assert.deepEqual(enrichItem({ id: 'sku-1', title: 'Vendor title', amount: 8 }, catalog), {
      id: 'sku-1',
      title: 'Vendor title',
      amount: 8,
      url: '/p/sku-1',
      image: '/i/sku-1.jpg',
      currency: 'EUR',
    });
  });

  it('leaves complete items and unknown ids alone', () => {
    const complete = { id: 'sku-1', title: 'Vendor', image: 'https://v.example/1.jpg' };
    assert.equal(enrichItem(complete, catalog), complete);
    assert.deepEqual(enrichItem({ id: 'sku-404' }, catalog), { id: 'sku-404' });
  });
});
