import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { signAwsRequest } from '../../src/proxy/aws-sigv4.js';
import { startTestProxy, post, type TestProxy } from './harness.js';
import { AWS_ACCESS_KEY_ID, AWS_PROFILE, AWS_SECRET_ACCESS_KEY, AWS_UNKNOWN_PROFILE, SIGV4, startAwsStub } from './stubs/aws.js';
import { startStub, type Stub } from './stubs/stub-server.js';

describe('aws: GetProfileRecommendations through the proxy, signed with SigV4', () => {
  let stub: Stub;
  let proxy: TestProxy;
  before(async () => {
    stub = await startAwsStub();
    proxy = await startTestProxy(
      {
        catalog: { source: 'test/fixtures/aws/catalog.json' },
        placements: {
          foryou: { provider: 'aws', region: 'us-east-1', endpoint: stub.url, domainName: 'shop-domain', recommenderName: 'recs-for-you', timeoutMs: 3000 },
          quick: { provider: 'aws', region: 'us-east-1', endpoint: stub.url, domainName: 'shop-domain', recommenderName: 'recs-for-you', timeoutMs: 200 },
        },
      },
      { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY },
    );
  });
  after(async () => {
    await proxy.close();
    await stub.close();
  });

  it('signs with SigV4 and POSTs the documented path with {Context, MaxResults, RecommenderName}', async () => {
    const answer = await post(`${proxy.url}/recs/foryou`, { customerId: AWS_PROFILE, productId: 'item-9', country: 'DE', locale: 'de-DE', limit: '25' });
    assert.equal(answer.status, 200, answer.text);
    const sent = stub.received.at(-1)!;
    assert.equal(sent.method, 'POST');
    assert.equal(sent.path, `/domains/shop-domain/profiles/${AWS_PROFILE}/recommendations`);
    assert.match(String(sent.headers.authorization), SIGV4);
    assert.ok(sent.headers['x-amz-date']);
    // MaxResults stays within the service's 1..10 whatever the widget asks for.
    assert.deepEqual(JSON.parse(sent.body), {
      Context: { productId: 'item-9', country: 'DE', locale: 'de-DE' },
      MaxResults: 10,
      RecommenderName: 'recs-for-you',
    });
  });

  it('maps CatalogItem fields, keeps Score, and completes bare items from the catalog', async () => {
    const answer = await post(`${proxy.url}/recs/foryou`, { customerId: AWS_PROFILE, limit: '3' });
    assert.equal(answer.status, 200, answer.text);
    assert.equal(JSON.parse(stub.received.at(-1)!.body).MaxResults, 3);
    assert.deepEqual(answer.body.items, [
      {
        id: 'item-1001',
        title: 'Alpine Trekking Poles',
        url: 'https://shop.example/p/item-1001',
        image: 'https://cdn.example/aws/item-1001.jpg',
        price: { amount: 79.9 },
        category: ['Outdoor'],
        description: 'Carbon poles with cork grips.',
        score: 0.91,
        attributes: { color: 'graphite' },
      },
      // A javascript: Link never becomes a card link.
      { id: 'item-1002', title: 'Down Sleeping Bag', price: { amount: 249 }, category: ['Camping'], score: 0.77 },
      {
        id: 'item-1003',
        title: 'Titanium Spork',
        url: 'https://shop.example/p/item-1003',
        image: 'https://cdn.example/aws/item-1003.jpg',
        price: { amount: 12.5, currency: 'USD' },
        score: 0.64,
      },
    ]);
  });

  it('asks for at least one result and requires a profile id, refusing without an AWS call', async () => {
    await post(`${proxy.url}/recs/foryou`, { customerId: AWS_PROFILE, limit: '0' });
    assert.equal(JSON.parse(stub.received.at(-1)!.body).MaxResults, 1);
    const before = stub.received.length;
    const answer = await post(`${proxy.url}/recs/foryou`, { email: 'ada@example.com' });
    assert.equal(answer.status, 400);
    assert.match(answer.body.error.message, /customerId/);
    assert.equal(stub.received.length, before);
  });

  it('refuses a customerId that is not a ProfileId (32 hex digits) without an AWS call: ".." would move the signed call to another operation', async () => {
    const before = stub.received.length;
    for (const customerId of ['..', '.', 'profile-123', AWS_PROFILE.toUpperCase(), `${AWS_PROFILE}0`]) {
      const answer = await post(`${proxy.url}/recs/foryou`, { customerId });
      assert.equal(answer.status, 400, `${customerId}: ${answer.text}`);
      assert.equal(answer.body.error.code, 'invalid-request');
      assert.match(answer.body.error.message, /ProfileId/);
    }
    assert.equal(stub.received.length, before);
  });

  it('sends a long productId or category list as the leading entries that fit a Context value (AWS refuses over 255 characters)', async () => {
    // A cart page: 50 ids of 12 characters, 649 characters joined.
    const ids = Array.from({ length: 50 }, (_, i) => `sku-${String(i).padStart(8, '0')}`);
    const categories = Array.from({ length: 20 }, (_, i) => `${'c'.repeat(100)}${i}`);
    const answer = await post(`${proxy.url}/recs/foryou`, { customerId: AWS_PROFILE, productId: ids.join(','), category: categories.join(',') });
    assert.equal(answer.status, 200, answer.text);
    const { Context } = JSON.parse(stub.received.at(-1)!.body) as { Context: Record<string, string> };
    assert.equal(Context.productId, ids.slice(0, 19).join(',')); // 19 × 12 + 18 commas = 246; a 20th would make 259
    assert.equal(Context.category, categories.slice(0, 2).join(','));
  });

  it('maps ResourceNotFoundException to 502 not-found and throttling to 429 with Retry-After', async () => {
    const missing = await post(`${proxy.url}/recs/foryou`, { customerId: AWS_UNKNOWN_PROFILE });
    assert.equal(missing.status, 502);
    assert.equal(missing.body.error.code, 'not-found');
    stub.fault = 'rate-limited';
    try {
      const throttled = await post(`${proxy.url}/recs/foryou`, { customerId: AWS_PROFILE });
      assert.equal(throttled.status, 429);
      assert.equal(throttled.body.error.code, 'rate-limited');
      assert.equal(throttled.headers.get('retry-after'), '5'); // the vendor's 7 s, clamped to the widget's 5 s ceiling
    } finally {
      stub.fault = 'none';
    }
  });

  it('aborts the SDK call at the placement timeout with 504 timeout', async () => {
    stub.fault = 'slow';
    try {
      const started = performance.now();
      const answer = await post(`${proxy.url}/recs/quick`, { customerId: AWS_PROFILE });
      assert.equal(answer.status, 504, answer.text);
      assert.equal(answer.body.error.code, 'timeout');
      assert.ok(performance.now() - started < 1500);
    } finally {
      stub.fault = 'none';
    }
  });

  it('never shows the AWS credentials in answers or logs', async () => {
    stub.fault = 'unavailable';
    try {
      const answer = await post(`${proxy.url}/recs/foryou`, { customerId: AWS_PROFILE });
      assert.equal(answer.status, 502);
      assert.equal(answer.body.error.code, 'http');
      for (const text of [answer.text, ...proxy.logs]) {
        assert.ok(!text.includes(AWS_SECRET_ACCESS_KEY));
        assert.ok(!text.includes(AWS_ACCESS_KEY_ID));
      }
    } finally {
      stub.fault = 'none';
    }
  });
});

describe('aws: our SigV4 signature is the AWS SDK signer\'s', () => {
  /** The SDK signer's hash, on node:crypto. */
  class Sha256 {
    #hash;
    constructor(secret?: Uint8Array | string) {
      this.#hash = secret ? createHmac('sha256', secret) : createHash('sha256');
    }
    update(data: Uint8Array | string) {
      this.#hash.update(data);
    }
    async digest() {
      return new Uint8Array(this.#hash.digest());
    }
    reset() {}
  }

  for (const [name, profile, token] of [
    ['a plain profile id', 'profile-123', undefined],
    ['a profile id with characters to escape and a session token', "p@x y+z!'()*", 'session/token+='],
  ] as const) {
    it(`signs ${name} exactly as @smithy/signature-v4 does`, async () => {
      const url = `https://profile.eu-west-1.amazonaws.com/domains/shop-domain/profiles/${encodeURIComponent(profile)}/recommendations`;
      const body = JSON.stringify({ RecommenderName: 'recs-for-you', MaxResults: 5 });
      const headers = { 'content-type': 'application/json', accept: 'application/json' };
      const credentials = { accessKeyId: AWS_ACCESS_KEY_ID, secretAccessKey: AWS_SECRET_ACCESS_KEY, sessionToken: token };
      const now = new Date('2026-11-30T10:20:30Z');
      const ours = await signAwsRequest({ method: 'POST', url, headers, body }, { service: 'profile', region: 'eu-west-1' }, credentials, now);
      const signer = new SignatureV4({ service: 'profile', region: 'eu-west-1', credentials, sha256: Sha256 as never });
      const { pathname, hostname } = new URL(url);
      const theirs = await signer.sign(
        { method: 'POST', protocol: 'https:', hostname, path: pathname, headers: { ...headers, host: hostname }, body, query: {} },
        { signingDate: now },
      );
      assert.equal(ours.authorization, theirs.headers.authorization);
      assert.equal(ours['x-amz-security-token'], token);
    });
  }
});

describe('aws: credentials from the AWS default chain', () => {
  let credentialEndpoint: Stub;
  let vendor: Stub;
  let proxy: TestProxy;
  const NAMES = ['AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'];
  const saved = Object.fromEntries(NAMES.map((name) => [name, process.env[name]]));
  before(async () => {
    credentialEndpoint = await startStub(() => ({
      status: 200,
      body: { AccessKeyId: AWS_ACCESS_KEY_ID, SecretAccessKey: AWS_SECRET_ACCESS_KEY, Token: 'session-token', Expiration: new Date(Date.now() + 3_600_000).toISOString() },
    }));
    vendor = await startAwsStub();
    // The container credential endpoint (an ECS or EKS task role), on loopback; no keys, no files.
    process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI = `${credentialEndpoint.url}/creds`;
    process.env.AWS_CONFIG_FILE = '/nonexistent/config';
    process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/credentials';
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) delete process.env[name];
    proxy = await startTestProxy(
      { catalog: { source: 'test/fixtures/aws/catalog.json' }, placements: { foryou: { provider: 'aws', region: 'us-east-1', endpoint: vendor.url, domainName: 'shop-domain', recommenderName: 'recs-for-you', timeoutMs: 3000 } } },
      {},
    );
  });
  after(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await proxy.close();
    await credentialEndpoint.close();
    await vendor.close();
  });

  it('fetches the credentials once for many requests (they last an hour), not once per request', async () => {
    for (let i = 0; i < 5; i += 1) {
      const answer = await post(`${proxy.url}/recs/foryou`, { customerId: `${AWS_PROFILE.slice(0, -1)}${i}` });
      assert.equal(answer.status, 200, answer.text);
    }
    assert.equal(vendor.received.length, 5);
    assert.equal(vendor.received.at(-1)!.headers['x-amz-security-token'], 'session-token');
    assert.equal(credentialEndpoint.received.length, 1);
  });
});
