import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestProxy, call, post, query, type TestProxy } from './harness.js';
import { SNAPPY_KEY, startSnappyStub } from './stubs/snappy.js';
import type { Stub } from './stubs/stub-server.js';

const SHOP = 'https://shop.example';
const PRODUCT = { productId: '655277e68e0719000d6c3fd5' };

describe('proxy HTTP behaviour', () => {
  let stub: Stub;
  let proxy: TestProxy;
  let endpoint: string;
  before(async () => {
    stub = await startSnappyStub();
    proxy = await startTestProxy(
      {
        allowedOrigins: [SHOP],
        cache: { sMaxAge: 120, staleWhileRevalidate: 900 },
        placements: {
          related: { provider: 'snappy', endpoint: stub.url, apiKeyEnv: 'SNAPPY_API_KEY', location: 'US', timeoutMs: 300 },
        },
      },
      { SNAPPY_API_KEY: SNAPPY_KEY },
    );
    endpoint = `${proxy.url}/recs/related`;
  });
  after(async () => {
    await proxy.close();
    await stub.close();
  });

  describe('placements', () => {
    it('answers 404 not-found for unknown or unsafe placement names, without an upstream call', async () => {
      const before = stub.received.length;
      const names = ['nope', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '..%2Frecs.config.json', '%2e%2e', 'a'.repeat(65), 'related%00', 'rel%20ated'];
      for (const name of names) {
        const answer = await call(`${proxy.url}/recs/${name}?productId=655277e68e0719000d6c3fd5`);
        assert.equal(answer.status, 404, `${name}: ${answer.text}`);
        assert.equal(answer.body.error.code, 'not-found');
      }
      for (const path of ['/', '/recs', '/recs/related/extra', '/recs/../recs.config.json', '/recs.config.json']) {
        assert.equal((await call(`${proxy.url}${path}`)).status, 404, path);
      }
      assert.equal(stub.received.length, before);
    });

    it('answers other methods with 405 and an Allow header', async () => {
      const answer = await call(endpoint, { method: 'PUT' });
      assert.equal(answer.status, 405);
      assert.equal(answer.headers.get('allow'), 'GET, POST, OPTIONS');
    });
  });

  describe('CORS', () => {
    it('allows listed storefront origins, with Vary: Origin', async () => {
      const answer = await call(query(endpoint, { ...PRODUCT, limit: '1' }), { headers: { origin: SHOP } });
      assert.equal(answer.status, 200);
      assert.equal(answer.headers.get('access-control-allow-origin'), SHOP);
      assert.match(answer.headers.get('vary') ?? '', /Origin/);
      assert.match(answer.headers.get('access-control-expose-headers') ?? '', /retry-after/i);
    });

    it('answers the preflight for the POST the widget sends', async () => {
      const answer = await call(endpoint, {
        method: 'OPTIONS',
        headers: { origin: SHOP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
      assert.equal(answer.status, 204);
      assert.equal(answer.headers.get('access-control-allow-origin'), SHOP);
      assert.match(answer.headers.get('access-control-allow-methods') ?? '', /POST/);
      assert.match(answer.headers.get('access-control-allow-headers') ?? '', /content-type/);
    });

    it('refuses other origins with 403 before any upstream call; server-to-server calls (no Origin) pass', async () => {
      const before = stub.received.length;
      const answer = await call(query(endpoint, PRODUCT), { headers: { origin: 'https://evil.example' } });
      assert.equal(answer.status, 403);
      assert.equal(answer.headers.get('access-control-allow-origin'), null);
      assert.equal(stub.received.length, before);
      const preflight = await call(endpoint, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
      assert.equal(preflight.headers.get('access-control-allow-origin'), null);
      assert.equal((await call(query(endpoint, { ...PRODUCT, limit: '2' }))).status, 200);
    });
  });

  describe('caching', () => {
    it('lets CDNs cache anonymous answers and serves repeats from its own cache', async () => {
      const url = query(endpoint, { ...PRODUCT, limit: '3', locale: 'en-US' });
      const before = stub.received.length;
      const first = await call(url);
      const second = await call(url);
      assert.equal(first.headers.get('cache-control'), 'public, s-maxage=120, stale-while-revalidate=900');
      assert.equal(first.headers.get('x-recs-cache'), 'miss');
      assert.equal(second.headers.get('x-recs-cache'), 'hit');
      assert.deepEqual(second.body, first.body);
      assert.equal(stub.received.length, before + 1);
    });

    it('never caches answers for identified shoppers', async () => {
      const before = stub.received.length;
      const fields = { ...PRODUCT, customerId: 'cust-42' };
      const first = await post(endpoint, fields);
      const second = await post(endpoint, fields);
      assert.equal(first.headers.get('cache-control'), 'private, no-store');
      assert.equal(second.headers.get('cache-control'), 'private, no-store');
      assert.equal(first.headers.get('x-recs-cache'), null);
      assert.equal(stub.received.length, before + 2);
      // A page that wrongly puts an identifier in a GET URL is refused, and nothing is cached.
      const inUrl = await call(query(endpoint, { ...PRODUCT, email: 'ada@example.com' }));
      assert.equal(inUrl.status, 400);
      assert.equal(inUrl.body.error.parameter, 'email');
      assert.equal(inUrl.headers.get('cache-control'), 'no-store');
    });

    it('never caches failures', async () => {
      const url = query(endpoint, { ...PRODUCT, limit: '7' });
      stub.fault = 'unavailable';
      try {
        assert.equal((await call(url)).status, 502);
      } finally {
        stub.fault = 'none';
      }
      const retry = await call(url);
      assert.equal(retry.status, 200);
      assert.equal(retry.headers.get('x-recs-cache'), 'miss');
    });
  });

  describe('upstream failures', () => {
    const faults = [
      { fault: 'unavailable', status: 502, code: 'http' },
      { fault: 'rate-limited', status: 429, code: 'rate-limited' },
      { fault: 'not-json', status: 502, code: 'invalid-response' },
      { fault: 'wrong-shape', status: 502, code: 'invalid-response' },
      { fault: 'slow', status: 504, code: 'timeout' },
    ] as const;
    for (const { fault, status, code } of faults) {
      it(`maps ${fault} to ${status} ${code}, not cacheable`, async () => {
        stub.fault = fault;
        try {
          const started = performance.now();
          const answer = await post(endpoint, { ...PRODUCT, webId: `w-${fault}` });
          assert.equal(answer.status, status, answer.text);
          assert.equal(answer.body.error.code, code);
          assert.equal(typeof answer.body.error.message, 'string');
          assert.equal(answer.headers.get('cache-control'), 'no-store');
          if (fault === 'rate-limited') assert.equal(answer.headers.get('retry-after'), '5'); // the vendor's 7 s, clamped to the widget's 5 s ceiling
          if (fault === 'slow') assert.ok(performance.now() - started < 1500, 'the placement timeout (300 ms) ends the wait');
        } finally {
          stub.fault = 'none';
        }
      });
    }

    it('maps a vendor that is not listening to 502 network', async () => {
      const dead = await startSnappyStub();
      await dead.close();
      const other = await startTestProxy(
        { placements: { related: { provider: 'snappy', endpoint: dead.url, apiKeyEnv: 'SNAPPY_API_KEY', location: 'US' } } },
        { SNAPPY_API_KEY: SNAPPY_KEY },
      );
      try {
        const answer = await call(query(`${other.url}/recs/related`, PRODUCT));
        assert.equal(answer.status, 502);
        assert.equal(answer.body.error.code, 'network');
      } finally {
        await other.close();
      }
    });

    it('logs one scrubbed line per upstream failure, without query strings or bodies', () => {
      assert.ok(proxy.logs.length >= 5);
      for (const line of proxy.logs) {
        assert.match(line, /^recs-proxy: (GET|POST) \/recs\/related -> \d{3} [a-z-]+: /);
        assert.ok(!line.includes(SNAPPY_KEY));
        assert.ok(!line.includes('w-'), 'no request fields in logs');
        assert.ok(!line.includes('?'), 'no query strings in logs');
      }
    });
  });
});
