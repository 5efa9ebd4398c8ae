import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestProxy, call, post, type TestProxy } from './harness.js';
import { SNAPPY_KEY, startSnappyStub } from './stubs/snappy.js';
import type { Stub } from './stubs/stub-server.js';
import { proxyFields } from '../../src/transports/proxy.js';
import type { RecsRequest } from '../../src/model/types.js';

/** A request that sets every field the widget can send, so proxyFields() lists them all. */
const everyField: RecsRequest = {
  transport: 'proxy',
  limit: 4,
  productIds: ['655277e68e0719000d6c3fd5'],
  customerId: 'cust-1',
  webId: 'web-1',
  contactId: '162688150',
  email: 'ada@example.com',
  phone: '+15550100',
  externalCustomerId: 'ext-1',
  sourceId: '1244',
  location: 'US',
  collectionId: '6527bb3567f414000c15d2c7',
  priceMin: 10,
  priceMax: 50,
  include: ['brand', 'tags'],
  category: ['Shoes', 'Home & Cabin'],
  context: 'GENERIC',
  country: 'JP',
  language: 'MULT',
  locale: 'de-DE',
  currency: 'EUR',
  cart: [{ id: 'sku-1', quantity: 2 }, { id: 'sku-2' }],
};

/** The personal identifiers' wire names: POST only. */
const PERSONAL = ['customerId', 'webId', 'contactId', 'email', 'phone', 'externalCustomerId'];

/** At least one bad value for every parameter the widget sends. */
const BAD_VALUES: Record<string, string[]> = {
  productId: ['', 'a,,b', 'x'.repeat(129), '<script>', Array.from({ length: 51 }, (_, i) => `p${i}`).join(',')],
  limit: ['', '-1', '101', '2.5', 'ten', '1e2'],
  customerId: ['', 'has space', 'x'.repeat(129), 'a\u0000b'],
  webId: ['', 'tab\there', 'bidi\u202e'],
  contactId: ['abc', '1'.repeat(20)],
  email: ['not-an-email', 'a@', `${'a'.repeat(250)}@example.com`],
  phone: ['call me', '12', '+1 555 0100 ext. 7'],
  externalCustomerId: ['', 'a b'],
  sourceId: ['12a', '-1', ''],
  location: ['USA', 'u', '12'],
  collectionId: ['a/b', 'x'.repeat(65)],
  priceMin: ['-5', 'cheap', '1,5', 'Infinity'],
  priceMax: ['NaN', '1e9'],
  include: ['price', 'brand,price', 'brand,tags,brand'],
  category: ['', 'a,,b', Array.from({ length: 21 }, (_, i) => `c${i}`).join(',')],
  context: ['GENERIC;DROP', 'x'.repeat(65)],
  country: ['Japan', 'j'],
  language: ['e', 'en_US'],
  cart: ['sku-1:0', 'sku#1:2', ',', 'sku 1:2', Array.from({ length: 51 }, (_, i) => `s${i}`).join(',')],
};

/** Formatting hints: a bad value is left out of the request, as the widget leaves it out of its formatting. */
const IGNORED_BAD_VALUES: Record<string, string[]> = {
  locale: ['en_US', 'not a locale', 'x'.repeat(40)],
  currency: ['EURO', '€', ''],
};

describe('input: every parameter is validated before any vendor call', () => {
  let stub: Stub;
  let proxy: TestProxy;
  let endpoint: string;
  before(async () => {
    stub = await startSnappyStub();
    proxy = await startTestProxy(
      { maxBodyBytes: 2048, placements: { related: { provider: 'snappy', endpoint: stub.url, apiKeyEnv: 'SNAPPY_API_KEY' } } },
      { SNAPPY_API_KEY: SNAPPY_KEY },
    );
    endpoint = `${proxy.url}/recs/related`;
  });
  after(async () => {
    await proxy.close();
    await stub.close();
  });

  it('covers every field the widget sends (proxyFields)', () => {
    assert.deepEqual([...Object.keys(BAD_VALUES), ...Object.keys(IGNORED_BAD_VALUES)].sort(), Object.keys(proxyFields(everyField)).sort());
  });

  it('leaves out a locale or currency it cannot use, as GET and as POST: the same answer as without it, no price text', async () => {
    const plain = { productId: '655277e68e0719000d6c3fd5', location: 'US' };
    const without = await call(`${endpoint}?${new URLSearchParams(plain)}`);
    assert.equal(without.status, 200, without.text);
    for (const [parameter, values] of Object.entries(IGNORED_BAD_VALUES)) {
      for (const value of values) {
        const fields = { ...plain, [parameter]: value };
        for (const answer of [await call(`${endpoint}?${new URLSearchParams(fields)}`), await post(endpoint, fields)]) {
          assert.equal(answer.status, 200, `${parameter}=${JSON.stringify(value)}: ${answer.text}`);
          assert.deepEqual(answer.body.items, without.body.items, `${parameter}=${JSON.stringify(value)}`);
        }
      }
    }
  });

  it('accepts a request that sets every field as POST, and every anonymous field as GET', async () => {
    const fields = proxyFields(everyField);
    const asPost = await post(endpoint, fields);
    assert.equal(asPost.status, 200, asPost.text);
    const anonymous = Object.fromEntries(Object.entries(fields).filter(([name]) => !PERSONAL.includes(name)));
    const asGet = await call(`${endpoint}?${new URLSearchParams(anonymous)}`);
    assert.equal(asGet.status, 200, asGet.text);
  });

  it('refuses each personal identifier in a GET query with 400 naming it, before any vendor call', async () => {
    const before = stub.received.length;
    for (const name of PERSONAL) {
      const answer = await call(`${endpoint}?${new URLSearchParams({ productId: '655277e68e0719000d6c3fd5', location: 'US', [name]: proxyFields(everyField)[name]! })}`);
      assert.equal(answer.status, 400, name);
      assert.equal(answer.body.error.parameter, name);
      assert.equal(answer.headers.get('cache-control'), 'no-store');
    }
    assert.equal(stub.received.length, before);
  });

  for (const [parameter, values] of Object.entries(BAD_VALUES)) {
    it(`refuses a bad ${parameter} with 400 naming it, as GET and as POST`, async () => {
      const before = stub.received.length;
      for (const value of values) {
        const fields = { productId: '655277e68e0719000d6c3fd5', location: 'US', [parameter]: value };
        for (const answer of [await call(`${endpoint}?${new URLSearchParams(fields)}`), await post(endpoint, fields)]) {
          assert.equal(answer.status, 400, `${parameter}=${JSON.stringify(value)}: ${answer.text}`);
          assert.equal(answer.body.error.code, 'invalid-request');
          assert.equal(answer.body.error.parameter, parameter, `${parameter}=${JSON.stringify(value)}`);
          assert.ok(answer.body.error.message.startsWith(`${parameter}: `), answer.body.error.message);
          assert.equal(answer.headers.get('cache-control'), 'no-store');
        }
      }
      assert.equal(stub.received.length, before, 'no upstream call for bad input');
    });
  }

  it('refuses priceMin above priceMax, naming priceMin', async () => {
    const answer = await call(`${endpoint}?productId=655277e68e0719000d6c3fd5&priceMin=60&priceMax=50`);
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error.parameter, 'priceMin');
  });

  it('refuses unknown and repeated parameters', async () => {
    const unknown = await call(`${endpoint}?productId=655277e68e0719000d6c3fd5&apiKey=stolen`);
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error.parameter, 'apiKey');
    const endpointOverride = await post(endpoint, { productId: '655277e68e0719000d6c3fd5', endpoint: 'https://evil.example' });
    assert.equal(endpointOverride.body.error.parameter, 'endpoint');
    const repeated = await call(`${endpoint}?productId=655277e68e0719000d6c3fd5&limit=1&limit=2`);
    assert.equal(repeated.status, 400);
    assert.equal(repeated.body.error.parameter, 'limit');
    const queryBesideBody = await post(`${endpoint}?apiKey=stolen`, { productId: '655277e68e0719000d6c3fd5', customerId: 'c-1' });
    assert.equal(queryBesideBody.status, 400);
    assert.equal(queryBesideBody.body.error.parameter, 'apiKey');
  });

  it('refuses POST bodies that are not a JSON object of strings', async () => {
    const cases: [string, string, string][] = [
      ['application/json', '{"limit": 5}', 'limit'],
      ['application/json', '{"productId": ["a"]}', 'productId'],
      ['application/json', '[]', 'body'],
      ['application/json', 'null', 'body'],
      ['application/json', '{"limit": ', 'body'],
      ['text/plain', '{"limit": "5"}', 'body'],
      ['application/json', '{"__proto__": {"limit": "5"}}', '__proto__'],
    ];
    for (const [type, body, parameter] of cases) {
      const answer = await call(endpoint, { method: 'POST', headers: { 'content-type': type }, body });
      assert.equal(answer.status, 400, `${body}: ${answer.text}`);
      assert.equal(answer.body.error.parameter, parameter, body);
    }
  });

  it('caps the request body size with 413', async () => {
    const answer = await post(endpoint, { productId: '655277e68e0719000d6c3fd5', category: 'x'.repeat(4000) });
    assert.equal(answer.status, 413);
    assert.equal(answer.body.error.code, 'invalid-request');
    assert.equal(answer.body.error.parameter, 'body');
  });

  it('never answers odd input with a 5xx', async () => {
    const before = stub.received.length;
    // Already URL-encoded, including broken encodings (a lone %, a lone surrogate, invalid UTF-8).
    const oddities = ['%', '%00', '%ED%A0%80', '%FF%FE', encodeURIComponent('💥'.repeat(300)), '..%2F..%2Fetc%2Fpasswd', '%7B%22a%22%3A1%7D', '%20', '%0A', 'true', '0x10', '%D9%A3'];
    for (const name of Object.keys(BAD_VALUES)) {
      for (const value of oddities) {
        const answer = await call(`${endpoint}?${name}=${value}`);
        assert.equal(answer.status, 400, `${name}=${value} -> ${answer.status}`);
      }
    }
    assert.equal(stub.received.length, before);
  });
});
