/**
 * Splits and interleaves through the real proxy on loopback, with an embedded event store:
 * what each answer carries, sticky assignment, one side of an interleave failing, caching,
 * and the request counts the report reads.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { call, query, startMeasuredProxy } from './harness.js';
import { SNAPPY_KEY, SNAPPY_LEAKY_PRODUCT, startSnappyStub } from './stubs/snappy.js';
import type { Stub } from './stubs/stub-server.js';

const SECRET = 'test-events-secret-0123456789-abcdef';

describe('experiments through the proxy', () => {
  let proxy: Awaited<ReturnType<typeof startMeasuredProxy>>;
  before(async () => {
    proxy = await startMeasuredProxy(
      {
        placements: {
          plain: { provider: 'demo' },
          unmeasured: { provider: 'demo', events: false },
          ab: {
            provider: 'split',
            variants: { popular: { provider: 'demo', ranking: 'popular', weight: 1 }, related: { provider: 'demo', ranking: 'related', weight: 1 } },
          },
          mix: { provider: 'interleave', variants: { related: { provider: 'demo', ranking: 'related' }, popular: { provider: 'demo', ranking: 'popular' } } },
        },
      },
      { RECS_EVENTS_SECRET: SECRET },
    );
  });
  after(async () => {
    await proxy.close();
  });

  it('sign every answer of a measured placement, never shared downstream', async () => {
    const answer = await call(query(`${proxy.url}/recs/plain`, { productId: 'sku-01', limit: '4' }));
    assert.equal(answer.status, 200, answer.text);
    assert.match(answer.body.requestId, /^v1\./);
    assert.equal(answer.body.variant, 'default');
    assert.equal(answer.headers.get('cache-control'), 'private, no-store');
    const again = await call(query(`${proxy.url}/recs/plain`, { productId: 'sku-01', limit: '4' }));
    assert.equal(again.headers.get('x-recs-cache'), 'hit', 'the vendor result is still cached by the proxy');
    assert.notEqual(again.body.requestId, answer.body.requestId);
    // The hit is answered before the route (app.ts answerLoadedHit): the same bytes but the id.
    assert.equal(again.text.replace(again.body.requestId, 'ID'), answer.text.replace(answer.body.requestId, 'ID'));
    assert.deepEqual([again.headers.get('cache-control'), again.headers.get('vary')], [answer.headers.get('cache-control'), answer.headers.get('vary')]);
  });

  it('leave unmeasured placements as before: no id, CDN-cacheable', async () => {
    const answer = await call(query(`${proxy.url}/recs/unmeasured`, { productId: 'sku-01' }));
    assert.equal(answer.body.requestId, undefined);
    assert.equal(answer.body.variant, undefined);
    assert.match(answer.headers.get('cache-control')!, /^public, s-maxage=/);
  });

  it('keep each shopper in one variant of a split, and spread shoppers over both', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 24; i++) {
      const shopper = `shopper-key-${i}-abcdef`;
      const first = await call(query(`${proxy.url}/recs/ab`, { productId: 'sku-01', shopper }));
      assert.equal(first.status, 200, first.text);
      const second = await call(query(`${proxy.url}/recs/ab`, { productId: 'sku-01', shopper }));
      assert.equal(second.body.variant, first.body.variant);
      seen.add(first.body.variant);
    }
    assert.deepEqual([...seen].sort(), ['popular', 'related']);
  });

  it('interleave both rankings, each item with its team, no repeats', async () => {
    const answer = await call(query(`${proxy.url}/recs/mix`, { productId: 'sku-01', limit: '8' }));
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.body.variant, 'interleave');
    const teams = answer.body.items.map((item: { team: string }) => item.team);
    assert.ok(teams.every((team: string) => team === 'related' || team === 'popular'), teams.join());
    assert.equal(new Set(answer.body.items.map((item: { id: string }) => item.id)).size, 8);
    const counts = teams.filter((team: string) => team === 'related').length;
    assert.ok(counts === 4, `team draft picks 4 and 4 of 8, got ${counts}`);
    assert.match(answer.body.requestId, /^v1\.[^.]+\.[^.]+\.[ab]{8}\./);
  });

  it('refuse a malformed shopper key rather than guess', async () => {
    const answer = await call(query(`${proxy.url}/recs/ab`, { shopper: '<script>' }));
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error.parameter, 'shopper');
  });

  it('count the answers served per placement and variant in the store', async () => {
    await proxy.stopServer();
    const rows = await proxy.store.sql.query<{ placement: string; variant: string; interleaved: boolean; count: number }>(
      'SELECT placement, variant, interleaved, count FROM recs_requests ORDER BY placement, variant',
    );
    const byKey = Object.fromEntries(rows.map((row) => [`${row.placement}/${row.variant}/${row.interleaved}`, Number(row.count)]));
    assert.equal(byKey['plain/default/false'], 2);
    assert.equal(byKey['ab/popular/false']! + byKey['ab/related/false']!, 48);
    assert.equal(byKey['mix/interleave/true'], 1);
    assert.equal(byKey['unmeasured/default/false'], 1);
  });
});

describe('an interleave with one side failing', () => {
  let proxy: Awaited<ReturnType<typeof startMeasuredProxy>>;
  let stub: Stub;
  before(async () => {
    stub = await startSnappyStub();
    proxy = await startMeasuredProxy(
      {
        placements: {
          mix: {
            provider: 'interleave',
            variants: { vendor: { provider: 'snappy', apiKeyEnv: 'SNAPPY_KEY', endpoint: stub.url }, house: { provider: 'demo' } },
          },
        },
      },
      { RECS_EVENTS_SECRET: SECRET, SNAPPY_KEY },
    );
  });
  after(async () => {
    await proxy.close();
    await stub.close();
  });

  it('serve the other list alone, not as a comparison, and say so in the log', async () => {
    const answer = await call(query(`${proxy.url}/recs/mix`, { productId: SNAPPY_LEAKY_PRODUCT, limit: '4', location: 'US' }));
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.body.variant, 'house');
    assert.ok(answer.body.items.every((item: { team?: string }) => item.team === undefined));
    // Signed as a plain answer of its own items (no teams): `-` and the count.
    assert.match(answer.body.requestId, new RegExp(`^v1\\.[^.]+\\.[^.]+\\.-${answer.body.items.length}\\.`));
    assert.ok(proxy.logs.some((line) => /interleave mix: vendor failed .*serving house alone/.test(line)), proxy.logs.join('\n'));
  });
});

describe('the report stores the counts it shows, for its reader only', () => {
  const REPORT_TOKEN = 'report-token-for-tests-0123456789abcdef';
  for (const [label, env] of [
    ['REPORT_TOKEN unset (the report is off: 404)', { RECS_EVENTS_SECRET: SECRET }],
    ['REPORT_TOKEN set, no credentials (401, then 429)', { RECS_EVENTS_SECRET: SECRET, REPORT_TOKEN }],
  ] as const) {
    it(`writes nothing to the event store for a refused caller: ${label}`, async () => {
      // A fixed clock: the request counter never flushes on its own (every 5 s).
      const now = Date.now();
      // trustProxy: the reader is another client (X-Forwarded-For) than the one refused, who is blocked by then.
      const limits = { perClient: { ratePerSecond: 10_000, burst: 10_000 }, trustProxy: 1 };
      const proxy = await startMeasuredProxy({ limits, placements: { pdp: { provider: 'demo' } } }, env, { now: () => now });
      const writes: number[] = [];
      const addRequests = proxy.store.addRequests.bind(proxy.store);
      proxy.store.addRequests = (rows) => (writes.push(rows.length), addRequests(rows));
      try {
        const url = query(`${proxy.url}/recs/pdp`, { productId: 'sku-01', limit: '4' });
        for (let i = 0; i < 10; i += 1) {
          assert.equal((await call(url)).status, 200);
          for (const path of ['/report', '/report.json', '/report/events.ndjson']) {
            const refused = await call(`${proxy.url}${path}`);
            assert.ok([401, 404, 429].includes(refused.status), `${path}: ${refused.status}`);
          }
        }
        assert.deepEqual(writes, [], 'a refused caller made the proxy store its counts');
        if ('REPORT_TOKEN' in env) {
          // The reader sees every answer counted so far: one write, then the report.
          const report = await call(`${proxy.url}/report.json`, { headers: { authorization: `Bearer ${REPORT_TOKEN}`, 'x-forwarded-for': '203.0.113.7' } });
          assert.equal(report.status, 200, report.text);
          assert.deepEqual(writes, [1]);
        }
      } finally {
        await proxy.close();
      }
    });
  }
});

describe("a split's unit of variance, end to end", () => {
  it("signs each shopper's bucket and the split's config fingerprint into the id, and keeps both on the shopper's events", async () => {
    const split = (salt: string) => ({
      provider: 'split',
      salt,
      variants: { popular: { provider: 'demo', ranking: 'popular', weight: 1 }, related: { provider: 'demo', ranking: 'related', weight: 1 } },
    });
    const proxy = await startMeasuredProxy({ placements: { ab: split('ab-2026-12') } }, { RECS_EVENTS_SECRET: SECRET });
    try {
      const answer = (shopper: string) => call(query(`${proxy.url}/recs/ab`, { productId: 'sku-01', limit: '4', shopper }));
      const unit = (requestId: string) => /^v1\.[^.]+\.[^.]+\.-\d+\.s(\d{1,3})-([0-9a-f]{8})\.[^.]+$/.exec(requestId)?.slice(1);
      const first = await answer('shopper-key-1-abcdef');
      const again = await answer('shopper-key-1-abcdef');
      assert.ok(unit(first.body.requestId), first.body.requestId);
      assert.deepEqual(unit(again.body.requestId), unit(first.body.requestId), 'a shopper stays in one bucket');
      const buckets = new Set<string>();
      for (let i = 0; i < 20; i++) buckets.add(unit((await answer(`shopper-key-${i}-abcdef`)).body.requestId)![0]!);
      assert.ok(buckets.size >= 15, `20 shoppers in ${buckets.size} buckets`);

      const events = [1, 2].map((rank) => ({ type: 'impression', placement: 'ab', requestId: first.body.requestId, variant: first.body.variant, itemId: first.body.items[rank - 1].id, rank, at: Date.now() }));
      const posted = await call(`${proxy.url}/events`, { method: 'POST', body: JSON.stringify({ batchId: 'b_unit-test-000000000001', events }) });
      assert.equal(posted.status, 202, posted.text);
      const rows = await proxy.store.sql.query<{ bucket: number; split: string }>('SELECT bucket, split FROM recs_events');
      assert.deepEqual(rows.map((row) => [String(row.bucket), row.split]), [unit(first.body.requestId), unit(first.body.requestId)]);
    } finally {
      await proxy.close();
    }
  });
});
