/**
 * Fixtures, stubs and adapters held to the vendors' own documents (../shared/vendor-docs/).
 * A fixture or stub that answers more than the documented request gets (a price Snappy
 * never sends for it, say) lets a test pass that would fail against the real vendor.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, type Stub } from './stubs/stub-server.js';
import { SNAPPY_KEY, SNAPPY_MISSING_COLLECTION, startSnappyStub } from './stubs/snappy.js';
import { startCountingSnappyStub, type CountingStub } from './stubs/counting-snappy.js';
import { YESPO_KEY, startYespoStub } from './stubs/yespo.js';
import { ADOBE_API_KEY, ADOBE_TOKEN, startAdobeStub } from './stubs/adobe.js';
import { AWS_PROFILE, startAwsStub } from './stubs/aws.js';
import { CAPILLARY_PASSWORD, CAPILLARY_USER, startCapillaryStub } from './stubs/capillary.js';
import { snappyAdapter } from '../../src/transports/snappy.js';
import { yespoAdapter } from '../../src/transports/yespo.js';
import { cleanResult } from '../../src/model/clean-item.js';
import { RecsFailure } from '../../src/model/errors.js';
import type { RecsRequest } from '../../src/model/types.js';

type Json = Record<string, any>;
const isString = (value: unknown) => typeof value === 'string';
const keysWithin = (value: Json, allowed: string[], what: string) =>
  assert.deepEqual(Object.keys(value).filter((key) => !allowed.includes(key)), [], `${what}: keys the document does not name`);

// ---- Snappy (snappy-v3-openapi.yaml) ---------------------------------------------

/** ProductV3's properties; `brand`, `tags` come "only when include=…", `priceRange` "only when fields includes priceRange". */
const PRODUCT_V3 = ['id', 'title', 'createdAt', 'media', 'category', 'catalog', 'type', 'brand', 'tags', 'options', 'priceRange', 'variantsCount'];
const ASKED_FOR = ['brand', 'tags', 'priceRange'];

function assertProductV3(product: Json) {
  keysWithin(product, PRODUCT_V3, `product ${product.id}`);
  // required: id, title, createdAt, media, category, catalog, type
  assert.ok(isString(product.id) && /^[A-Za-z0-9]{8,}$/.test(product.id));
  assert.ok(isString(product.title));
  assert.ok(!Number.isNaN(Date.parse(product.createdAt)));
  assert.ok(Array.isArray(product.media));
  for (const media of product.media) assert.ok(['image', 'video'].includes(media.type) && isString(media.src), JSON.stringify(media));
  assert.ok(isString(product.category?.fullName));
  assert.ok(['marketplace', 'swag'].includes(product.catalog));
  assert.ok(['physical', 'digital', 'giftCard', 'donation'].includes(product.type));
  // ProductBrandV3: nullable; id, name and description (nullable) required.
  if (product.brand !== undefined && product.brand !== null) {
    assert.ok(isString(product.brand.id) && isString(product.brand.name) && (product.brand.description === null || isString(product.brand.description)));
  }
  for (const tag of product.tags ?? []) assert.ok(isString(tag.id) && isString(tag.name));
  if (product.priceRange !== undefined) {
    for (const end of ['min', 'max']) assert.ok(typeof product.priceRange[end].amount === 'number' && isString(product.priceRange[end].currency));
  }
}

describe('snappy: fixtures as ProductRecommendationsResponseV3 and ErrorResponseV3', () => {
  it('related-products.json: every product a ProductV3; with include=brand every one carries brand, null when it has none', () => {
    const { data } = fixture('snappy/related-products.json') as { data: Json[] };
    assert.ok(data.length <= 20, 'at most page[limit] (0-20) products');
    for (const product of data) {
      assertProductV3(product);
      assert.ok('brand' in product, `${product.id}: the answer to include=brand names a brand or null`);
    }
  });

  it('the error fixtures: message and errorCode required, errors[] with message and path', () => {
    for (const [file, code] of [['snappy/product-not-found.json', '404_PROD_001'], ['snappy/collection-not-found.json', '422_PBLC_003']]) {
      const error = fixture(file!) as Json;
      keysWithin(error, ['message', 'errorCode', 'errors'], file!);
      assert.ok(isString(error.message));
      assert.equal(error.errorCode, code);
      for (const detail of error.errors ?? []) assert.ok(isString(detail.message) && isString(detail.path));
    }
  });

  it('the adapter takes the price from priceRange.min when an answer carries one anyway', () => {
    const { items } = cleanResult(snappyAdapter.parseResponse(fixture('snappy/related-products.json'), new Headers()), 'snappy');
    assert.deepEqual(items.map((item) => item.price), [{ amount: 244.99, currency: 'USD' }, { amount: 32, currency: 'USD' }, undefined]);
  });
});

for (const [name, start] of [
  ['startSnappyStub', startSnappyStub],
  ['startCountingSnappyStub', startCountingSnappyStub],
] as const) {
  describe(`snappy: ${name} answers what the documented request gets`, () => {
    let stub: Stub | CountingStub;
    before(async () => {
      stub = await start();
    });
    after(() => stub.close());

    const get = async (params: Record<string, string>, productId = '655277e68e0719000d6c3fd5') => {
      const response = await fetch(`${stub.url}/v3/products/${productId}/recommendations?${new URLSearchParams({ location: 'US', ...params })}`, {
        headers: { 'x-api-key': SNAPPY_KEY },
      });
      return { status: response.status, body: (await response.json()) as Json };
    };
    const asked = (data: Json[]) => [...new Set(data.flatMap((product) => Object.keys(product).filter((key) => ASKED_FOR.includes(key))))].sort();

    it('without include or fields: no brand, tags or priceRange', async () => {
      const { status, body } = await get({});
      assert.equal(status, 200);
      for (const product of body.data) assertProductV3(product);
      assert.deepEqual(asked(body.data), []);
    });

    it('brand and tags only as include names them, never priceRange', async () => {
      assert.deepEqual(asked((await get({ include: 'brand' })).body.data), ['brand']);
      const both = (await get({ include: 'brand,tags' })).body.data as Json[];
      assert.deepEqual(asked(both), ['brand', 'tags']);
      assert.ok(both.every((product) => 'brand' in product));
    });

    it('at most page[limit] products (default 10)', async () => {
      assert.equal((await get({ 'page[limit]': '1' })).body.data.length, 1);
      assert.equal((await get({ 'page[limit]': '0' })).body.data.length, 0);
    });

    it('400 400_PBLC_001 for parameters that break their schemas', async () => {
      for (const [params, productId] of [
        [{ 'page[limit]': '21' }],
        [{ 'page[limit]': '2.5' }],
        [{ location: 'us' }],
        [{ 'filter[price][gte]': '10' }],
        [{ 'filter[price][gte]': '-1', 'filter[price][lte]': '5' }],
        [{ include: 'price' }],
        [{}, 'short'],
      ] as [Record<string, string>, string?][]) {
        const { status, body } = await get(params, productId);
        assert.equal(status, 400, JSON.stringify(params));
        assert.equal(body.errorCode, '400_PBLC_001');
      }
    });

    it('422 422_PBLC_003 for a collection that does not exist', async () => {
      const { status, body } = await get({ collectionId: SNAPPY_MISSING_COLLECTION });
      assert.equal(status, 422);
      assert.equal(body.errorCode, '422_PBLC_003');
    });
  });
}

// ---- Yespo (yespo-contact-recoms.md) -------------------------------------------------

describe('yespo: the document\'s request and response', () => {
  const request = (extra: Partial<RecsRequest>): RecsRequest => ({ transport: 'yespo', sourceId: '1244', limit: 10, ...extra });

  it('contact-recoms.json: the mandatory fields with their types; every other field starts with tags_', () => {
    for (const product of fixture('yespo/contact-recoms.json') as Json[]) {
      assert.ok(isString(product.id) && isString(product.name) && isString(product.descr) && isString(product.brand));
      assert.ok(URL.canParse(product.url));
      assert.equal(typeof product.price, 'number');
      assert.ok(Array.isArray(product.category) && product.category.every(isString));
      assert.ok(Number.isInteger(product.isInStock));
      keysWithin(
        Object.fromEntries(Object.entries(product).filter(([key]) => !key.startsWith('tags_'))),
        ['id', 'name', 'url', 'price', 'descr', 'brand', 'category', 'isInStock'],
        product.id,
      );
    }
  });

  it('builds the document\'s example, /api/v2/contacts/recoms/1244?contactId=162688150', () => {
    const built = yespoAdapter.buildRequest(request({ contactId: '162688150' }), { endpoint: 'https://yespo.io' });
    assert.equal(built.url, 'https://yespo.io/api/v2/contacts/recoms/1244?contactId=162688150');
  });

  it('refuses a contactId that is not a Long before any call (in the browser nothing else checks it)', () => {
    for (const contactId of ['abc', '12 34', '-5', '1'.repeat(20)]) {
      assert.throws(
        () => yespoAdapter.buildRequest(request({ contactId }), {}),
        (error: unknown) => error instanceof RecsFailure && error.code === 'invalid-request' && /contact-id/.test(error.message),
        contactId,
      );
    }
  });

  it('the stub answers 400 to a contactId that is not a Long, and takes any one identifier', async () => {
    const stub = await startYespoStub();
    try {
      const get = (query: string) =>
        fetch(`${stub.url}/api/v2/contacts/recoms/1244?${query}`, { headers: { authorization: `Basic ${btoa(`recs-widget:${YESPO_KEY}`)}` } }).then((response) => response.status);
      assert.equal(await get('contactId=abc'), 400);
      assert.equal(await get('contactId=162688150'), 200);
      assert.equal(await get('webId=w-1&externalCustomerId=e-1'), 200);
      assert.equal(await get('products=10045'), 400);
    } finally {
      await stub.close();
    }
  });
});

// ---- Adobe (adobe-partner-api-recommendations.txt) -----------------------------------

describe('adobe: Fetch Recommendations as documented', () => {
  it('the fixtures: productRecommendations with upsells, crossSells and addOns of {rank, product.baseOfferId, source}', () => {
    for (const file of ['adobe/fetch-recommendations.json', 'adobe/fetch-recommendations-all-groups.json']) {
      const body = fixture(file) as Json;
      keysWithin(body, ['productRecommendations'], file);
      keysWithin(body.productRecommendations, ['upsells', 'crossSells', 'addOns'], file);
      for (const entry of Object.values(body.productRecommendations).flat() as Json[]) {
        keysWithin(entry, ['rank', 'product', 'source'], file);
        assert.ok(Number.isInteger(entry.rank));
        assert.ok(isString(entry.product.baseOfferId));
        assert.equal(entry.source.sourceType, 'OFFER'); // "Currently only OFFER is supported."
        assert.ok(entry.source.offerIds.every(isString));
      }
    }
  });

  it('the stub refuses an offer quantity that is not an Integer', async () => {
    const stub = await startAdobeStub();
    try {
      const post = (offers: unknown) =>
        fetch(`${stub.url}/v3/recommendations`, {
          method: 'POST',
          headers: { authorization: `Bearer ${ADOBE_TOKEN}`, 'x-api-key': ADOBE_API_KEY, 'x-request-id': 'r', 'x-correlation-id': 'c', accept: 'application/json', 'content-type': 'application/json' },
          body: JSON.stringify({ customerId: '1005513019', offers }),
        }).then((response) => response.status);
      assert.equal(await post([{ offerId: '30005897CA01A12', quantity: 10 }, { offerId: '30006566CA14A12' }]), 200);
      assert.equal(await post([{ offerId: '30005897CA01A12', quantity: 2.5 }]), 400);
      assert.equal(await post([{ offerId: '30005897CA01A12', quantity: '10' }]), 400);
    } finally {
      await stub.close();
    }
  });
});

// ---- AWS (aws-customer-profiles-get-profile-recommendations.rst) ----------------------

describe('aws: GetProfileRecommendations as documented', () => {
  it('the fixture: Recommendations of {CatalogItem, Score}, with the documented CatalogItem fields and types', () => {
    const body = fixture('aws/get-profile-recommendations.json') as Json;
    keysWithin(body, ['Recommendations'], 'response');
    const text = ['Id', 'Name', 'Code', 'Type', 'Category', 'Description', 'AdditionalInformation', 'ImageLink', 'Link', 'Price'];
    for (const { CatalogItem: item, Score, ...rest } of body.Recommendations as Json[]) {
      assert.deepEqual(rest, {});
      keysWithin(item, [...text, 'CreatedAt', 'UpdatedAt', 'Attributes'], item.Id);
      for (const key of text) assert.ok(item[key] === undefined || isString(item[key]), `${item.Id}.${key}`);
      // datetime: epoch seconds on the REST-JSON wire.
      for (const key of ['CreatedAt', 'UpdatedAt']) assert.ok(item[key] === undefined || typeof item[key] === 'number');
      assert.ok(item.Attributes === undefined || Object.values(item.Attributes).every(isString));
      assert.ok(typeof Score === 'number' && Score >= 0 && Score <= 1, 'Score between 0 and 1');
    }
  });

  it('the stub refuses MaxResults outside an integer 1..10 and a missing RecommenderName', async () => {
    const stub = await startAwsStub();
    try {
      const post = (body: unknown) =>
        fetch(`${stub.url}/domains/shop-domain/profiles/${AWS_PROFILE}/recommendations`, {
          method: 'POST',
          headers: {
            authorization: `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261202/us-east-1/profile/aws4_request, SignedHeaders=host, Signature=${'0'.repeat(64)}`,
            'x-amz-date': '20261202T080000Z',
            'content-type': 'application/json',
          },
          body: JSON.stringify(body),
        }).then((response) => response.status);
      assert.equal(await post({ RecommenderName: 'recs-for-you', MaxResults: 10 }), 200);
      assert.equal(await post({ RecommenderName: 'recs-for-you' }), 200);
      assert.equal(await post({ RecommenderName: 'recs-for-you', MaxResults: 11 }), 400);
      assert.equal(await post({ RecommenderName: 'recs-for-you', MaxResults: 2.5 }), 400);
      assert.equal(await post({ MaxResults: 5 }), 400);
    } finally {
      await stub.close();
    }
  });
});

// ---- Capillary (capillary-v1.1-customer-recommendations.md) ---------------------------

describe('capillary: v1.1 customer recommendations as documented', () => {
  it('the fixtures name only the documented fields (in the assumed v1.1 envelope, see src/transports/capillary.ts)', () => {
    for (const file of ['capillary/customer-recommendations.json', 'capillary/customer-not-found.json']) {
      const { response } = fixture(file) as Json;
      keysWithin(response.status, ['success', 'code', 'message'], file);
      const customers = [response.customers.customer].flat() as Json[];
      for (const customer of customers) {
        keysWithin(customer, ['mobile', 'email', 'external_id', 'firstname', 'lastname', 'count', 'recommendation', 'item_status'], file);
        if (customer.item_status) keysWithin(customer.item_status, ['success', 'code', 'message'], file);
      }
    }
  });

  it('the stub takes any one of the customer identifiers ("Any one of the customer identifiers is required")', async () => {
    const stub = await startCapillaryStub();
    try {
      const get = (query: string) =>
        fetch(`${stub.url}/v1.1/customer/recommendations?format=json&${query}`, {
          headers: { authorization: `Basic ${btoa(`${CAPILLARY_USER}:${CAPILLARY_PASSWORD}`)}` },
        }).then((response) => response.status);
      assert.equal(await get('email=ada@example.com'), 200);
      assert.equal(await get('email=ada@example.com&mobile=919876543210'), 200);
      assert.equal(await get('limit=5'), 400);
    } finally {
      await stub.close();
    }
  });
});
