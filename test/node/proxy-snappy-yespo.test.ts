import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestProxy, call, post, query, type TestProxy } from './harness.js';
import { SNAPPY_ECHOING_PRODUCT, SNAPPY_KEY, SNAPPY_LEAKED_TOKEN, SNAPPY_LEAKY_PRODUCT, SNAPPY_MISSING_COLLECTION, startSnappyStub } from './stubs/snappy.js';
import { YESPO_KEY, startYespoStub } from './stubs/yespo.js';
import type { Stub } from './stubs/stub-server.js';

describe('snappy: the browser transport, with the key held by the proxy', () => {
  let stub: Stub;
  let proxy: TestProxy;
  before(async () => {
    stub = await startSnappyStub();
    proxy = await startTestProxy(
      { placements: { related: { provider: 'snappy', endpoint: stub.url, apiKeyEnv: 'SNAPPY_API_KEY', location: 'US' } } },
      { SNAPPY_API_KEY: SNAPPY_KEY },
    );
  });
  after(async () => {
    await proxy.close();
    await stub.close();
  });

  it('calls Snappy v3 with the server-side X-Api-Key and the placement location', async () => {
    const answer = await call(query(`${proxy.url}/recs/related`, { productId: '655277e68e0719000d6c3fd5', limit: '2' }));
    assert.equal(answer.status, 200, answer.text);
    const sent = stub.received.at(-1)!;
    assert.equal(sent.path, '/v3/products/655277e68e0719000d6c3fd5/recommendations');
    assert.equal(sent.headers['x-api-key'], SNAPPY_KEY);
    // Only the documented parameters: no `fields`, so Snappy returns no priceRange ("only when `fields` includes
    // `priceRange`") and, without `include`, no brand or tags: the cards have no price and no brand.
    assert.deepEqual([...sent.query.keys()].sort(), ['location', 'page[limit]']);
    assert.equal(sent.query.get('location'), 'US');
    assert.equal(sent.query.get('page[limit]'), '2');
    assert.deepEqual(
      answer.body.items.map((item: any) => [item.id, item.title, item.price, item.brand]),
      [
        ['655277e68e0719000d6c3fd6', 'NFL 25-Layer StadiumView Wall Art', undefined, undefined],
        ['6527bb3567f414000c15d2c8', 'Stainless Steel Insulated Tumbler', undefined, undefined],
      ],
    );
    assert.ok(!answer.text.includes(SNAPPY_KEY));
  });

  it('shows the brand when the widget includes it (ProductBrandV3 comes back "only when include=brand")', async () => {
    const answer = await call(query(`${proxy.url}/recs/related`, { productId: '655277e68e0719000d6c3fd5', include: 'brand' }));
    assert.equal(answer.status, 200, answer.text);
    assert.equal(stub.received.at(-1)!.query.get('include'), 'brand');
    assert.deepEqual(
      answer.body.items.map((item: any) => [item.id, item.brand, item.price]),
      [
        ['655277e68e0719000d6c3fd6', 'YouTheFan', undefined],
        ['6527bb3567f414000c15d2c8', undefined, undefined], // "brand": null, no brand
        ['6601aa0e2c9d44000b7f1e01', undefined, undefined],
      ],
    );
  });

  it('maps 422_PBLC_003 (a collection that does not exist) to invalid-request', async () => {
    const answer = await call(query(`${proxy.url}/recs/related`, { productId: '655277e68e0719000d6c3fd5', collectionId: SNAPPY_MISSING_COLLECTION }));
    assert.equal(answer.status, 502, answer.text);
    assert.equal(answer.body.error.code, 'invalid-request');
    assert.match(answer.body.error.message, /422_PBLC_003/);
  });

  it("lets the widget's location win over the placement default", async () => {
    await call(query(`${proxy.url}/recs/related`, { productId: '655277e68e0719000d6c3fd5', location: 'gb' }));
    assert.equal(stub.received.at(-1)!.query.get('location'), 'GB');
  });

  it('maps 404_PROD_001 to 502 not-found', async () => {
    const answer = await call(query(`${proxy.url}/recs/related`, { productId: 'missing00000' }));
    assert.equal(answer.status, 502);
    assert.equal(answer.body.error.code, 'not-found');
  });

  it("never passes a vendor's error text on: an echoed key, a secret-looking token and markup stay out of the answer and the log", async () => {
    stub.fault = 'none';
    const echoed = await call(query(`${proxy.url}/recs/related`, { productId: SNAPPY_ECHOING_PRODUCT }));
    assert.equal(echoed.status, 502);
    assert.equal(echoed.body.error.message, 'snappy: HTTP 400 (400_PBLC_001)');
    const leaky = await call(query(`${proxy.url}/recs/related`, { productId: SNAPPY_LEAKY_PRODUCT }));
    assert.equal(leaky.status, 502);
    assert.equal(leaky.body.error.message, 'snappy: HTTP 500 (500_PBLC_009)');
    for (const text of [echoed.text, leaky.text, ...proxy.logs]) {
      assert.ok(!text.includes(SNAPPY_KEY), text);
      assert.ok(!text.includes(SNAPPY_LEAKED_TOKEN), text);
      assert.ok(!text.includes('<img') && !text.includes('onerror'), text);
    }
  });
});

describe('yespo: the browser transport, with the key held by the proxy', () => {
  let stub: Stub;
  let proxy: TestProxy;
  before(async () => {
    stub = await startYespoStub();
    proxy = await startTestProxy(
      { placements: { personal: { provider: 'yespo', endpoint: stub.url, apiKeyEnv: 'YESPO_API_KEY', sourceId: '1244' } } },
      { YESPO_API_KEY: YESPO_KEY },
    );
  });
  after(async () => {
    await proxy.close();
    await stub.close();
  });

  it("calls the placement's data source with one identifier, the products and Basic auth", async () => {
    const answer = await post(`${proxy.url}/recs/personal`, { webId: 'web-abc', productId: '10045', sourceId: '999' });
    assert.equal(answer.status, 200, answer.text);
    const sent = stub.received.at(-1)!;
    assert.equal(sent.path, '/api/v2/contacts/recoms/1244');
    assert.deepEqual(Object.fromEntries(sent.query), { webId: 'web-abc', products: '10045' });
    assert.ok(Buffer.from(String(sent.headers.authorization).slice('Basic '.length), 'base64').toString().endsWith(`:${YESPO_KEY}`));
    assert.deepEqual(
      answer.body.items.map((item: any) => [item.id, item.title, item.inStock]),
      [
        ['10045', 'Merino Wool Hiking Socks', true],
        ['10046', 'Trail Running Shoe', false],
        ['10047', 'Packable Rain Jacket', true],
      ],
    );
    assert.equal(answer.headers.get('cache-control'), 'private, no-store');
  });

  it('refuses a request without a contact identifier before calling Yespo', async () => {
    const before = stub.received.length;
    const answer = await call(`${proxy.url}/recs/personal?productId=10045`);
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error.code, 'invalid-request');
    assert.equal(stub.received.length, before);
  });
});
