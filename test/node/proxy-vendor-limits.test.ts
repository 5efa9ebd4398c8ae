/**
 * limits.vendor: what all clients together may make the proxy ask of one vendor, tried for
 * real on loopback against the proxy (startTestProxy, in this process) and a Snappy stub slow
 * to answer, so calls are truly in flight:
 *
 * 1. calls in flight at once (`maxInFlight`): past it 503 `overloaded` with Retry-After, no
 *    vendor call, no queue; cache hits and requests sharing an identical call in flight are
 *    answered meanwhile, neither counted nor waiting;
 * 2. calls in any 60 s (`callsPerMinute`): past it the same 503 until the oldest call is a
 *    minute old, cache hits still served;
 * 3. each provider has its own limits: a full Snappy leaves Yespo served;
 * 4. refusals are counted in one log line a minute, never one line each.
 *
 * Before limits.vendor nothing capped the sum: N addresses made N × 620 calls a minute, and
 * as many in flight as the per-client buckets allowed each of them (70 with the defaults).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { call, post, query, startTestProxy, type Answer } from './harness.js';
import { SNAPPY_KEY } from './stubs/snappy.js';
import { startYespoStub, YESPO_KEY } from './stubs/yespo.js';
import { startCountingSnappyStub, type CountingStub } from './stubs/counting-snappy.js';
import type { Stub } from './stubs/stub-server.js';
import { createVendorLimit } from '../../src/proxy/rate-limit.js';

const BOUNDED = { timeout: 20_000 };
const product = (n: number) => `product${String(n).padStart(8, '0')}`;
/** Every test client is 127.0.0.1: the per-client limit raised, as startTestProxy does when a test sets no limits. */
const limits = (vendor: object) => ({ perClient: { ratePerSecond: 10_000, burst: 10_000 }, vendor });
const snappy = (endpoint: string) => ({ provider: 'snappy', endpoint, apiKeyEnv: 'SNAPPY_API_KEY', location: 'US', events: false });

/** Until the stub has received `count` requests in all: the calls are in flight, whatever the machine's load. */
async function untilReceived(stub: CountingStub, count: number): Promise<void> {
  while (stub.requests < count) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** The 503 a refused vendor call is answered with. */
function assertOverloaded(answer: Answer, limit: 'maxInFlight' | 'callsPerMinute', retryAfter?: string): void {
  assert.equal(answer.status, 503, answer.text);
  assert.equal(answer.body.error.code, 'overloaded');
  assert.match(answer.body.error.message, new RegExp(`^snappy: not called, .*limits\\.vendor\\.${limit}`));
  assert.equal(answer.headers.get('cache-control'), 'no-store');
  const seconds = Number(answer.headers.get('retry-after'));
  assert.ok(seconds >= 1 && seconds <= 5, `Retry-After ${answer.headers.get('retry-after')}`);
  if (retryAfter !== undefined) assert.equal(answer.headers.get('retry-after'), retryAfter);
}

describe('limits.vendor.maxInFlight: calls to one vendor in flight at once, whoever asks', () => {
  let vendor: CountingStub;
  before(async () => {
    vendor = await startCountingSnappyStub();
    vendor.delayMs = 1000;
  });
  after(() => vendor.close());

  it('calls the vendor maxInFlight times at once and answers the rest 503 overloaded at once, without a call', BOUNDED, async () => {
    const proxy = await startTestProxy({ limits: limits({ maxInFlight: 4 }), placements: { related: snappy(vendor.url) } }, { SNAPPY_API_KEY: SNAPPY_KEY });
    try {
      const before = vendor.requests;
      // Ten distinct misses and two identified POSTs at once, as many clients would send them.
      const started = performance.now();
      const timed = (promise: Promise<Answer>) => promise.then((answer) => ({ answer, ms: performance.now() - started }));
      const answers = await Promise.all([
        ...Array.from({ length: 10 }, (_, i) => timed(call(query(`${proxy.url}/recs/related`, { productId: product(i) })))),
        ...Array.from({ length: 2 }, (_, i) => timed(post(`${proxy.url}/recs/related`, { productId: product(0), customerId: `customer-${i}` }))),
      ]);
      const served = answers.filter(({ answer }) => answer.status === 200);
      const refused = answers.filter(({ answer }) => answer.status !== 200);
      assert.equal(served.length, 4, answers.map(({ answer }) => answer.status).join(' '));
      assert.equal(vendor.requests - before, 4, 'the vendor was called for the answered requests only');
      const firstServed = Math.min(...served.map(({ ms }) => ms));
      for (const { answer, ms } of refused) {
        assertOverloaded(answer, 'maxInFlight', '1');
        // Not queued behind the calls in flight (1 s each).
        assert.ok(ms < firstServed, `refused after ${Math.round(ms)} ms, the first call answered after ${Math.round(firstServed)} ms`);
      }
      // The slots come back as the calls end.
      const again = await call(query(`${proxy.url}/recs/related`, { productId: product(20) }));
      assert.equal(again.status, 200, again.text);
    } finally {
      await proxy.close();
    }
  });

  it('answers cache hits and identical requests in flight meanwhile: they take no slot and never wait for one', BOUNDED, async () => {
    const proxy = await startTestProxy({ limits: limits({ maxInFlight: 1 }), placements: { related: snappy(vendor.url) } }, { SNAPPY_API_KEY: SNAPPY_KEY });
    try {
      const url = (n: number) => query(`${proxy.url}/recs/related`, { productId: product(n) });
      assert.equal((await call(url(1))).status, 200, 'product 1 cached');
      const before = vendor.requests;
      // Product 2's call takes the only slot for 1 s; five more identical requests join it.
      let leaderAnswered = false;
      const leader = call(url(2)).finally(() => (leaderAnswered = true));
      await untilReceived(vendor, before + 1);
      const followers = Array.from({ length: 5 }, () => call(url(2)));
      const hits = await Promise.all(Array.from({ length: 5 }, () => call(url(1))));
      const other = await call(url(3));
      assert.equal(leaderAnswered, false, 'the hits and the refusal came while the call was in flight');
      for (const hit of hits) {
        assert.equal(hit.status, 200, hit.text);
        assert.equal(hit.headers.get('x-recs-cache'), 'hit');
      }
      assertOverloaded(other, 'maxInFlight');
      for (const answer of await Promise.all([leader, ...followers])) assert.equal(answer.status, 200, answer.text);
      assert.equal(vendor.requests - before, 1, 'one vendor call for product 2, shared; none for the hits or the refusal');
    } finally {
      await proxy.close();
    }
  });

  it('logs refusals as one counted line a minute, not a line each', BOUNDED, async () => {
    let clock = 1_000_000;
    // A call's slot is taken back after its deadline and a second (61 s here), which the minute below must not reach.
    const placements = { related: { ...snappy(vendor.url), timeoutMs: 60_000 } };
    const proxy = await startTestProxy({ limits: limits({ maxInFlight: 1 }), placements }, { SNAPPY_API_KEY: SNAPPY_KEY }, { now: () => clock });
    try {
      const url = (n: number) => query(`${proxy.url}/recs/related`, { productId: product(n) });
      const before = vendor.requests;
      const leader = call(url(100));
      await untilReceived(vendor, before + 1);
      const refused = await Promise.all(Array.from({ length: 30 }, (_, i) => call(url(101 + i))));
      for (const answer of refused) assertOverloaded(answer, 'maxInFlight');
      const lines = () => proxy.logs.filter((line) => /503|overloaded|limits\.vendor/.test(line));
      assert.deepEqual(lines(), ['recs-proxy: 1 call to snappy refused over limits.vendor.maxInFlight (1) and answered 503 (since the last such line; at most one a minute)']);
      clock += 60_500;
      assertOverloaded(await call(url(200)), 'maxInFlight');
      assert.equal(lines().length, 2);
      assert.match(lines()[1]!, /^recs-proxy: 30 calls to snappy refused over limits\.vendor\.maxInFlight \(1\)/, 'the second line counts the refusals since the first');
      assert.equal((await leader).status, 200);
    } finally {
      await proxy.close();
    }
  });
});

describe('limits.vendor.callsPerMinute: calls to one vendor in any 60 s, whoever asks', () => {
  let vendor: CountingStub;
  before(async () => {
    vendor = await startCountingSnappyStub();
  });
  after(() => vendor.close());

  it('calls the vendor callsPerMinute times a minute across clients; cache hits are served past it', BOUNDED, async () => {
    let clock = 5_000_000;
    const proxy = await startTestProxy(
      // Each request from its own client address (X-Forwarded-For, one proxy trusted): per-client limits do not stop them.
      { limits: { trustProxy: true, perClient: { ratePerSecond: 1, burst: 5 }, vendor: { callsPerMinute: 3 } }, placements: { related: snappy(vendor.url) } },
      { SNAPPY_API_KEY: SNAPPY_KEY },
      { now: () => clock },
    );
    try {
      const before = vendor.requests;
      const from = (n: number, productNumber = n) => call(query(`${proxy.url}/recs/related`, { productId: product(productNumber) }), { headers: { 'x-forwarded-for': `198.51.100.${n}` } });
      for (let n = 1; n <= 3; n += 1) {
        assert.equal((await from(n)).status, 200);
        clock += 10_000;
      }
      // 30 s after the first call: the budget is spent until that call is 60 s old (clamped to the widget's 5 s).
      for (let n = 4; n <= 8; n += 1) assertOverloaded(await from(n), 'callsPerMinute', '5');
      const hit = await from(9, 1);
      assert.equal(hit.status, 200, 'a cached answer is served past the budget');
      assert.equal(hit.headers.get('x-recs-cache'), 'hit');
      assert.equal(vendor.requests - before, 3);
      // 60 s after the first call one more may start, not two.
      clock += 30_000;
      assert.equal((await from(10)).status, 200);
      assertOverloaded(await from(11), 'callsPerMinute', '5');
      clock += 9_000;
      assertOverloaded(await from(12), 'callsPerMinute', '1');
      clock += 1_000;
      assert.equal((await from(13)).status, 200);
      assert.equal(vendor.requests - before, 5);
    } finally {
      await proxy.close();
    }
  });

  it('counts calls, not requests: a refused call (maxInFlight) spends no budget, and so on', () => {
    let clock = 0;
    const limit = createVendorLimit({ maxInFlight: 2, callsPerMinute: 3, maxHoldMs: 6000, now: () => clock });
    const first = limit.start();
    const second = limit.start();
    assert.ok(first.ok && second.ok);
    assert.deepEqual(limit.start(), { ok: false, reason: 'maxInFlight', retryAfterSeconds: 1 });
    first.release();
    first.release();
    assert.equal(limit.inFlight, 1, 'a second release gives nothing back');
    const third = limit.start();
    assert.ok(third.ok, 'the refusal above did not spend the third call of the minute');
    third.release();
    second.release();
    clock = 59_999;
    assert.deepEqual(limit.start(), { ok: false, reason: 'callsPerMinute', retryAfterSeconds: 1 });
    clock = 60_000;
    assert.ok(limit.start().ok);
  });

  it('grants nothing extra when the clock steps back, and refuses nothing for longer', () => {
    let clock = 100_000;
    const limit = createVendorLimit({ maxInFlight: 100, callsPerMinute: 2, maxHoldMs: 6000, now: () => clock });
    assert.ok(limit.start().ok);
    assert.ok(limit.start().ok);
    clock = 40_000; // NTP stepped back a minute
    const refused = limit.start();
    assert.ok(!refused.ok && refused.reason === 'callsPerMinute' && refused.retryAfterSeconds === 60);
    clock = 160_000;
    assert.ok(limit.start().ok, 'free again a minute after the first call, as without the step');
  });
});

describe('limits.vendor.maxInFlight: a slot never released', () => {
  it('is taken back once its call is past any deadline (a Worker request cancelled with its call)', () => {
    let clock = 0;
    const limit = createVendorLimit({ maxInFlight: 2, callsPerMinute: 0, maxHoldMs: 6000, now: () => clock });
    const lost = limit.start(); // never released: its request was cancelled
    clock = 1000;
    const live = limit.start();
    assert.ok(lost.ok && live.ok);
    clock = 5999;
    assert.equal(limit.start().ok, false, 'both still within their deadline');
    clock = 6000;
    const next = limit.start();
    assert.ok(next.ok, 'the lost slot is taken back');
    assert.equal(limit.start().ok, false, 'the live one is not');
    lost.release();
    assert.equal(limit.inFlight, 2, 'a late release of a slot taken back frees nothing twice');
    live.release();
    next.release();
    assert.equal(limit.inFlight, 0);
  });
});

describe('limits.vendor: each provider by itself', () => {
  let slow: CountingStub;
  let yespo: Stub;
  before(async () => {
    [slow, yespo] = await Promise.all([startCountingSnappyStub(), startYespoStub()]);
    slow.delayMs = 600;
  });
  after(() => Promise.all([slow.close(), yespo.close()]));

  it("a slow vendor's full slots leave another vendor served; a provider's own settings replace the shared ones; its placements share them", BOUNDED, async () => {
    const proxy = await startTestProxy(
      {
        limits: limits({ maxInFlight: 1, providers: { snappy: { maxInFlight: 2 } } }),
        placements: {
          related: snappy(slow.url),
          similar: snappy(slow.url),
          personal: { provider: 'yespo', endpoint: yespo.url, apiKeyEnv: 'YESPO_API_KEY', sourceId: '1244', events: false },
        },
      },
      { SNAPPY_API_KEY: SNAPPY_KEY, YESPO_API_KEY: YESPO_KEY },
    );
    try {
      const url = (n: number, placement = 'related') => query(`${proxy.url}/recs/${placement}`, { productId: product(n) });
      // Snappy's own two slots, one taken through each of its placements; the shared setting (1) would refuse the second.
      const inFlight = [call(url(1)), call(url(2, 'similar'))];
      await untilReceived(slow, 2);
      assertOverloaded(await call(url(3)), 'maxInFlight');
      assertOverloaded(await call(url(3, 'similar')), 'maxInFlight');
      const other = await post(`${proxy.url}/recs/personal`, { webId: 'web-abc', productId: '10045' });
      assert.equal(other.status, 200, other.text);
      for (const answer of await Promise.all(inFlight)) assert.equal(answer.status, 200, answer.text);
    } finally {
      await proxy.close();
    }
  });
});
