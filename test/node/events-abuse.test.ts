/**
 * Forged events through the real proxy: request ids come from real answers and are checked
 * by the real signer, events land in a real (embedded) store, and the report counts what
 * was stored. A script on a page must not be able to poison a report.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { call, query, startMeasuredProxy, type TestProxy } from './harness.js';
import type { EventStore, StoredEvent } from '../../src/proxy/events/store.js';
import { splitFingerprint } from '../../src/proxy/experiments/assign.js';

const SECRET = 'abuse-test-secret-0123456789-abcdef';
const REPORT_TOKEN = 'abuse-test-report-token-0123456789';
const DAY = 86_400_000;

let clock = Date.now();
const batch = () => `b_${crypto.randomUUID().replace(/-/g, '')}`;
const send = (proxy: TestProxy, events: object[], batchId = batch(), headers: Record<string, string> = {}) =>
  call(`${proxy.url}/events`, { method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8', ...headers }, body: JSON.stringify({ batchId, events }) });

async function countEvents(store: EventStore): Promise<Record<string, number>> {
  const rows = await store.sql.query<{ key: string; n: number }>(`SELECT placement || '/' || variant || '/' || type AS key, count(*)::int AS n FROM recs_events GROUP BY 1`);
  return Object.fromEntries(rows.map((row) => [row.key, row.n]));
}

describe('POST /events against forged, replayed, stale and cross-placement events', () => {
  let proxy: Awaited<ReturnType<typeof startMeasuredProxy>>;
  before(async () => {
    proxy = await startMeasuredProxy(
      {
        placements: {
          pdp: { provider: 'demo' },
          home: { provider: 'demo' },
          mix: { provider: 'interleave', variants: { related: { provider: 'demo' }, popular: { provider: 'demo', ranking: 'popular' } } },
        },
      },
      { RECS_EVENTS_SECRET: SECRET },
      { now: () => clock },
    );
  });
  after(async () => {
    await proxy.close();
  });

  const answerOf = async (placement: string) => (await call(query(`${proxy.url}/recs/${placement}`, { productId: 'sku-01', limit: '4' }))).body;
  const click = (answer: { requestId: string; variant: string; items: { id: string; team?: string }[] }, placement: string, rank = 1) => ({
    type: 'click',
    placement,
    requestId: answer.requestId,
    variant: answer.variant,
    itemId: answer.items[rank - 1]!.id,
    rank,
    ...(answer.items[rank - 1]!.team ? { team: answer.items[rank - 1]!.team } : {}),
    at: clock,
  });

  it('count a real click once, however often it is sent', async () => {
    const answer = await answerOf('pdp');
    const event = click(answer, 'pdp');
    const id = batch();
    assert.deepEqual((await send(proxy, [event], id)).body, { accepted: 1, duplicates: 0 });
    assert.deepEqual((await send(proxy, [event], id)).body, { accepted: 0, duplicates: 1 }, 'the same batch again');
    assert.deepEqual((await send(proxy, [event, event])).body, { accepted: 0, duplicates: 2 }, 'the same event in a new batch');
    assert.equal((await countEvents(proxy.store))['pdp/default/click'], 1);
  });

  it('refuse an id the proxy never signed, or one moved to another placement or variant', async () => {
    const answer = await answerOf('pdp');
    const forged = { ...click(answer, 'pdp'), requestId: answer.requestId.replace(/.$/, (last: string) => (last === 'A' ? 'B' : 'A')) };
    const moved = click(answer, 'home');
    for (const event of [forged, moved]) {
      const refused = await send(proxy, [click(answer, 'pdp', 2), event]);
      assert.ok(refused.status === 400 || refused.status === 403, refused.text);
      assert.match(refused.body.error.parameter, /^events\[1\]\./);
    }
    // A variant the placement does not have (one removed since the page loaded) is skipped, not stored.
    const otherVariant = { ...click(answer, 'pdp'), variant: 'popular' };
    assert.deepEqual((await send(proxy, [otherVariant])).body, { accepted: 0, duplicates: 0, rejected: 1 });
    assert.equal((await countEvents(proxy.store))['pdp/default/click'], 1, 'nothing of the refused batches was stored');
  });

  it('refuse crediting the other team of an interleave', async () => {
    const answer = await answerOf('mix');
    const real = click(answer, 'mix', 1);
    const flipped = { ...real, team: real.team === 'related' ? 'popular' : 'related' };
    const refused = await send(proxy, [flipped]);
    assert.ok(refused.status === 400 || refused.status === 403, refused.text);
    assert.equal((await send(proxy, [real])).status, 202);
    assert.equal((await countEvents(proxy.store))['mix/interleave/click'], 1);
  });

  it('refuse ids older than their maximum age', async () => {
    const answer = await answerOf('home');
    clock += 8 * DAY;
    try {
      const refused = await send(proxy, [click(answer, 'home')]);
      assert.ok(refused.status === 400 || refused.status === 403, refused.text);
      assert.equal(refused.body.error.parameter, 'events[0].requestId');
    } finally {
      clock -= 8 * DAY;
    }
    assert.equal((await countEvents(proxy.store))['home/default/click'], undefined);
  });

  it('answer the report only what was stored', async () => {
    const report = await call(`${proxy.url}/report.json`, { headers: { authorization: 'Bearer no-token-set' } });
    assert.equal(report.status, 404, 'REPORT_TOKEN is unset here: the report is off');
  });
});

describe('POST /events under the per-client limit', () => {
  let proxy: Awaited<ReturnType<typeof startMeasuredProxy>>;
  before(async () => {
    proxy = await startMeasuredProxy(
      { limits: { perClient: { ratePerSecond: 0.01, burst: 3 }, trustProxy: true }, placements: { pdp: { provider: 'demo' } } },
      { RECS_EVENTS_SECRET: SECRET },
    );
  });
  after(async () => {
    await proxy.close();
  });

  it('refuse a flooding client with 429 while another is served', async () => {
    const flooder = { 'x-forwarded-for': '203.0.113.7' };
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await send(proxy, [], batch(), flooder)).status);
    assert.deepEqual(statuses.slice(3), [429, 429, 429], statuses.join());
    const refused = await send(proxy, [], batch(), flooder);
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    assert.notEqual((await send(proxy, [], batch(), { 'x-forwarded-for': '198.51.100.2' })).status, 429);
  });
});

describe('POST /events: one page view weighs no more than what it showed', () => {
  let proxy: Awaited<ReturnType<typeof startMeasuredProxy>>;
  before(async () => {
    proxy = await startMeasuredProxy(
      {
        placements: {
          pdp: { provider: 'demo' },
          best: { provider: 'split', variants: { a: { provider: 'demo', weight: 50 }, b: { provider: 'demo', ranking: 'popular', weight: 50 } } },
        },
      },
      { RECS_EVENTS_SECRET: SECRET, REPORT_TOKEN },
      { now: () => clock },
    );
  });
  after(() => proxy.close());
  beforeEach(() => proxy.store.sql.query('TRUNCATE recs_events, recs_batches'));

  const answerOf = async (placement: string, fields: Record<string, string> = {}) =>
    (await call(query(`${proxy.url}/recs/${placement}`, { productId: 'sku-01', limit: '4', ...fields }))).body;
  const stored = async (type: string) => (await proxy.store.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM recs_events WHERE type = $1', [type]))[0]!.n;
  const event = (answer: { requestId: string; variant: string }, placement: string, type: string, itemId: string, rank: number, at = clock) => ({
    type, placement, requestId: answer.requestId, variant: answer.variant, itemId, rank, at,
  });

  it('refuses an event at a rank the answer never had (rank 5 of a 4-item answer)', async () => {
    const answer = await answerOf('pdp');
    assert.equal(answer.items.length, 4);
    const refused = await send(proxy, [event(answer, 'pdp', 'click', 'sku-never-shown', 5)]);
    assert.equal(refused.status, 403, refused.text);
    assert.equal(await stored('click'), 0);
  });

  it('counts at most one click per item of a 4-item page view, however many invented item ids are sent under its id', async () => {
    const answer = await answerOf('pdp');
    const forged = Array.from({ length: 100 }, (_, i) => event(answer, 'pdp', 'click', `invented-${i}`, (i % 4) + 1));
    assert.equal((await send(proxy, forged)).status, 202);
    assert.equal(await stored('click'), 4);
  });

  it('one forged page view does not decide a running A/A split', async () => {
    // 10,000 impressions and 500 clicks (5%) on each variant, from many real page views of the split as configured.
    const split = await splitFingerprint([{ name: 'a', weight: 50 }, { name: 'b', weight: 50 }], 'best');
    const seeded: StoredEvent[] = [];
    for (const variant of ['a', 'b']) {
      for (let i = 0; i < 10_000; i++) {
        const base = { batchId: 'b_seed', placement: 'best', variant, requestId: `v1.seed-${variant}-${Math.floor(i / 4)}`, itemId: `sku-${i % 4}`, rank: (i % 4) + 1, split, occurredAt: new Date(clock - 3600_000) };
        seeded.push({ ...base, eventKey: `impression:${base.requestId}:${base.itemId}`, type: 'impression' });
        if (i % 20 === 0) seeded.push({ ...base, eventKey: `click:${base.requestId}:${base.itemId}`, type: 'click' });
      }
    }
    for (let i = 0; i < seeded.length; i += 2000) await proxy.store.insertBatch(`b_seed${i}`, seeded.slice(i, i + 2000));
    const verdict = async () => (await call(`${proxy.url}/report.json?placement=best`, { headers: { authorization: `Bearer ${REPORT_TOKEN}` } })).body.placements[0].verdict;
    assert.equal((await verdict()).status, 'not-yet');

    // The attacker: a shopper key that lands in b (the split's mapping is public: SHA-256 of the placement name and the key), one answer.
    let answer: { requestId: string; variant: string } | undefined;
    for (let n = 0; answer?.variant !== 'b'; n++) answer = await answerOf('best', { shopper: `attacker-key-${n}` });
    for (let start = 0; start < 1000; start += 50) {
      const events: object[] = [];
      for (let i = start; i < start + 50; i++) {
        events.push(event(answer!, 'best', 'impression', `x-${i}`, 1 + (i % 4)), event(answer!, 'best', 'click', `x-${i}`, 1 + (i % 4)));
      }
      assert.equal((await send(proxy, events)).status, 202);
    }
    assert.equal(await stored('click'), 1000 + 4, 'the page view added its 4 clicks to the seeded 1,000, no more');
    const after = await verdict();
    assert.equal(after.status, 'not-yet', `one page view decided the split: ${after.text}`);
  });
});

describe('POST /events: one client posing as many shoppers', () => {
  // Answers and events from one address (x-forwarded-for, trusted here) under many shopper keys:
  // cached answers mint request ids for free, and every shopper key lands in a bucket of its own.
  let proxy: Awaited<ReturnType<typeof startMeasuredProxy>>;
  before(async () => {
    proxy = await startMeasuredProxy(
      {
        limits: { perClient: { ratePerSecond: 100_000, burst: 100_000 }, trustProxy: true },
        placements: {
          best: { provider: 'split', variants: { a: { provider: 'demo', weight: 50 }, b: { provider: 'demo', ranking: 'popular', weight: 50 } } },
          mix: { provider: 'interleave', variants: { related: { provider: 'demo' }, popular: { provider: 'demo', ranking: 'popular' } } },
        },
      },
      { RECS_EVENTS_SECRET: SECRET, REPORT_TOKEN },
      { now: () => clock },
    );
  });
  after(() => proxy.close());
  beforeEach(() => proxy.store.sql.query('TRUNCATE recs_events, recs_batches, recs_requests'));

  const from = (ip: string) => ({ 'x-forwarded-for': ip });
  const answerOf = async (placement: string, ip: string, shopper?: string) =>
    (await call(query(`${proxy.url}/recs/${placement}`, { productId: 'sku-01', limit: '4', ...(shopper ? { shopper } : {}) }), { headers: from(ip) })).body;
  const placementReport = async (placement: string) =>
    (await call(`${proxy.url}/report.json?placement=${placement}`, { headers: { authorization: `Bearer ${REPORT_TOKEN}` } })).body.placements[0];
  const seed = async (events: StoredEvent[]) => {
    for (let i = 0; i < events.length; i += 2000) await proxy.store.insertBatch(batch(), events.slice(i, i + 2000));
  };

  /** An A/A split of 2,500 page views of 4 cards per variant, CTR 5%, and answers served as the weights say. */
  async function seedAASplit(): Promise<void> {
    const split = await splitFingerprint([{ name: 'a', weight: 50 }, { name: 'b', weight: 50 }], 'best');
    const seeded: StoredEvent[] = [];
    for (const variant of ['a', 'b']) {
      for (let i = 0; i < 10_000; i++) {
        const base = { batchId: 'b_seed', placement: 'best', variant, requestId: `v1.seed-${variant}-${Math.floor(i / 4)}`, itemId: `sku-${i % 4}`, rank: (i % 4) + 1, split, occurredAt: new Date(clock - 3600_000) };
        seeded.push({ ...base, eventKey: `impression:${base.requestId}:${base.rank}`, type: 'impression' });
        if (i % 20 === 0) seeded.push({ ...base, eventKey: `click:${base.requestId}:${base.rank}`, type: 'click' });
      }
    }
    await seed(seeded);
    const day = new Date(clock).toISOString().slice(0, 10);
    await proxy.store.addRequests(['a', 'b'].map((variant) => ({ day, placement: 'best', variant, interleaved: false, count: 2500 })));
  }

  /** 100 page views of variant b, each under a shopper key of its own, every card seen and clicked; `ip(i)`: the address of page view i. */
  async function floodB(ip: (i: number) => string): Promise<void> {
    const views: { answer: { requestId: string; variant: string; items: { id: string }[] }; ip: string }[] = [];
    for (let n = 0; views.length < 100; n++) {
      const address = ip(views.length);
      const answer = await answerOf('best', address, `forged-shopper-${n}`);
      if (answer.variant === 'b') views.push({ answer, ip: address });
    }
    for (const { answer, ip: address } of views) {
      const events = answer.items.flatMap((item, i) => ['impression', 'click'].map((type) => ({ type, placement: 'best', requestId: answer.requestId, variant: 'b', itemId: item.id, rank: i + 1, at: clock })));
      assert.deepEqual((await send(proxy, events, batch(), from(address))).body, { accepted: 8, duplicates: 0 });
    }
  }

  it('one address with 100 forged shoppers does not decide an A/A split', async () => {
    await seedAASplit();
    assert.equal((await placementReport('best')).verdict.status, 'not-yet');
    await floodB(() => '203.0.113.66');
    const report = await placementReport('best');
    assert.deepEqual(report.variants.map((v: { clicks: number }) => v.clicks), [500, 900], 'every forged event was accepted: none is lost');
    assert.equal(report.verdict.status, 'not-yet', `one client decided the split: ${report.verdict.text}`);
  });

  it('one address sending more than all shoppers together (40,000 clicked impressions) does not decide an A/A split', async () => {
    await seedAASplit();
    // Stored as POST /events stores them (the same client unit on each), without 400 round trips.
    const split = await splitFingerprint([{ name: 'a', weight: 50 }, { name: 'b', weight: 50 }], 'best');
    const flood: StoredEvent[] = [];
    for (let i = 0; i < 40_000; i++) {
      const base = { batchId: 'b_flood', placement: 'best', variant: 'b', requestId: `v1.flood-${Math.floor(i / 4)}`, itemId: `sku-${i % 4}`, rank: (i % 4) + 1, bucket: i % 1000, split, client: 7, occurredAt: new Date(clock - 60_000) };
      flood.push({ ...base, eventKey: `impression:${base.requestId}:${base.rank}`, type: 'impression' }, { ...base, eventKey: `click:${base.requestId}:${base.rank}`, type: 'click' });
    }
    await seed(flood);
    const report = await placementReport('best');
    assert.deepEqual(report.variants.map((v: { impressions: number }) => v.impressions), [10_000, 50_000]);
    assert.equal(report.verdict.status, 'not-yet', `one client decided the split: ${report.verdict.text}`);
  });

  it('the same page views from 100 addresses still count as 100 shoppers (and decide it)', async () => {
    await seedAASplit();
    await floodB((i) => `198.51.100.${i + 1}`);
    const report = await placementReport('best');
    assert.equal(report.verdict.status, 'winner', report.verdict.text);
    assert.equal(report.verdict.winner, 'b');
  });

  /** 400 page views with a click from as many shoppers: 130 won by each team, 140 ties. */
  async function seedTiedInterleave(): Promise<void> {
    const seeded: StoredEvent[] = [];
    for (let i = 0; i < 400; i++) {
      const requestId = `v1.seed-mix-${i}`;
      const teams = i < 130 ? ['popular'] : i < 260 ? ['related'] : ['popular', 'related'];
      teams.forEach((team, k) => {
        const rank = k + 1;
        seeded.push({ eventKey: `click:${requestId}:${rank}`, batchId: 'b_seed', type: 'click', placement: 'mix', variant: 'interleave', requestId, itemId: `sku-${rank}`, rank, team, occurredAt: new Date(clock - 3600_000) });
      });
    }
    await seed(seeded);
  }

  it('one address with 200 page views, each clicking only one team, does not decide a tied interleave', async () => {
    await seedTiedInterleave();
    assert.equal((await placementReport('mix')).interleaving.verdict.status, 'not-yet');
    for (let n = 0; n < 200; n++) {
      const answer = await answerOf('mix', '203.0.113.67');
      const rank = answer.items.findIndex((item: { team?: string }) => item.team === 'related') + 1;
      const credit = { placement: 'mix', requestId: answer.requestId, variant: 'interleave', itemId: answer.items[rank - 1].id, rank, team: 'related', at: clock };
      assert.equal((await send(proxy, [{ type: 'impression', ...credit }, { type: 'click', ...credit }], batch(), from('203.0.113.67'))).status, 202);
    }
    const interleaving = (await placementReport('mix')).interleaving;
    assert.equal(interleaving.wins + interleaving.losses + interleaving.ties, 600, 'every forged page view was counted');
    assert.equal(interleaving.verdict.status, 'not-yet', `one client decided the interleave: ${interleaving.verdict.text}`);
  });
  it('one address with 4,000 one-sided page views, ten times the shoppers, does not decide a tied interleave', async () => {
    await seedTiedInterleave();
    const flood: StoredEvent[] = Array.from({ length: 4000 }, (_, i) => ({
      eventKey: `click:v1.flood-mix-${i}:1`, batchId: 'b_flood', type: 'click', placement: 'mix', variant: 'interleave', requestId: `v1.flood-mix-${i}`,
      itemId: 'sku-1', rank: 1, team: 'related', client: 7, occurredAt: new Date(clock - 60_000),
    }));
    await seed(flood);
    const interleaving = (await placementReport('mix')).interleaving;
    assert.equal(interleaving.losses, 4130);
    assert.equal(interleaving.verdict.status, 'not-yet', `one client decided the interleave: ${interleaving.verdict.text}`);
  });
});
