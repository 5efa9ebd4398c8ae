/**
 * Another round of attacks on the events and the report, through the real proxy, signer and
 * (embedded) store: what a dishonest shopper, script or competitor could still do to skew a report.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { call, query, startMeasuredProxy } from './harness.js';
import type { StoredEvent } from '../../src/proxy/events/store.js';
import { splitFingerprint } from '../../src/proxy/experiments/assign.js';

const SECRET = 'attack-round-secret-0123456789-abcdef';
const REPORT_TOKEN = 'attack-round-report-token-0123456789';
const HOUR = 3600_000;

const batch = () => `b_${crypto.randomUUID().replace(/-/g, '')}`;
type Proxy = Awaited<ReturnType<typeof startMeasuredProxy>>;
const send = (proxy: Proxy, events: object[], headers: Record<string, string> = {}) =>
  call(`${proxy.url}/events`, { method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8', ...headers }, body: JSON.stringify({ batchId: batch(), events }) });
const reportOf = async (proxy: Proxy, search: string) => {
  const answer = await call(`${proxy.url}/report.json?${search}`, { headers: { authorization: `Bearer ${REPORT_TOKEN}` } });
  assert.equal(answer.status, 200, answer.text);
  return answer.body.placements[0];
};

/** A 50/50 split of two demo rankings, its clients told apart by X-Forwarded-For, on the given clock. */
const startSplitProxy = (now: () => number) =>
  startMeasuredProxy(
    {
      limits: { perClient: { ratePerSecond: 100_000, burst: 100_000 }, trustProxy: true },
      placements: { best: { provider: 'split', variants: { a: { provider: 'demo', weight: 50 }, b: { provider: 'demo', ranking: 'popular', weight: 50 } } } },
    },
    { RECS_EVENTS_SECRET: SECRET, REPORT_TOKEN },
    { now },
  );

/** That proxy for one describe block, on a fixed clock: started before its tests, emptied before each, closed after. */
function splitSuite(): { proxy: Proxy; clock: number } {
  const suite = { clock: Date.now() } as { proxy: Proxy; clock: number };
  before(async () => {
    suite.proxy = await startSplitProxy(() => suite.clock);
  });
  after(() => suite.proxy.close());
  beforeEach(() => suite.proxy.store.sql.query('TRUNCATE recs_events, recs_batches, recs_requests'));
  return suite;
}

describe('one client holding an IPv6 /48 (65,536 /64s; a tunnel broker gives one away)', () => {
  const suite = splitSuite();

  /** An A/A split of 2,500 page views of 4 cards per variant, CTR 5%, answers served as the weights say (as events-abuse.test.ts seeds it). */
  async function seedAASplit(): Promise<void> {
    const split = await splitFingerprint([{ name: 'a', weight: 50 }, { name: 'b', weight: 50 }], 'best');
    const seeded: StoredEvent[] = [];
    for (const variant of ['a', 'b']) {
      for (let i = 0; i < 10_000; i++) {
        const base = { batchId: 'b_seed', placement: 'best', variant, requestId: `v1.seed-${variant}-${Math.floor(i / 4)}`, itemId: `sku-${i % 4}`, rank: (i % 4) + 1, split, occurredAt: new Date(suite.clock - HOUR) };
        seeded.push({ ...base, eventKey: `impression:${base.requestId}:${base.rank}`, type: 'impression' });
        if (i % 20 === 0) seeded.push({ ...base, eventKey: `click:${base.requestId}:${base.rank}`, type: 'click' });
      }
    }
    for (let i = 0; i < seeded.length; i += 2000) await suite.proxy.store.insertBatch(batch(), seeded.slice(i, i + 2000));
    const day = new Date(suite.clock).toISOString().slice(0, 10);
    await suite.proxy.store.addRequests(['a', 'b'].map((variant) => ({ day, placement: 'best', variant, interleaved: false, count: 2500, split })));
  }

  /** 100 page views of variant b under shopper keys of their own, every card seen and clicked; page view i from address `ip(i)`. */
  async function floodB(ip: (i: number) => string): Promise<void> {
    let views = 0;
    for (let n = 0; views < 100; n++) {
      const headers = { 'x-forwarded-for': ip(views) };
      const answer = (await call(query(`${suite.proxy.url}/recs/best`, { productId: 'sku-01', limit: '4', shopper: `v6-shopper-${n}` }), { headers })).body;
      if (answer.variant !== 'b') continue;
      views++;
      const events = answer.items.flatMap((item: { id: string }, i: number) => ['impression', 'click'].map((type) => ({ type, placement: 'best', requestId: answer.requestId, variant: 'b', itemId: item.id, rank: i + 1, at: suite.clock })));
      assert.deepEqual((await send(suite.proxy, events, headers)).body, { accepted: 8, duplicates: 0 });
    }
  }

  it('100 page views from 100 /64s of one /48 count as one client: they do not decide an A/A split', async () => {
    await seedAASplit();
    await floodB((i) => `2001:db8:7:${(i + 1).toString(16)}::1`);
    const report = await reportOf(suite.proxy, 'placement=best');
    assert.deepEqual(report.variants.map((v: { clicks: number }) => v.clicks), [500, 900], 'every event was stored: nothing is refused');
    assert.equal(report.verdict.status, 'not-yet', `one /48 decided the split: ${report.verdict.text}`);
  });

  it('the same page views from 100 different /48s still count as 100 clients (and decide it)', async () => {
    await seedAASplit();
    await floodB((i) => `2001:db8:${(i + 1).toString(16)}:1::1`);
    const report = await reportOf(suite.proxy, 'placement=best');
    assert.equal(report.verdict.status, 'winner', report.verdict.text);
  });
});

describe("a split's sample-ratio check, against one client", () => {
  // Answers served are counted per variant with nothing of who asked: cached answers cost nothing, and a
  // shopper key picks the variant. Answers alone (or page views from one address) must not hold back a verdict.
  const suite = splitSuite();

  /** `views` page views of 4 cards per variant (CTR 5%) from as many shoppers and addresses, and as many answers served. */
  async function seedSplit(views: { a: number; b: number }): Promise<void> {
    const split = await splitFingerprint([{ name: 'a', weight: 50 }, { name: 'b', weight: 50 }], 'best');
    const seeded: StoredEvent[] = [];
    for (const variant of ['a', 'b'] as const) {
      for (let i = 0; i < views[variant] * 4; i++) {
        const view = Math.floor(i / 4);
        const base = { batchId: 'b_seed', placement: 'best', variant, requestId: `v1.seed-${variant}-${view}`, itemId: `sku-${i % 4}`, rank: (i % 4) + 1, split, client: view % 1000, occurredAt: new Date(suite.clock - HOUR) };
        seeded.push({ ...base, eventKey: `impression:${base.requestId}:${base.rank}`, type: 'impression' });
        if (i % 20 === 0) seeded.push({ ...base, eventKey: `click:${base.requestId}:${base.rank}`, type: 'click' });
      }
    }
    for (let i = 0; i < seeded.length; i += 2000) await suite.proxy.store.insertBatch(batch(), seeded.slice(i, i + 2000));
    const day = new Date(suite.clock).toISOString().slice(0, 10);
    await suite.proxy.store.addRequests((['a', 'b'] as const).map((variant) => ({ day, placement: 'best', variant, interleaved: false, count: views[variant], split })));
  }

  /** 400 answers of variant b to one address (one shopper key, so one cached answer after another); `seen`: it also sends an impression for each. */
  async function pinB(seen: boolean): Promise<void> {
    const headers = { 'x-forwarded-for': '203.0.113.99' };
    let shopper = '';
    for (let n = 0; !shopper; n++) {
      const answer = (await call(query(`${suite.proxy.url}/recs/best`, { productId: 'sku-01', limit: '4', shopper: `pin-${n}` }), { headers })).body;
      if (answer.variant === 'b') shopper = `pin-${n}`;
    }
    const impressions: object[] = [];
    for (let i = 0; i < 400; i++) {
      const answer = (await call(query(`${suite.proxy.url}/recs/best`, { productId: 'sku-01', limit: '4', shopper }), { headers })).body;
      assert.equal(answer.variant, 'b');
      impressions.push({ type: 'impression', placement: 'best', requestId: answer.requestId, variant: 'b', itemId: answer.items[0].id, rank: 1, at: suite.clock });
    }
    if (seen) for (let i = 0; i < impressions.length; i += 100) assert.equal((await send(suite.proxy, impressions.slice(i, i + 100), headers)).status, 202);
  }

  it('400 answers one address asked for, never shown, do not hold back the verdict', async () => {
    await seedSplit({ a: 2500, b: 2500 });
    await pinB(false);
    const report = await reportOf(suite.proxy, 'placement=best');
    assert.ok(report.sampleRatio.observed.b >= 2900 && report.sampleRatio.mismatch === false, JSON.stringify(report.sampleRatio.observed));
    assert.equal(report.verdict.status, 'not-yet', report.verdict.text);
    assert.match(report.verdict.text, /do not follow the weights, but the page views shoppers saw do/, 'the report says what it set aside');
  });

  it('nor do they when the address also sends an impression for each', async () => {
    await seedSplit({ a: 2500, b: 2500 });
    await pinB(true);
    const report = await reportOf(suite.proxy, 'placement=best');
    assert.equal(report.variants.find((v: { variant: string }) => v.variant === 'b').impressions, 10_400, 'every impression was stored');
    assert.equal(report.verdict.status, 'not-yet', report.verdict.text);
  });

  it('while a variant that loses a fifth of its page views, across all shoppers, is still a mismatch', async () => {
    await seedSplit({ a: 2500, b: 2000 });
    const report = await reportOf(suite.proxy, 'placement=best');
    assert.equal(report.sampleRatio.mismatch, true);
    assert.equal(report.verdict.status, 'sample-ratio-mismatch', report.verdict.text);
  });
});
