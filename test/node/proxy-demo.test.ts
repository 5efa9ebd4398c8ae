import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startDemoProxy, call, query, type TestProxy } from './harness.js';

describe('demo: the default config serves the sample catalog with no keys', () => {
  let proxy: TestProxy;
  before(async () => {
    proxy = await startDemoProxy();
  });
  after(() => proxy.close());

  it('recommends same-category products first, never the source product', async () => {
    const answer = await call(query(`${proxy.url}/recs/pdp`, { productId: 'sku-01', limit: '4' }));
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.body.items.length, 4);
    assert.ok(answer.body.items.every((item: any) => item.id !== 'sku-01' && item.category.includes('Shoes')));
    const scores = answer.body.items.map((item: any) => item.score);
    assert.deepEqual(scores, [...scores].sort((a, b) => b - a));
  });

  it('honours category and price filters', async () => {
    const answer = await call(query(`${proxy.url}/recs/home`, { category: 'Tents', priceMin: '50', priceMax: '200', limit: '20' }));
    assert.ok(answer.body.items.length > 0);
    assert.equal(answer.body.items[0].category[0], 'Tents');
    assert.ok(answer.body.items.every((item: any) => item.price.amount >= 50 && item.price.amount <= 200));
  });
});

describe('demo: the dev server (vite.config.ts) hands the proxy its paths, whatever the query', () => {
  it('answers /recs, /events and /report with the proxy, and leaves the rest to Vite', async () => {
    const { isProxyPath } = await import('../../vite.config.ts');
    for (const url of ['/recs/pdp', '/recs/pdp?productId=sku-01', '/events', '/report', '/report?from=2026-01-01', '/report.json', '/report.json?placement=similar', '/report/events.ndjson?to=2026-01-02']) {
      assert.ok(isProxyPath(url), url);
    }
    for (const url of ['/', '/index.html', '/?report.json', '/playground.html?x=/recs/', '/reports', '/report.jsonx', '/events/x', '/src/define.ts']) {
      assert.ok(!isProxyPath(url), url);
    }
  });
});
