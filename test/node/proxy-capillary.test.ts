import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestProxy, post, type TestProxy } from './harness.js';
import { CAPILLARY_PASSWORD, CAPILLARY_UNKNOWN_EMAIL, CAPILLARY_USER, startCapillaryStub } from './stubs/capillary.js';
import type { Stub } from './stubs/stub-server.js';

describe('capillary: v1.1 customer recommendations through the proxy', () => {
  let stub: Stub;
  let proxy: TestProxy;
  before(async () => {
    stub = await startCapillaryStub();
    proxy = await startTestProxy(
      {
        catalog: { source: 'test/fixtures/capillary/catalog.json' },
        placements: { loyalty: { provider: 'capillary', endpoint: stub.url, usernameEnv: 'CAPILLARY_USER', passwordEnv: 'CAPILLARY_PASSWORD' } },
      },
      { CAPILLARY_USER, CAPILLARY_PASSWORD },
    );
  });
  after(async () => {
    await proxy.close();
    await stub.close();
  });

  it('calls GET /v1.1/customer/recommendations with one identifier, limit, format=json and Basic auth', async () => {
    const answer = await post(`${proxy.url}/recs/loyalty`, { email: 'ada@example.com', limit: '5' });
    assert.equal(answer.status, 200, answer.text);
    const sent = stub.received.at(-1)!;
    assert.equal(sent.method, 'GET');
    assert.equal(sent.path, '/v1.1/customer/recommendations');
    assert.deepEqual(Object.fromEntries(sent.query), { format: 'json', email: 'ada@example.com', limit: '5' });
    assert.equal(sent.headers.authorization, `Basic ${Buffer.from(`${CAPILLARY_USER}:${CAPILLARY_PASSWORD}`).toString('base64')}`);
  });

  it('sends only the most exact identifier the page set', async () => {
    await post(`${proxy.url}/recs/loyalty`, { email: 'ada@example.com', phone: '+919876543210', externalCustomerId: 'ext-1001' });
    assert.deepEqual(Object.fromEntries(stub.received.at(-1)!.query), { format: 'json', external_id: 'ext-1001', limit: '10' });
    await post(`${proxy.url}/recs/loyalty`, { phone: '919876543210', customerId: '4411' });
    assert.deepEqual(Object.fromEntries(stub.received.at(-1)!.query), { format: 'json', id: '4411', limit: '10' });
    await post(`${proxy.url}/recs/loyalty`, { phone: '919876543210' });
    assert.deepEqual(Object.fromEntries(stub.received.at(-1)!.query), { format: 'json', mobile: '919876543210', limit: '10' });
  });

  it('maps the recommendation list, drops items whose item-level status failed, and completes bare ids', async () => {
    const answer = await post(`${proxy.url}/recs/loyalty`, { email: 'ada@example.com' });
    assert.deepEqual(answer.body.items, [
      // Capillary's own description stays the title; the catalog adds what it lacks.
      { id: 'sku-09', title: 'Åre Down Parka', url: 'https://shop.example/p/sku-09', image: 'https://cdn.example/capillary/sku-09.jpg', price: { amount: 279, currency: 'EUR' } },
      { id: 'sku-16', title: 'Trail 22 Daypack', url: 'https://shop.example/p/sku-16', image: 'https://cdn.example/capillary/sku-16.jpg', price: { amount: 99, currency: 'EUR' } },
    ]);
    // The customer's personal fields in Capillary's answer never reach the page.
    for (const personal of ['Lovelace', '919876543210', 'ext-1001']) assert.ok(!answer.text.includes(personal), personal);
  });

  it('answers an unknown customer (item_status 816) with no items rather than an error', async () => {
    const answer = await post(`${proxy.url}/recs/loyalty`, { email: CAPILLARY_UNKNOWN_EMAIL });
    assert.equal(answer.status, 200, answer.text);
    assert.deepEqual(answer.body, { items: [] });
  });

  it('refuses a request without any identifier before calling Capillary', async () => {
    const before = stub.received.length;
    const answer = await post(`${proxy.url}/recs/loyalty`, { productId: 'sku-01', customerId: '' });
    assert.equal(answer.status, 400);
    const none = await post(`${proxy.url}/recs/loyalty`, { webId: 'w-1' });
    assert.equal(none.status, 400);
    assert.match(none.body.error.message, /capillary: one of customerId, externalCustomerId, phone or email/);
    assert.equal(stub.received.length, before);
  });

  it('maps an invalid envelope to 502 invalid-response', async () => {
    stub.fault = 'wrong-shape';
    try {
      const answer = await post(`${proxy.url}/recs/loyalty`, { email: 'ada@example.com' });
      assert.equal(answer.status, 502);
      assert.equal(answer.body.error.code, 'invalid-response');
    } finally {
      stub.fault = 'none';
    }
  });
});
