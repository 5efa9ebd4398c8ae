/**
 * Issue 13, per-client limits: the token buckets of src/proxy/rate-limit.ts on an injected
 * clock (deterministic, no waiting), and which address a client is counted by.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { clientKey, createRateLimiter } from '../../src/proxy/rate-limit.js';

function clock() {
  let time = 1_700_000_000_000;
  return { now: () => time, advance: (ms: number) => (time += ms) };
}

/** How many of `count` takes for `key` succeed, now. */
function granted(limiter: ReturnType<typeof createRateLimiter>, key: string, count: number): number {
  let ok = 0;
  for (let i = 0; i < count; i += 1) if (limiter.take(key).ok) ok += 1;
  return ok;
}

describe('rate limiter: token bucket per client', () => {
  it('grants a burst, then refuses with the seconds until the next token', () => {
    const time = clock();
    const limiter = createRateLimiter({ ratePerSecond: 2, burst: 5, maxClients: 100, now: time.now });
    assert.equal(granted(limiter, 'a', 5), 5);
    assert.deepEqual(limiter.take('a'), { ok: false, retryAfterSeconds: 1 });
    time.advance(499);
    assert.equal(limiter.take('a').ok, false, 'a token before 1 / ratePerSecond had passed');
    time.advance(1);
    assert.equal(granted(limiter, 'a', 2), 1);
  });

  it('takes several tokens at once, all or none; more than the burst takes the whole burst', () => {
    const { now, advance } = clock();
    const limiter = createRateLimiter({ ratePerSecond: 1, burst: 3, maxClients: 100, now });
    assert.deepEqual(limiter.take('a', 2), { ok: true });
    // One token left: a take of two is refused and leaves it, for a take of one.
    assert.deepEqual(limiter.take('a', 2), { ok: false, retryAfterSeconds: 1 });
    assert.deepEqual(limiter.take('a'), { ok: true });
    advance(3000);
    assert.deepEqual(limiter.take('a', 5), { ok: true });
    assert.equal(limiter.take('a').ok, false);
  });

  it('holds the sustained rate: 10 s at 2/s grants 20 calls beyond the burst, not one more', () => {
    const time = clock();
    const limiter = createRateLimiter({ ratePerSecond: 2, burst: 5, maxClients: 100, now: time.now });
    let ok = 0;
    // A client hammering 100 times a second for 10 s.
    for (let tick = 0; tick < 1000; tick += 1) {
      if (limiter.take('a').ok) ok += 1;
      time.advance(10);
    }
    assert.ok(ok >= 5 + 19 && ok <= 5 + 20, `${ok} calls granted`);
  });

  it('refills no further than the burst, however long the client was idle', () => {
    const time = clock();
    const limiter = createRateLimiter({ ratePerSecond: 10, burst: 3, maxClients: 100, now: time.now });
    granted(limiter, 'a', 3);
    time.advance(3_600_000);
    assert.equal(granted(limiter, 'a', 10), 3);
  });

  it('rounds Retry-After up to whole seconds, for slow rates too', () => {
    const time = clock();
    const limiter = createRateLimiter({ ratePerSecond: 0.2, burst: 1, maxClients: 100, now: time.now });
    assert.equal(limiter.take('a').ok, true);
    assert.deepEqual(limiter.take('a'), { ok: false, retryAfterSeconds: 5 });
    time.advance(2500);
    assert.deepEqual(limiter.take('a'), { ok: false, retryAfterSeconds: 3 });
  });

  it('limits each client on its own: one client over its limit leaves others served', () => {
    const time = clock();
    const limiter = createRateLimiter({ ratePerSecond: 1, burst: 2, maxClients: 100, now: time.now });
    assert.equal(granted(limiter, 'attacker', 50), 2);
    assert.equal(granted(limiter, 'shopper', 2), 2);
  });

  it('is not drained or refilled by a clock stepping back', () => {
    const time = clock();
    const limiter = createRateLimiter({ ratePerSecond: 1, burst: 2, maxClients: 100, now: time.now });
    granted(limiter, 'a', 2);
    time.advance(-60_000);
    assert.equal(limiter.take('a').ok, false);
    time.advance(60_000 + 1000);
    assert.equal(granted(limiter, 'a', 5), 1);
  });

  it('keeps at most maxClients buckets, dropping the least recently seen client first', () => {
    const time = clock();
    const limiter = createRateLimiter({ ratePerSecond: 1, burst: 2, maxClients: 100, now: time.now });
    granted(limiter, 'busy', 2);
    for (let i = 0; i < 10_000; i += 1) {
      limiter.take(`10.0.${i >> 8}.${i & 255}`);
      // The busy client keeps coming back, so it is never the least recently seen.
      if (i % 50 === 0) limiter.take('busy');
      assert.ok(limiter.size <= 100);
    }
    assert.equal(limiter.size, 100);
    assert.equal(limiter.take('busy').ok, false, 'the busy client got a fresh bucket');
    // The first addresses were dropped: they come back with a full bucket.
    assert.equal(granted(limiter, '10.0.0.0', 2), 2);
  });
});

describe('rate limiter: clientKey', () => {
  it('trustProxy false: the socket address, whatever X-Forwarded-For says', () => {
    assert.equal(clientKey('203.0.113.9', '198.51.100.7', false), '198.51.100.7');
    assert.equal(clientKey(undefined, '198.51.100.7', 0), '198.51.100.7');
  });

  it('trustProxy true (one proxy): the right-most X-Forwarded-For address, never a spoofed one further left', () => {
    // The client sent `X-Forwarded-For: 1.2.3.4`; the load balancer appended the address it saw.
    assert.equal(clientKey('1.2.3.4, 203.0.113.9', '10.0.0.2', true), '203.0.113.9');
    assert.equal(clientKey('203.0.113.9', '10.0.0.2', 1), '203.0.113.9');
    // Every spoofed value lands in the same bucket as the real address.
    const keys = new Set(['9.9.9.9', '8.8.8.8, 7.7.7.7', 'junk'].map((spoof) => clientKey(`${spoof}, 203.0.113.9`, '10.0.0.2', true)));
    assert.deepEqual([...keys], ['203.0.113.9']);
  });

  it('trustProxy 2 (CDN then load balancer): the second address from the right', () => {
    assert.equal(clientKey('1.2.3.4, 203.0.113.9, 192.0.2.50', '10.0.0.2', 2), '203.0.113.9');
    // Several X-Forwarded-For header lines arrive joined with ", ".
    assert.equal(clientKey('1.2.3.4,203.0.113.9 ,192.0.2.50', '10.0.0.2', 2), '203.0.113.9');
    // Fewer addresses than proxies: the request skipped one; the left-most there is counts.
    assert.equal(clientKey('203.0.113.9', '10.0.0.2', 2), '203.0.113.9');
  });

  it('falls back to the socket address when the header is missing or the chosen entry is not an address', () => {
    assert.equal(clientKey(undefined, '10.0.0.2', true), '10.0.0.2');
    assert.equal(clientKey('', '10.0.0.2', true), '10.0.0.2');
    assert.equal(clientKey('203.0.113.9, unknown', '10.0.0.2', true), '10.0.0.2');
    assert.equal(clientKey('203.0.113.9, 999.1.1.1', '10.0.0.2', true), '10.0.0.2');
    assert.equal(clientKey(undefined, undefined, false), 'unknown');
  });

  it('counts an IPv6 client by its /64 and an IPv4-mapped address as IPv4', () => {
    const a = clientKey(undefined, '2001:db8:1:2:aaaa::1', false);
    assert.equal(a, '2001:db8:1:2::/64');
    assert.equal(clientKey(undefined, '2001:DB8:1:2:ffff:ffff:ffff:ffff', false), a);
    assert.equal(clientKey('[2001:db8:1:2::99]:443', '10.0.0.2', true), a);
    assert.notEqual(clientKey(undefined, '2001:db8:1:3::1', false), a);
    assert.equal(clientKey(undefined, '::ffff:203.0.113.9', false), '203.0.113.9');
    assert.equal(clientKey('203.0.113.9:5678', '::1', true), '203.0.113.9');
    assert.equal(clientKey(undefined, '::1', false), '0:0:0:0::/64');
    assert.equal(clientKey('2001:db8::1::2', '10.0.0.2', true), '10.0.0.2');
  });
});
