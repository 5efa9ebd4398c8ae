/**
 * What the report counts, against a real (embedded) Postgres: the chart beside a split's verdict
 * shows what the verdict compares; a click without an impression counts its card as seen (the
 * widget sends one for a click within a card's first visible second); an order line counts only
 * for a product clicked or added to cart under the request id and rank it quotes; one order line
 * of 10¹² cannot swing revenue per 1,000 impressions.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openEventStore, type EventStore, type StoredEvent } from '../../src/proxy/events/store.js';
import { createReportRoutes } from '../../src/proxy/report/routes.js';
import type { PlacementReport, ReportData } from '../../src/proxy/report/model.js';
import type { Placement } from '../../src/proxy/config.js';
import { splitFingerprint } from '../../src/proxy/experiments/assign.js';
import { postgresSkip, usePostgres } from './support/postgres.js';

const TOKEN = 'counting-test-report-token-0123456789abcdef';
const NOW = Date.parse('2026-11-30T12:00:00.000Z');
const leaf = { provider: 'demo', timeoutMs: 1000 };
const config = (a: number, b: number) => ({ best: { provider: 'split', events: true, variants: { a: { ...leaf, weight: a }, b: { ...leaf, weight: b } } } }) as unknown as Record<string, Placement>;
const fingerprint = (a: number, b: number) => splitFingerprint([{ name: 'a', weight: a }, { name: 'b', weight: b }], 'best');

type Partial = Pick<StoredEvent, 'type' | 'variant' | 'requestId' | 'itemId' | 'rank'> & Omit<globalThis.Partial<StoredEvent>, 'occurredAt'> & { at: string };
const ev = ({ at, ...e }: Partial): StoredEvent => ({ eventKey: `${e.type}:${e.requestId}:${e.rank}`, batchId: '', placement: 'best', occurredAt: new Date(at), ...e });

/** A page view of `cards` impressions (ranks 1..cards, items `<id>-<rank>`), clicked at `clicked` ranks. */
function view(variant: string, requestId: string, at: string, cards: number, clicked: number[], extra: globalThis.Partial<StoredEvent> = {}): StoredEvent[] {
  return [
    ...Array.from({ length: cards }, (_, i) => ev({ type: 'impression', variant, requestId, itemId: `${requestId}-${i + 1}`, rank: i + 1, at, ...extra })),
    ...clicked.map((rank) => ev({ type: 'click', variant, requestId, itemId: `${requestId}-${rank}`, rank, at, ...extra })),
  ];
}

function countingSuite(open: () => Promise<EventStore>): void {
  let store: EventStore;
  let current: string;
  let earlier: string;
  let batches = 0;
  before(async () => {
    store = await open();
    [earlier, current] = await Promise.all([fingerprint(90, 10), fingerprint(50, 50)]);
  });
  after(() => store.close());
  beforeEach(() => store.sql.query('TRUNCATE recs_events, recs_batches, recs_requests'));

  const insert = async (events: StoredEvent[]) => {
    for (let i = 0; i < events.length; i += 2000) {
      const result = await store.insertBatch(`b_counting_${String(batches++).padStart(8, '0')}`, events.slice(i, i + 2000));
      assert.equal(result.duplicates, 0);
    }
  };
  const report = async (path = '/report.json'): Promise<PlacementReport> => {
    const routes = createReportRoutes({ sql: () => store.sql, token: TOKEN, now: () => NOW, placements: config(50, 50) });
    const response = await routes.reportJson(new Request(`https://proxy.example${path}`, { headers: { authorization: `Bearer ${TOKEN}` } }));
    assert.equal(response.status, 200, await response.clone().text());
    return ((await response.json()) as ReportData).placements.find((p) => p.placement === 'best')!;
  };
  const html = async () => {
    const routes = createReportRoutes({ sql: () => store.sql, token: TOKEN, now: () => NOW, placements: config(50, 50) });
    return (await routes.report(new Request('https://proxy.example/report', { headers: { authorization: `Bearer ${TOKEN}` } }))).text();
  };

  it("draws a split's CTR per day from the configuration its verdict compares, and says so", async () => {
    // Before the ramp (90/10) on the 20th, a CTR of 50%; after it (50/50) on the 27th, 25%.
    await insert([
      ...view('a', 'v1.old-a', '2026-11-20T10:00:00.000Z', 4, [1, 2], { split: earlier }),
      ...view('b', 'v1.old-b', '2026-11-20T10:00:00.000Z', 4, [1, 2], { split: earlier }),
      ...view('a', 'v1.new-a', '2026-11-27T10:00:00.000Z', 4, [1], { split: current }),
      ...view('b', 'v1.new-b', '2026-11-27T10:00:00.000Z', 4, [1], { split: current }),
    ]);
    const best = await report();
    assert.equal(best.earlierConfigEvents, 12);
    assert.deepEqual(best.variants.map((v) => [v.variant, v.impressions, v.clicks]), [['a', 4, 1], ['b', 4, 1]]);
    const point = { day: '2026-11-27', impressions: 4, clicks: 1, ctr: 0.25 };
    assert.deepEqual(best.daily, [{ variant: 'a', points: [point] }, { variant: 'b', points: [point] }], 'the 20th was served under other weights');
    assert.match(await html(), /CTR per day \(UTC, current configuration only\)/);
  });

  it('counts a card clicked before its impression as seen, so no rate counts clicks beyond the cards it counts', async () => {
    await insert([
      ...view('a', 'v1.seen', '2026-11-27T10:00:00.000Z', 4, [1], { split: current }),
      // Clicked within its first visible second (the widget sends no impression then), and another page view's add-to-cart alone.
      ev({ type: 'click', variant: 'a', requestId: 'v1.quick', itemId: 'q-1', rank: 1, split: current, at: '2026-11-27T10:00:00.000Z' }),
      ev({ type: 'add-to-cart', variant: 'a', requestId: 'v1.quick', itemId: 'q-1', rank: 1, split: current, at: '2026-11-27T10:00:01.000Z' }),
      ev({ type: 'add-to-cart', variant: 'a', requestId: 'v1.cart', itemId: 'c-2', rank: 2, split: current, at: '2026-11-27T10:00:00.000Z' }),
      ...view('b', 'v1.b', '2026-11-27T10:00:00.000Z', 4, [], { split: current }),
    ]);
    const [a] = (await report()).variants;
    // 4 impressions, the quick click's card (its add-to-cart adds nothing more), the add-to-cart's card.
    assert.deepEqual([a!.impressions, a!.impliedImpressions, a!.clicks, a!.addToCarts], [6, 2, 2, 2]);
    assert.equal(a!.ctr.value, 2 / 6);
    assert.equal(a!.addToCartRate.value, 2 / 6);
    assert.deepEqual((await report()).daily[0]!.points, [{ day: '2026-11-27', impressions: 6, clicks: 2, ctr: 2 / 6 }]);
    assert.match(await html(), /2 of the impressions are cards clicked or added to cart before their impression/);
  });

  it('counts an order line only for a product clicked or added to cart under the request id and rank it quotes', async () => {
    const at = '2026-11-27T10:00:00.000Z';
    const order = (requestId: string, itemId: string, rank: number, revenue: number) => ev({ type: 'order', variant: 'a', requestId, itemId, rank, quantity: 1, revenue, currency: 'EUR', split: current, at });
    await insert([
      ...view('a', 'v1.o', at, 4, [1], { split: current }),
      ...view('b', 'v1.ob', at, 4, [], { split: current }),
      order('v1.o', 'v1.o-1', 1, 30), // clicked: counts
      order('v1.o', 'v1.o-2', 2, 500), // shown, never clicked or added to cart
      order('v1.x', 'tv-9000', 1, 9000), // under a request id with no event at all
      ev({ type: 'add-to-cart', variant: 'a', requestId: 'v1.o', itemId: 'v1.o-3', rank: 3, split: current, at }),
      order('v1.o', 'v1.o-3', 3, 20), // added to cart: counts
    ]);
    let [a] = (await report()).variants;
    assert.deepEqual([a!.orders, a!.unattributedOrders], [2, 2]);
    assert.deepEqual(a!.revenue.map((r) => [r.currency, r.total]), [['EUR', 50]]);
    assert.match(await html(), /2 order lines quote no click or add-to-cart of their product under their request id: kept in the export, left out of orders and revenue\./);
    // A click stored after its order (its batch was retried) credits the order from then on; a click on another product at that rank does not.
    await insert([ev({ type: 'click', variant: 'a', requestId: 'v1.o', itemId: 'v1.o-2', rank: 2, split: current, at })]);
    await insert([ev({ type: 'click', variant: 'a', requestId: 'v1.x', itemId: 'other-product', rank: 1, split: current, at })]);
    [a] = (await report()).variants;
    assert.deepEqual([a!.orders, a!.unattributedOrders], [3, 1]);
    assert.equal(a!.revenue[0]!.total, 550);
  });

  it("looks up a card's impression and click across all time, not only the range shown", async () => {
    await insert([
      // Shown a minute before the range; clicked and ordered inside it.
      ...view('a', 'v1.eve', '2026-11-20T23:59:00.000Z', 2, [], { split: current }),
      ev({ type: 'click', variant: 'a', requestId: 'v1.eve', itemId: 'v1.eve-1', rank: 1, split: current, at: '2026-11-21T00:00:10.000Z' }),
      ev({ type: 'order', variant: 'a', requestId: 'v1.eve', itemId: 'v1.eve-1', rank: 1, quantity: 1, revenue: 40, currency: 'EUR', split: current, at: '2026-11-21T00:05:00.000Z' }),
      // Clicked the day before, ordered inside the range.
      ...view('a', 'v1.day', '2026-11-20T10:00:00.000Z', 1, [1], { split: current }),
      ev({ type: 'order', variant: 'a', requestId: 'v1.day', itemId: 'v1.day-1', rank: 1, quantity: 1, revenue: 60, currency: 'EUR', split: current, at: '2026-11-21T09:00:00.000Z' }),
      ...view('a', 'v1.in', '2026-11-21T12:00:00.000Z', 2, [], { split: current }),
    ]);
    const [a] = (await report('/report.json?from=2026-11-21&to=2026-11-21')).variants;
    // Looked up within the range only, the click would be a card seen without impression and the second line unattributed.
    assert.deepEqual([a!.impressions, a!.impliedImpressions, a!.clicks, a!.orders, a!.unattributedOrders], [2, 0, 1, 2, 0]);
    assert.deepEqual(a!.revenue.map((r) => [r.currency, r.total]), [['EUR', 100]]);
  });

  it('one client with order lines of 10¹² does not swing revenue per 1,000 impressions, nor its comparison', async () => {
    // An A/A split: 500 page views of 4 cards a side from as many clients, one in five with a clicked and ordered line of 20 to 69 EUR.
    const honest: StoredEvent[] = [];
    for (const variant of ['a', 'b']) {
      for (let i = 0; i < 500; i++) {
        const requestId = `v1.${variant}-${i}`;
        const bought = i % 5 === 0;
        honest.push(...view(variant, requestId, '2026-11-27T10:00:00.000Z', 4, bought ? [1] : [], { split: current, client: i }));
        if (bought) honest.push(ev({ type: 'order', variant, requestId, itemId: `${requestId}-1`, rank: 1, quantity: 1, revenue: 20 + (i % 50), currency: 'EUR', split: current, client: i, at: '2026-11-27T10:05:00.000Z' }));
      }
    }
    await insert(honest);
    const before = await report();
    const honestMax = 69;
    // One client: 5 page views of b, each clicked and ordered at 1,000 × 10⁹.
    const forged: StoredEvent[] = [];
    for (let i = 0; i < 5; i++) {
      const requestId = `v1.forged-${i}`;
      forged.push(...view('b', requestId, '2026-11-27T11:00:00.000Z', 4, [1], { split: current, client: 999 }));
      forged.push(ev({ type: 'order', variant: 'b', requestId, itemId: `${requestId}-1`, rank: 1, quantity: 1000, revenue: 1e12, currency: 'EUR', split: current, client: 999, at: '2026-11-27T11:01:00.000Z' }));
    }
    await insert(forged);
    const best = await report();
    const [a, b] = best.variants;
    const eur = (v: typeof a) => v!.revenue.find((r) => r.currency === 'EUR')!;
    // Revenue per 1,000 impressions of b moves by at most what 5 honest top lines would add.
    const moved = eur(b).per1000.value! - eur(before.variants[1]).per1000.value!;
    assert.ok(moved <= ((5 * honestMax) / b!.impressions) * 1000 + 1e-9, `b moved by ${moved}`);
    assert.ok(Math.abs(eur(b).per1000.value! - eur(a).per1000.value!) < 0.5 * eur(a).per1000.value!, JSON.stringify([eur(a).per1000, eur(b).per1000]));
    const revenue = best.comparisons.find((c) => c.metric === 'revenuePer1000:EUR')!;
    assert.equal(revenue.decided, false, `revenue decided: ${revenue.difference} (${revenue.low} to ${revenue.high})`);
    assert.equal(eur(b).total, 5e12 + eur(before.variants[1]).total, 'the lines are counted, as sent, in the total');
    assert.ok(eur(b).cap <= honestMax, `cap ${eur(b).cap}`);
    assert.equal(eur(a).cap, eur(b).cap, 'one cap for every variant');
    assert.equal(eur(b).linesCapped, 5);
  });

  it('keeps the cap at the honest lines when one client sends more than 1% of them', async () => {
    const events: StoredEvent[] = [];
    for (let i = 0; i < 300; i++) {
      const requestId = `v1.h-${i}`;
      const variant = i % 2 ? 'b' : 'a';
      events.push(...view(variant, requestId, '2026-11-27T10:00:00.000Z', 1, [1], { split: current, client: i }));
      events.push(ev({ type: 'order', variant, requestId, itemId: `${requestId}-1`, rank: 1, quantity: 1, revenue: 10 + (i % 40), currency: 'EUR', split: current, client: i, at: '2026-11-27T10:01:00.000Z' }));
    }
    // 30 lines of 10¹² from one client: a tenth of the lines, far past the 99th percentile.
    for (let i = 0; i < 30; i++) {
      const requestId = `v1.f-${i}`;
      events.push(...view('b', requestId, '2026-11-27T11:00:00.000Z', 1, [1], { split: current, client: 999 }));
      events.push(ev({ type: 'order', variant: 'b', requestId, itemId: `${requestId}-1`, rank: 1, quantity: 1000, revenue: 1e12, currency: 'EUR', split: current, client: 999, at: '2026-11-27T11:01:00.000Z' }));
    }
    await insert(events);
    const [, b] = (await report()).variants;
    assert.equal(b!.revenue[0]!.cap, 49, 'the largest line of the client with the second-largest');
  });
}

describe('what the report counts (PGlite)', () => countingSuite(() => openEventStore({ dataDir: 'memory://' })));

describe('what the report counts (Postgres)', { skip: postgresSkip }, () => {
  const server = usePostgres();
  countingSuite(() => openEventStore({ databaseUrl: server.url }));
});
