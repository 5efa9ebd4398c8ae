import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestProxy, post, type TestProxy } from './harness.js';
import { ADOBE_API_KEY, ADOBE_TOKEN, ADOBE_TRACKER_ID, startAdobeStub } from './stubs/adobe.js';
import type { Stub } from './stubs/stub-server.js';

const env = { ADOBE_API_KEY: ADOBE_API_KEY, ADOBE_ACCESS_TOKEN: ADOBE_TOKEN };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function adobeConfig(stub: Stub) {
  return {
    catalog: { source: 'test/fixtures/adobe/catalog.json' },
    placements: {
      cart: { provider: 'adobe', endpoint: stub.url, apiKeyEnv: 'ADOBE_API_KEY', accessTokenEnv: 'ADOBE_ACCESS_TOKEN', recommendationContext: 'ORDER_PREVIEW' },
    },
  };
}

describe('adobe: Fetch Recommendations through the proxy', () => {
  let stub: Stub;
  let proxy: TestProxy;
  before(async () => {
    stub = await startAdobeStub();
    proxy = await startTestProxy(adobeConfig(stub), env);
  });
  after(async () => {
    await proxy.close();
    await stub.close();
  });

  it('POSTs /v3/recommendations with the partner headers and the cart as offers', async () => {
    const answer = await post(`${proxy.url}/recs/cart`, { customerId: '1005513019', cart: '30005897CA01A12:10,30006566CA14A12:5', country: 'jp', language: 'MULT' });
    assert.equal(answer.status, 200, answer.text);
    const sent = stub.received.at(-1)!;
    assert.equal(sent.method, 'POST');
    assert.equal(sent.path, '/v3/recommendations');
    assert.equal(sent.headers['x-api-key'], ADOBE_API_KEY);
    assert.equal(sent.headers.authorization, `Bearer ${ADOBE_TOKEN}`);
    assert.match(String(sent.headers['x-request-id']), UUID);
    assert.match(String(sent.headers['x-correlation-id']), UUID);
    assert.equal(sent.headers.accept, 'application/json');
    assert.equal(sent.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(sent.body), {
      recommendationContext: 'ORDER_PREVIEW',
      customerId: '1005513019',
      offers: [
        { offerId: '30005897CA01A12', quantity: 10 },
        { offerId: '30006566CA14A12', quantity: 5 },
      ],
      country: 'JP',
      language: 'MULT',
    });
  });

  it('returns the documented sample as enriched cards with group, rank, source offers and the tracker id', async () => {
    const answer = await post(`${proxy.url}/recs/cart`, { customerId: '1005513019', productId: '30005702CA01A12' });
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.body.trackerId, ADOBE_TRACKER_ID);
    // The sample repeats two offers across groups: one card per product, first group wins.
    assert.deepEqual(answer.body.items, [
      {
        id: '30006208CA01A12',
        title: 'Creative Cloud All Apps',
        url: 'https://shop.example/p/30006208CA01A12',
        image: 'https://cdn.example/adobe/cc-all-apps.png',
        price: { amount: 89.99, currency: 'USD' },
        brand: 'Adobe',
        category: ['Creative Cloud'],
        group: 'upsells',
        rank: 0,
        sourceIds: ['30005702CA01A12'],
      },
      {
        id: '65304921CA01A12',
        title: 'Adobe Stock',
        url: 'https://shop.example/p/65304921CA01A12',
        image: 'https://cdn.example/adobe/stock.png',
        price: { amount: 29.99, currency: 'USD' },
        brand: 'Adobe',
        group: 'upsells',
        rank: 1,
        sourceIds: ['30005702CA01A12'],
      },
    ]);
    assert.equal(answer.headers.get('cache-control'), 'private, no-store');
    // Without a cart, the product page's product is the offer.
    assert.deepEqual(JSON.parse(stub.received.at(-1)!.body).offers, [{ offerId: '30005702CA01A12' }]);
  });

  it('sends fresh request and correlation ids on every call', async () => {
    await post(`${proxy.url}/recs/cart`, { customerId: 'c-1' });
    await post(`${proxy.url}/recs/cart`, { customerId: 'c-1' });
    const [first, second] = stub.received.slice(-2);
    assert.notEqual(first!.headers['x-request-id'], second!.headers['x-request-id']);
    assert.notEqual(first!.headers['x-correlation-id'], second!.headers['x-correlation-id']);
  });

  it('refuses, without calling Adobe, a request without customerId or with an unknown context', async () => {
    const before = stub.received.length;
    const missing = await post(`${proxy.url}/recs/cart`, { email: 'ada@example.com' });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error.code, 'invalid-request');
    assert.match(missing.body.error.message, /customerId/);
    const context = await post(`${proxy.url}/recs/cart`, { customerId: 'c-1', context: 'ORDERS_VIEW_ALL' });
    assert.equal(context.status, 400);
    assert.match(context.body.error.message, /context/);
    const language = await post(`${proxy.url}/recs/cart`, { customerId: 'c-1', language: 'DE' });
    assert.equal(language.status, 400);
    assert.equal(stub.received.length, before);
  });
});

describe('adobe: all three groups', () => {
  let stub: Stub;
  let proxy: TestProxy;
  before(async () => {
    stub = await startAdobeStub('adobe/fetch-recommendations-all-groups.json');
    proxy = await startTestProxy(adobeConfig(stub), env);
  });
  after(async () => {
    await proxy.close();
    await stub.close();
  });

  it('keeps upsells, cross-sells and add-ons in that order, each by rank, and drops ids the catalog cannot name', async () => {
    const answer = await post(`${proxy.url}/recs/cart`, { customerId: '1005513019' });
    assert.equal(answer.status, 200, answer.text);
    const cards = answer.body.items.map((item: any) => [item.id, item.group, item.rank, item.sourceIds]);
    assert.deepEqual(cards, [
      ['30006208CA01A12', 'upsells', 0, ['30005897CA01A12', '30006566CA14A12']],
      ['65304921CA01A12', 'upsells', 1, ['30005897CA01A12']],
      ['65322587CA01A12', 'crossSells', 0, ['30006566CA14A12']],
      ['65304479CA01A12', 'addOns', 0, ['30005897CA01A12']],
    ]);
  });
});

describe('adobe: failures', () => {
  it('ends a slow call at the timeout with 504 and maps 429 to 429 with Retry-After', async () => {
    const stub = await startAdobeStub();
    const config = adobeConfig(stub);
    const proxy = await startTestProxy({ ...config, placements: { cart: { ...config.placements.cart, timeoutMs: 200 } } }, env);
    try {
      stub.fault = 'slow';
      const slow = await post(`${proxy.url}/recs/cart`, { customerId: 'c-1' });
      assert.equal(slow.status, 504);
      assert.equal(slow.body.error.code, 'timeout');
      stub.fault = 'rate-limited';
      const limited = await post(`${proxy.url}/recs/cart`, { customerId: 'c-1' });
      assert.equal(limited.status, 429);
      assert.equal(limited.headers.get('retry-after'), '5'); // the vendor's 7 s, clamped to the widget's 5 s ceiling
      stub.fault = 'wrong-shape';
      const wrong = await post(`${proxy.url}/recs/cart`, { customerId: 'c-1' });
      assert.equal(wrong.status, 502);
      assert.equal(wrong.body.error.code, 'invalid-response');
    } finally {
      await proxy.close();
      await stub.close();
    }
  });

  it('maps 401 (bad token) to 502 http and never shows the token', async () => {
    const stub = await startAdobeStub();
    const proxy = await startTestProxy(adobeConfig(stub), { ...env, ADOBE_ACCESS_TOKEN: 'expired-token-000000' });
    try {
      const answer = await post(`${proxy.url}/recs/cart`, { customerId: 'c-1' });
      assert.equal(answer.status, 502);
      assert.equal(answer.body.error.code, 'http');
      assert.ok(!answer.text.includes('expired-token-000000'));
      assert.ok(proxy.logs.every((line) => !line.includes('expired-token-000000')));
    } finally {
      await proxy.close();
      await stub.close();
    }
  });
});
