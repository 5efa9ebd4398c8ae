import { expect } from '@open-wc/testing';
import { snappyAdapter } from '../../src/transports/snappy.js';
import { yespoAdapter } from '../../src/transports/yespo.js';
import { proxyAdapter } from '../../src/transports/proxy.js';
import type { VendorAdapter } from '../../src/transports/adapter.js';
import { runAdapter } from '../../src/data/load-recs.js';
import { MAX_ENTRIES, cleanResult } from '../../src/model/clean-item.js';
import { RecsFailure } from '../../src/model/errors.js';
import type { RecsRequest } from '../../src/model/types.js';
import { uid, received, never } from './helpers.js';

/** An adapter through the browser runner, its answer cleaned as every answer is. */
const browserRunner = (adapter: VendorAdapter) => ({
  fetch: async (request: RecsRequest, _options: { signal: AbortSignal }) => cleanResult(await runAdapter(adapter, request, never), adapter.vendor),
});
const snappyTransport = browserRunner(snappyAdapter as VendorAdapter);
const yespoTransport = browserRunner(yespoAdapter as VendorAdapter);
const proxyTransport = browserRunner(proxyAdapter);
const buildSnappyRequest = (request: RecsRequest) => snappyAdapter.buildRequest(request, request);
const buildYespoRequest = (request: RecsRequest) => yespoAdapter.buildRequest(request, request);

const SNAPPY_PRODUCT = '655277e68e0719000d6c3fd5';

async function failure(promise: Promise<unknown>): Promise<RecsFailure> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(RecsFailure);
    return error as RecsFailure;
  }
  throw new Error('expected a failure');
}

describe('snappy transport', () => {
  const request = (id: string, extra: Partial<RecsRequest> = {}): RecsRequest => ({
    transport: 'snappy', endpoint: `/stub/snappy/${id}`, apiKey: 'snappy-key', productIds: [SNAPPY_PRODUCT], location: 'us', limit: 10, ...extra,
  });

  it('sends the documented GET with X-Api-Key, location, page[limit], the price pair, collectionId and include', async () => {
    const id = uid('snappy');
    await snappyTransport.fetch(request(id, { limit: 50, priceMin: 10, priceMax: 50, collectionId: '6527bb3567f414000c15d2c7', include: ['brand', 'tags', 'bogus'] }), { signal: never });
    const [sent] = await received(id);
    const url = new URL(sent!.url, location.href);
    expect(sent!.method).to.equal('GET');
    expect(url.pathname).to.equal(`/stub/snappy/${id}/v3/products/${SNAPPY_PRODUCT}/recommendations`);
    expect(sent!.headers['x-api-key']).to.equal('snappy-key');
    expect(sent!.headers.cookie).to.equal(undefined);
    expect(url.searchParams.get('location')).to.equal('US');
    expect(url.searchParams.get('page[limit]')).to.equal('20');
    expect(url.searchParams.get('filter[price][gte]')).to.equal('10');
    expect(url.searchParams.get('filter[price][lte]')).to.equal('50');
    expect(url.searchParams.get('collectionId')).to.equal('6527bb3567f414000c15d2c7');
    expect(url.searchParams.get('include')).to.equal('brand,tags');
    // OpenAPI `style: form, explode: false`: the comma between entries is a literal delimiter, not %2C.
    expect(url.search).to.contain('&include=brand,tags');
  });

  it('maps ProductV3: image from the first image media item, brand name with include=brand, category path', async () => {
    const { items } = await snappyTransport.fetch(request(uid('snappy'), { include: ['brand'] }), { signal: never });
    expect(items.map((item) => item.id)).to.deep.equal(['655277e68e0719000d6c3fd6', '6527bb3567f414000c15d2c8', '6601aa0e2c9d44000b7f1e01']);
    expect(items[0]).to.deep.include({
      title: 'NFL 25-Layer StadiumView Wall Art',
      image: 'https://media.snappy.com/image/o1xc17wfbda6cl91hm0r6_picture-1.jpg?w=1000&h=1000&q=80&f=auto',
      brand: 'YouTheFan',
      category: ['Fan Merchandise', 'NFL', 'NFL Memorabilia', 'Wall Art'],
    });
    expect(items[0]!.url).to.equal(undefined); // Snappy has no URL: the element's product-url template supplies it
    expect(items[1]!.brand).to.equal(undefined);
    expect(items[2]!.image).to.equal(undefined);
  });

  it('shows no brand unless include names it: Snappy returns ProductBrandV3 "only when include=brand"', async () => {
    const { items } = await snappyTransport.fetch(request(uid('snappy')), { signal: never });
    expect(items.map((item) => item.brand)).to.deep.equal([undefined, undefined, undefined]);
  });

  it('sends only the documented parameters: no `fields`, so priceRange ("only when fields includes priceRange") does not come back', async () => {
    const id = uid('snappy');
    const { items } = await snappyTransport.fetch(request(id, { include: ['brand'] }), { signal: never });
    const url = new URL((await received(id))[0]!.url, location.href);
    expect([...url.searchParams.keys()].sort()).to.deep.equal(['include', 'location', 'page[limit]']);
    expect(items.map((item) => item.price)).to.deep.equal([undefined, undefined, undefined]);
  });

  it('takes the price from priceRange.min when an answer carries one', async () => {
    const body = await (await fetch('/test/fixtures/snappy/related-products.json')).json();
    const { items } = cleanResult(snappyAdapter.parseResponse(body, new Headers()), 'snappy');
    expect(items.map((item) => item.price)).to.deep.equal([{ amount: 244.99, currency: 'USD' }, { amount: 32, currency: 'USD' }, undefined]);
  });

  it('sends page[limit] as an integer 0..20 whatever the limit (a fallback may say 2.5)', () => {
    const limitOf = (limit: number) => new URL(buildSnappyRequest(request('x', { limit })).url, location.href).searchParams.get('page[limit]');
    expect([2.5, 0.4, -3, 99].map(limitOf)).to.deep.equal(['2', '0', '0', '20']);
  });

  it('refuses a negative price bound or price-min above price-max (the document: minimum 0)', async () => {
    for (const [priceMin, priceMax] of [[-5, 50], [10, -1], [60, 50]]) {
      const id = uid();
      const error = await failure(snappyTransport.fetch(request(id, { priceMin, priceMax }), { signal: never }));
      expect(error.code, `${priceMin}..${priceMax}`).to.equal('invalid-request');
      expect(await received(id)).to.deep.equal([]);
    }
    const url = new URL(buildSnappyRequest(request('x', { priceMin: 0, priceMax: 0 })).url, location.href);
    expect(url.searchParams.get('filter[price][gte]')).to.equal('0');
  });

  it('sends no price filter unless both bounds are set, and says so', async () => {
    const error = await failure(snappyTransport.fetch(request(uid(), { priceMin: 10 }), { signal: never }));
    expect(error.code).to.equal('invalid-request');
    expect(error.message).to.contain('price-min and price-max');
    const url = new URL(buildSnappyRequest(request('x')).url, location.href);
    expect(url.searchParams.has('filter[price][gte]')).to.equal(false);
  });

  it('requires a valid product id and location before any request', async () => {
    expect((await failure(snappyTransport.fetch(request(uid(), { productIds: ['short'] }), { signal: never }))).code).to.equal('invalid-request');
    expect((await failure(snappyTransport.fetch(request(uid(), { location: undefined }), { signal: never }))).code).to.equal('invalid-request');
  });

  it('turns 404_PROD_001 into not-found and 422_PBLC_003 into invalid-request', async () => {
    const missing = await failure(snappyTransport.fetch(request(uid(), { productIds: ['missing00000'] }), { signal: never }));
    expect(missing.code).to.equal('not-found');
    expect(missing.status).to.equal(404);
    expect(missing.message).to.contain('404_PROD_001');
    const collection = await failure(snappyTransport.fetch(request(uid(), { collectionId: 'nosuchcollection' }), { signal: never }));
    expect(collection.code).to.equal('invalid-request');
    expect(collection.status).to.equal(422);
    expect(collection.message).to.contain('422_PBLC_003');
  });

  it('rejects malformed JSON and a body that breaks the documented envelope as invalid-response', async () => {
    expect((await failure(snappyTransport.fetch(request(uid(), { productIds: ['malformed000'] }), { signal: never }))).code).to.equal('invalid-response');
    expect((await failure(snappyTransport.fetch(request(uid(), { productIds: ['badschema000'] }), { signal: never }))).code).to.equal('invalid-response');
  });

  it('drops single products without id or title and keeps the rest', async () => {
    const { items } = await snappyTransport.fetch(request(uid(), { productIds: ['unusable0000'] }), { signal: never });
    expect(items.map((item) => item.title)).to.deep.equal(['NFL 25-Layer StadiumView Wall Art']);
  });
});

describe('yespo transport', () => {
  const request = (id: string, extra: Partial<RecsRequest> = {}): RecsRequest => ({
    transport: 'yespo', endpoint: `/stub/yespo/${id}`, sourceId: '1244', webId: 'web-42', limit: 10, ...extra,
  });

  it('sends GET /api/v2/contacts/recoms/{id} with exactly one identifier, products, category and Basic auth', async () => {
    const id = uid('yespo');
    await yespoTransport.fetch(request(id, { email: 'a@example.com', productIds: ['10045', '10046'], category: ['shoes'], apiKey: 'secret' }), { signal: never });
    const [sent] = await received(id);
    const url = new URL(sent!.url, location.href);
    expect(url.pathname).to.equal(`/stub/yespo/${id}/api/v2/contacts/recoms/1244`);
    expect([...url.searchParams.keys()].sort()).to.deep.equal(['category', 'products', 'webId']);
    expect(url.searchParams.get('webId')).to.equal('web-42');
    expect(url.searchParams.get('products')).to.equal('10045,10046');
    expect(sent!.headers.authorization).to.equal(`Basic ${btoa('recs-widget:secret')}`);
  });

  it('sends no Authorization header without an api-key', () => {
    expect(buildYespoRequest(request('x')).headers.authorization).to.equal(undefined);
  });

  it('never puts an e-mail or phone number in the URL: alone they are invalid-request, beside a web id they are left out', async () => {
    for (const extra of [{ email: 'ann@example.com' }, { phone: '+15550100' }]) {
      const id = uid();
      const error = await failure(yespoTransport.fetch(request(id, { webId: undefined, ...extra }), { signal: never }));
      expect(error.code).to.equal('invalid-request');
      expect(await received(id)).to.deep.equal([]);
    }
    const url = buildYespoRequest(request('x', { email: 'ann@example.com', phone: '+15550100' })).url;
    expect(url).not.to.match(/ann|example|5550100/);
  });

  it('requires a data source id and an identifier', async () => {
    expect((await failure(yespoTransport.fetch(request(uid(), { sourceId: undefined }), { signal: never }))).code).to.equal('invalid-request');
    expect((await failure(yespoTransport.fetch(request(uid(), { webId: undefined }), { signal: never }))).code).to.equal('invalid-request');
  });

  it('maps id, name, url, price, descr, brand, category, isInStock and tags_*', async () => {
    const { items } = await yespoTransport.fetch(request(uid('yespo')), { signal: never });
    expect(items).to.have.length(3);
    expect(items[0]).to.deep.equal({
      id: '10045', title: 'Merino Wool Hiking Socks', url: 'https://shop.example/p/10045', price: { amount: 19.9 },
      description: 'Cushioned merino socks for long days on the trail.', brand: 'Acme Outdoor', category: ['Clothing', 'Socks'],
      inStock: true, attributes: { gender: 'unisex', clear_size: '39-42, 43-46' },
    });
    expect(items[1]!.inStock).to.equal(false);
  });
});

describe('answers past what a page can use', () => {
  it('refuses a body over 2 MB as invalid-response, before parsing it', async () => {
    const error = await failure(proxyTransport.fetch({ transport: 'proxy', endpoint: `/stub/proxy/huge/${uid()}`, limit: 4 }, { signal: never }));
    expect(error.code).to.equal('invalid-response');
    expect(error.message).to.contain('2 MB');
  });

  it(`parses and cleans only the first ${MAX_ENTRIES} entries of a vendor list`, () => {
    const body = Array.from({ length: MAX_ENTRIES + 100 }, (_, n) => ({ id: n, name: `Product ${n}` }));
    const raw = yespoAdapter.parseResponse(body, new Headers());
    expect(raw.items).to.have.length(MAX_ENTRIES);
    expect(cleanResult({ items: body.map((entry) => ({ ...entry, title: entry.name })) }, 'proxy').items).to.have.length(MAX_ENTRIES);
  });
});

describe('redirects are refused, never followed', () => {
  // The stub redirects to itself on the other origin (localhost <-> 127.0.0.1) and logs what reaches it under the same uid.
  const otherOrigin = async (id: string) => (await received(id)).filter((sent) => sent.headers.host !== location.host && sent.method !== 'OPTIONS');

  for (const status of [302, 307]) {
    it(`snappy: a ${status} ends as http "redirect refused" and the X-Api-Key goes nowhere else`, async () => {
      const id = uid('redirect');
      const error = await failure(snappyTransport.fetch({
        transport: 'snappy', endpoint: `/stub/redirect/${id}/${status}/snappy/${id}`, apiKey: 'snappy-key', productIds: [SNAPPY_PRODUCT], location: 'US', limit: 4,
      }, { signal: never }));
      expect(error.code).to.equal('http');
      expect(error.message).to.contain('redirect refused');
      expect(await otherOrigin(id)).to.deep.equal([]);
    });
  }

  it('yespo: a 307 does not take the web id and Basic credentials to another origin', async () => {
    const id = uid('redirect');
    const error = await failure(yespoTransport.fetch({
      transport: 'yespo', endpoint: `/stub/redirect/${id}/307/yespo/${id}`, apiKey: 'secret', sourceId: '1244', webId: 'web-42', limit: 4,
    }, { signal: never }));
    expect(error.code).to.equal('http');
    expect(await otherOrigin(id)).to.deep.equal([]);
  });

  it("proxy: a 307 on the POST does not send the shopper's e-mail to another origin", async () => {
    const id = uid('redirect');
    const error = await failure(proxyTransport.fetch({ transport: 'proxy', endpoint: `/stub/redirect/${id}/307/proxy/ok/${id}`, email: 'shopper@example.com', limit: 4 }, { signal: never }));
    expect(error.code).to.equal('http');
    const sent = await received(id);
    expect(sent.map((request) => request.method)).to.deep.equal(['POST']);
    expect(await otherOrigin(id)).to.deep.equal([]);
  });
});

describe('proxy transport', () => {
  const request = (scenario: string, id: string, extra: Partial<RecsRequest> = {}): RecsRequest => ({
    transport: 'proxy', endpoint: `/stub/proxy/${scenario}/${id}`, productIds: ['sku-9'], limit: 4, locale: 'de-DE', ...extra,
  });

  it('sends anonymous requests as a cacheable GET with only the set parameters', async () => {
    const id = uid('proxy');
    const result = await proxyTransport.fetch(request('ok', id, { cart: [{ id: 'sku-7', quantity: 2 }] }), { signal: never });
    const [sent] = await received(id);
    expect(sent!.method).to.equal('GET');
    const url = new URL(sent!.url, location.href);
    expect(Object.fromEntries(url.searchParams)).to.deep.equal({ productId: 'sku-9', limit: '4', locale: 'de-DE', cart: 'sku-7:2' });
    expect(result.trackerId).to.equal('trk-123');
    expect(result.items[0]).to.deep.include({ id: 'sku-1', group: 'crossSells', score: 0.92, price: { amount: 89.5, currency: 'EUR' } });
  });

  it('sends a personal identifier only in a POST body, never in the URL', async () => {
    const id = uid('proxy');
    await proxyTransport.fetch(request('ok', id, { email: 'shopper@example.com', customerId: 'c-1' }), { signal: never });
    const [sent] = await received(id);
    expect(sent!.method).to.equal('POST');
    expect(sent!.url).not.to.contain('shopper');
    expect(sent!.headers['content-type']).to.equal('application/json');
    expect(JSON.parse(sent!.body!)).to.deep.equal({ productId: 'sku-9', limit: '4', customerId: 'c-1', email: 'shopper@example.com', locale: 'de-DE' });
  });

  it('treats a body without items as invalid-response and keeps the proxy error message', async () => {
    expect((await failure(proxyTransport.fetch(request('no-items', uid()), { signal: never }))).code).to.equal('invalid-response');
    const notFound = await failure(proxyTransport.fetch(request('404', uid()), { signal: never }));
    expect(notFound.code).to.equal('not-found');
    expect(notFound.message).to.contain('Unknown placement');
  });
});
