/**
 * The report, its JSON, its HTML and the export, against a real (embedded) Postgres: known
 * events in, every figure checked; range boundaries, the placement filter, every bad query
 * parameter, authentication and its rate limit, the streamed export, hostile names.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openEventStore, StoreUnavailable, type EventStore, type StoredEvent } from '../../src/proxy/events/store.js';
import { createReportRoutes, EXPORT_PAGE_SIZE, type ReportRoutesDeps } from '../../src/proxy/report/routes.js';
import { buildReport, configuredPlacements, type ReportData } from '../../src/proxy/report/model.js';
import { variantAggregates } from '../../src/proxy/report/queries.js';
import type { Placement } from '../../src/proxy/config.js';
import { simulateDemo, DEMO_PLACEMENTS } from '../../src/proxy/report/simulate.js';
import { postgresSkip, usePostgres } from './support/postgres.js';

const TOKEN = 'test-token-\u00e9-with:colon';
const NOW = Date.parse('2026-11-30T12:00:00.000Z');
const BEARER = { authorization: 'Bearer test-token-é-with:colon' };

function basic(user: string, password: string): Record<string, string> {
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  return { authorization: `Basic ${btoa(String.fromCharCode(...bytes))}` };
}

let seq = 0;
let batch = 0;
function event(partial: Partial<StoredEvent> & Pick<StoredEvent, 'type' | 'placement' | 'variant' | 'requestId' | 'itemId'> & { at: string }): StoredEvent {
  const { at, ...rest } = partial;
  const key = rest.type === 'order' ? `order:${rest.requestId}:${rest.itemId}:${String(seq++).padStart(16, '0')}` : `${rest.type}:${rest.requestId}:${rest.itemId}`;
  return { eventKey: key, batchId: '', rank: 1, occurredAt: new Date(at), ...rest };
}

async function insert(store: EventStore, events: StoredEvent[]): Promise<void> {
  for (let i = 0; i < events.length; i += 100) {
    const batchId = `b_test_${String(batch++).padStart(12, '0')}`;
    const result = await store.insertBatch(batchId, events.slice(i, i + 100).map((e) => ({ ...e, batchId })));
    assert.equal(result.duplicates, 0);
  }
}

/** A page view's impressions (ranks 1..n) plus the given clicks etc. */
function pageView(placement: string, variant: string, requestId: string, at: string, items: { id: string; team?: string }[]): StoredEvent[] {
  return items.map((item, index) =>
    event({ type: 'impression', placement, variant, requestId, itemId: item.id, rank: index + 1, at, ...(item.team ? { team: item.team } : {}) }),
  );
}

// The fixture: the default range is 2026-11-17 .. 2026-11-30 (UTC, both included).
const FIXTURE: StoredEvent[] = [
  // pdp, split alpha / beta.
  ...pageView('pdp', 'alpha', 'rq-a1', '2026-11-17T00:00:00.000Z', [{ id: 'sku-1' }, { id: 'sku-2' }, { id: 'sku-3' }, { id: 'sku-4' }]),
  event({ type: 'click', placement: 'pdp', variant: 'alpha', requestId: 'rq-a1', itemId: 'sku-1', at: '2026-11-17T00:01:00.000Z' }),
  event({ type: 'add-to-cart', placement: 'pdp', variant: 'alpha', requestId: 'rq-a1', itemId: 'sku-1', at: '2026-11-17T00:02:00.000Z' }),
  event({ type: 'order', placement: 'pdp', variant: 'alpha', requestId: 'rq-a1', itemId: 'sku-1', quantity: 2, revenue: 39.98, currency: 'EUR', at: '2026-11-17T00:09:00.000Z' }),
  ...pageView('pdp', 'alpha', 'rq-a2', '2026-11-30T23:59:59.999Z', [{ id: 'sku-5' }, { id: 'sku-6' }, { id: 'sku-7' }, { id: 'sku-8' }]),
  event({ type: 'click', placement: 'pdp', variant: 'alpha', requestId: 'rq-a2', itemId: 'sku-6', rank: 2, at: '2026-11-30T23:59:59.999Z' }),
  ...pageView('pdp', 'beta', 'rq-b1', '2026-11-20T10:00:00.000Z', [{ id: 'sku-1' }, { id: 'sku-2' }, { id: 'sku-3' }, { id: 'sku-4' }, { id: 'sku-5' }]),
  event({ type: 'click', placement: 'pdp', variant: 'beta', requestId: 'rq-b1', itemId: 'sku-3', rank: 3, at: '2026-11-20T10:00:30.000Z' }),
  // Outside the default range on both sides: never counted.
  ...pageView('pdp', 'beta', 'rq-old', '2026-11-16T23:59:59.999Z', [{ id: 'sku-1' }]),
  event({ type: 'click', placement: 'pdp', variant: 'beta', requestId: 'rq-old', itemId: 'sku-1', at: '2026-11-16T23:59:59.999Z' }),
  ...pageView('pdp', 'alpha', 'rq-late', '2026-12-01T00:00:00.000Z', [{ id: 'sku-9' }]),
  // home, interleaving alpha / beta.
  ...pageView('home', 'interleave', 'rq-i1', '2026-11-21T08:00:00.000Z', [{ id: 'h1', team: 'alpha' }, { id: 'h2', team: 'beta' }, { id: 'h3', team: 'alpha' }]),
  event({ type: 'click', placement: 'home', variant: 'interleave', requestId: 'rq-i1', itemId: 'h1', team: 'alpha', at: '2026-11-21T08:00:10.000Z' }),
  event({ type: 'click', placement: 'home', variant: 'interleave', requestId: 'rq-i1', itemId: 'h3', rank: 3, team: 'alpha', at: '2026-11-21T08:00:20.000Z' }),
  event({ type: 'click', placement: 'home', variant: 'interleave', requestId: 'rq-i1', itemId: 'h2', rank: 2, team: 'beta', at: '2026-11-21T08:00:30.000Z' }),
  ...pageView('home', 'interleave', 'rq-i2', '2026-11-22T08:00:00.000Z', [{ id: 'h1', team: 'beta' }, { id: 'h2', team: 'alpha' }]),
  event({ type: 'click', placement: 'home', variant: 'interleave', requestId: 'rq-i2', itemId: 'h1', team: 'beta', at: '2026-11-22T08:00:10.000Z' }),
  ...pageView('home', 'interleave', 'rq-i3', '2026-11-23T08:00:00.000Z', [{ id: 'h1', team: 'alpha' }, { id: 'h2', team: 'beta' }]),
  event({ type: 'click', placement: 'home', variant: 'interleave', requestId: 'rq-i3', itemId: 'h1', team: 'alpha', at: '2026-11-23T08:00:10.000Z' }),
  event({ type: 'click', placement: 'home', variant: 'interleave', requestId: 'rq-i3', itemId: 'h2', rank: 2, team: 'beta', at: '2026-11-23T08:00:20.000Z' }),
  ...pageView('home', 'interleave', 'rq-i4', '2026-11-24T08:00:00.000Z', [{ id: 'h1', team: 'beta' }, { id: 'h2', team: 'alpha' }]),
  // A side served alone (the other timed out): no teams, not in the interleaving comparison.
  ...pageView('home', 'beta', 'rq-solo', '2026-11-24T09:00:00.000Z', [{ id: 'h7' }]),
  event({ type: 'click', placement: 'home', variant: 'beta', requestId: 'rq-solo', itemId: 'h7', at: '2026-11-24T09:00:05.000Z' }),
];

const REQUESTS = [
  { day: '2026-11-17', placement: 'pdp', variant: 'alpha', interleaved: false, count: 6 },
  { day: '2026-11-30', placement: 'pdp', variant: 'alpha', interleaved: false, count: 4 },
  { day: '2026-11-20', placement: 'pdp', variant: 'beta', interleaved: false, count: 7 },
  { day: '2026-11-16', placement: 'pdp', variant: 'beta', interleaved: false, count: 100 }, // outside
  { day: '2026-12-01', placement: 'pdp', variant: 'alpha', interleaved: false, count: 100 }, // outside
  { day: '2026-11-21', placement: 'home', variant: 'interleave', interleaved: true, count: 5 },
  { day: '2026-11-24', placement: 'home', variant: 'beta', interleaved: false, count: 1 },
];

/** Wilson 95% bounds, written out independently of the code under test. */
function wilsonBounds(x: number, n: number): [number, number] {
  const z = 1.959963984540054;
  const p = x / n;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return [centre - half, centre + half];
}

function close(actual: number | null, expected: number, message: string): void {
  assert.ok(actual !== null && Math.abs(actual - expected) < 1e-9, `${message}: ${actual} != ${expected}`);
}

function reportSuite(open: () => Promise<EventStore>): void {
  let store: EventStore;
  let clock = NOW;
  const deps = (overrides: Partial<ReportRoutesDeps> = {}): ReportRoutesDeps => ({ sql: () => store.sql, token: TOKEN, now: () => clock, ...overrides });
  const routes = () => createReportRoutes(deps());
  const get = (path: string, headers: Record<string, string> = BEARER) => new Request(`https://proxy.example${path}`, { headers });
  const json = async (path: string) => {
    const response = await routes().reportJson(get(path));
    assert.equal(response.status, 200, await response.clone().text());
    return (await response.json()) as ReportData;
  };

  before(async () => {
    store = await open();
    await insert(store, FIXTURE);
    await store.addRequests(REQUESTS);
  });
  after(async () => {
    await store.close();
  });

  it('reports every figure of every variant exactly, for the default range (the last 14 days)', async () => {
    const report = await json('/report.json');
    assert.equal(report.from, '2026-11-17');
    assert.equal(report.to, '2026-11-30');
    assert.deepEqual(report.placements.map((p) => [p.placement, p.kind]), [['home', 'interleave'], ['pdp', 'split']]);
    const pdp = report.placements.find((p) => p.placement === 'pdp')!;
    const [alpha, beta] = pdp.variants;
    assert.equal(alpha!.variant, 'alpha');
    assert.deepEqual([alpha!.requests, alpha!.impressions, alpha!.clicks, alpha!.addToCarts, alpha!.orders], [10, 8, 2, 1, 1]);
    assert.deepEqual([beta!.requests, beta!.impressions, beta!.clicks, beta!.addToCarts, beta!.orders], [7, 5, 1, 0, 0]);
    close(alpha!.ctr.value, 2 / 8, 'alpha ctr');
    const [low, high] = wilsonBounds(2, 8);
    close(alpha!.ctr.low, low, 'alpha ctr low');
    close(alpha!.ctr.high, high, 'alpha ctr high');
    // Textbook value of the Wilson interval for 2 of 8.
    assert.equal(alpha!.ctr.low!.toFixed(4), '0.0715');
    assert.equal(alpha!.ctr.high!.toFixed(4), '0.5907');
    close(alpha!.addToCartRate.value, 1 / 8, 'alpha add-to-cart rate');
    close(alpha!.ordersPer1000.value, 125, 'alpha orders per 1000');
    assert.equal(alpha!.revenue.length, 1);
    assert.equal(alpha!.revenue[0]!.currency, 'EUR');
    close(alpha!.revenue[0]!.total, 39.98, 'alpha revenue');
    close(alpha!.revenue[0]!.per1000.value, 4997.5, 'alpha revenue per 1000');
    assert.ok(alpha!.ordersPer1000.low! >= 0 && alpha!.ordersPer1000.high! > 125);
    close(beta!.ctr.value, 1 / 5, 'beta ctr');
    close(beta!.addToCartRate.value, 0, 'beta add-to-cart');
    close(beta!.ordersPer1000.value, 0, 'beta orders');
    assert.deepEqual(beta!.revenue, []);

    // Four comparisons of beta − alpha (CTR, add-to-cart, orders, EUR revenue); far too little data to decide.
    assert.deepEqual(pdp.comparisons.map((c) => [c.metric, c.a, c.b]), [
      ['ctr', 'alpha', 'beta'], ['addToCartRate', 'alpha', 'beta'], ['ordersPer1000', 'alpha', 'beta'], ['revenuePer1000:EUR', 'alpha', 'beta'],
    ]);
    close(pdp.comparisons[0]!.difference, 1 / 5 - 2 / 8, 'ctr difference');
    assert.ok(pdp.comparisons.every((c) => !c.decided && c.low! < 0 && c.high! > 0));
    assert.equal(pdp.verdict!.status, 'not-yet');
    assert.equal(pdp.verdict!.winner, null);
    assert.match(pdp.verdict!.text, /^Not yet/);
    assert.match(pdp.verdict!.method, /mSPRT/);
    assert.equal(pdp.interleaving, null);

    // CTR per day: alpha on the 17th and the 30th, beta on the 20th.
    assert.deepEqual(pdp.daily, [
      { variant: 'alpha', points: [{ day: '2026-11-17', impressions: 4, clicks: 1, ctr: 0.25 }, { day: '2026-11-30', impressions: 4, clicks: 1, ctr: 0.25 }] },
      { variant: 'beta', points: [{ day: '2026-11-20', impressions: 5, clicks: 1, ctr: 0.2 }] },
    ]);

    const home = report.placements.find((p) => p.placement === 'home')!;
    assert.deepEqual(home.variants.map((v) => [v.variant, v.requests, v.impressions, v.clicks]), [['beta', 1, 1, 1], ['interleave', 5, 9, 6]]);
    assert.equal(home.verdict, null);
    assert.deepEqual(home.comparisons, []);
    const i = home.interleaving!;
    assert.deepEqual([i.teams, i.pageViews, i.wins, i.losses, i.ties], [['alpha', 'beta'], 4, 1, 1, 1]);
    close(i.preference, 0, 'preference');
    close(i.winShare, 0.5, 'win share');
    assert.ok(i.low! < 0 && i.high! > 0);
    assert.equal(i.verdict.status, 'not-yet');
  });

  it('counts an event on the first day from midnight and on the last day until 23:59:59.999, nothing beyond', async () => {
    const day = await json('/report.json?from=2026-11-30&to=2026-11-30&placement=pdp');
    assert.deepEqual(day.placements.map((p) => p.variants.map((v) => [v.variant, v.requests, v.impressions, v.clicks])), [[['alpha', 4, 4, 1]]]);
    const before = await json('/report.json?from=2026-11-16&to=2026-11-16');
    assert.deepEqual(before.placements.map((p) => p.variants.map((v) => [v.variant, v.requests, v.impressions, v.clicks])), [[['beta', 100, 1, 1]]]);
    const next = await json('/report.json?from=2026-12-01&to=2026-12-01');
    assert.deepEqual(next.placements.map((p) => p.variants.map((v) => [v.variant, v.requests, v.impressions])), [[['alpha', 100, 1]]]);
    const first = await json('/report.json?from=2026-11-17&to=2026-11-17');
    assert.deepEqual(first.placements.map((p) => p.variants.map((v) => [v.variant, v.impressions, v.clicks, v.orders])), [[['alpha', 4, 1, 1]]]);
    const empty = await json('/report.json?from=2025-01-01&to=2025-01-31');
    assert.deepEqual(empty.placements, []);
  });

  it("sums each split's clicks, impressions and revenue per shopper bucket (page view before buckets), for the variance between shoppers", async () => {
    const at = '2026-10-01T10:00:00.000Z';
    const grid = (requestId: string, bucket: number | undefined, impressions: number, clicks: number, revenue?: number) => [
      ...pageView('grid', 'alpha', requestId, at, Array.from({ length: impressions }, (_, i) => ({ id: `g${i}` }))).map((e) => ({ ...e, bucket })),
      ...Array.from({ length: clicks }, (_, i) => ({ ...event({ type: 'click', placement: 'grid', variant: 'alpha', requestId, itemId: `g${i}`, rank: i + 1, at }), bucket })),
      // The ordered product was added to cart from the widget: an order line counts only then (or after a click).
      ...(revenue ? [{ ...event({ type: 'add-to-cart', placement: 'grid', variant: 'alpha', requestId, itemId: 'g0', at }), bucket }, { ...event({ type: 'order', placement: 'grid', variant: 'alpha', requestId, itemId: 'g0', quantity: 1, revenue, currency: 'EUR', at }), bucket }] : []),
    ];
    // Bucket 7 holds two page views of one shopper (or two shoppers of that bucket); rq-g4 predates buckets.
    await insert(store, [...grid('rq-g1', 7, 4, 2, 10), ...grid('rq-g2', 7, 4, 0, 5), ...grid('rq-g3', 9, 2, 1), ...grid('rq-g4', undefined, 3, 0)]);
    const [row] = await variantAggregates(store.sql, { from: '2026-10-01', to: '2026-10-02', placement: 'grid' });
    // Clusters: bucket 7 (8 impressions, 2 clicks, 2 orders, 15 EUR), bucket 9 (2, 1), rq-g4 (3, 0).
    assert.deepEqual([row!.impressions, row!.clicks], [13, 3]);
    const { jackknife: clicksJackknife, ...clicks } = row!.moments!.clicks;
    const { jackknife: ordersJackknife, ...orders } = row!.moments!.orders;
    assert.deepEqual(clicks, { clusters: 3, nn: 64 + 4 + 9, yy: 4 + 1, yn: 2 * 8 + 1 * 2 });
    assert.deepEqual(orders, { clusters: 3, nn: 77, yy: 4, yn: 16 });
    // The jackknife's sums: each cluster left out in turn (clicks 3 of 13 impressions, orders 2 of 13).
    close(clicksJackknife!, ((3 - 2) / 5 - 3 / 13) ** 2 + ((3 - 1) / 11 - 3 / 13) ** 2 + (3 / 10 - 3 / 13) ** 2, 'clicks jackknife');
    close(ordersJackknife!, (0 / 5 - 2 / 13) ** 2 + (2 / 11 - 2 / 13) ** 2 + (2 / 10 - 2 / 13) ** 2, 'orders jackknife');
    const { jackknife: revenueJackknife, ...revenue } = row!.revenue[0]!.moments!;
    assert.deepEqual(revenue, { clusters: 3, nn: 77, yy: 225, yn: 120 });
    // Revenue is clustered like clicks: 15 EUR of 13 impressions, each cluster left out in turn.
    close(revenueJackknife!, (0 / 5 - 15 / 13) ** 2 + (15 / 11 - 15 / 13) ** 2 + (15 / 10 - 15 / 13) ** 2, 'revenue jackknife');
  });

  it("holds back a split's verdict when its answers do not follow the configured weights (sample ratio mismatch)", async () => {
    const leaf = { provider: 'demo', timeoutMs: 1000 };
    const placements = (beta: number) => ({ pdp: { provider: 'split', events: true, variants: { alpha: { ...leaf, weight: 1 }, beta: { ...leaf, weight: beta } } } }) as unknown as Record<string, Placement>;
    const report = async (beta: number) => {
      const response = await createReportRoutes(deps({ placements: placements(beta) })).reportJson(get('/report.json?placement=pdp'));
      return ((await response.json()) as ReportData).placements[0]!;
    };
    // 10 answers of alpha and 7 of beta: as expected at 1:1, not at 1:1000.
    const even = await report(1);
    assert.equal(even.sampleRatio!.mismatch, false);
    assert.notEqual(even.verdict!.status, 'sample-ratio-mismatch');
    const skewed = await report(1000);
    assert.equal(skewed.sampleRatio!.mismatch, true);
    assert.equal(skewed.verdict!.status, 'sample-ratio-mismatch');
    assert.match(skewed.verdict!.text, /^No verdict: sample ratio mismatch\. .*alpha 10 \(0% expected\), beta 7 \(100% expected\)/);
  });

  it('filters by placement', async () => {
    const home = await json('/report.json?placement=home');
    assert.deepEqual(home.placements.map((p) => p.placement), ['home']);
    assert.equal(home.placement, 'home');
    const none = await json('/report.json?placement=nowhere');
    assert.deepEqual(none.placements, []);
    const all = await json('/report.json?placement=');
    assert.equal(all.placements.length, 2);
  });

  it('answers 400 naming the parameter for every bad value', async () => {
    const cases: [string, string][] = [
      ['from=2026-13-01', 'from'],
      ['from=2026-02-30', 'from'],
      ['from=2026-1-1', 'from'],
      ['from=yesterday', 'from'],
      ['from=', 'from'],
      ['from=1969-12-31', 'from'],
      ['from=2026-11-01T00:00:00Z', 'from'],
      ['to=2026-11-31', 'to'],
      ['to=%00', 'to'],
      ['from=2026-11-20&to=2026-11-19', 'to'],
      ['from=2025-11-29&to=2026-11-30', 'to'], // 367 days
      ['from=2026-12-24', 'from'], // after today with no `to`
      ['placement=%3Cscript%3E', 'placement'],
      [`placement=${'p'.repeat(65)}`, 'placement'],
      ['placement=a%20b', 'placement'],
      ['foo=1', 'foo'],
      ['limit=10', 'limit'],
      ['from=2026-11-01&from=2026-11-02', 'from'],
      ['placement=pdp&placement=home', 'placement'],
    ];
    for (const [query, parameter] of cases) {
      for (const call of ['report', 'reportJson', 'exportNdjson'] as const) {
        const response = await routes()[call](get(`/report.json?${query}`));
        assert.equal(response.status, 400, `${call} ${query}`);
        const body = (await response.json()) as { error: { code: string; parameter: string; message: string } };
        assert.equal(body.error.code, 'invalid-request', query);
        assert.equal(body.error.parameter, parameter, query);
        assert.ok(body.error.message.startsWith(`${parameter}:`), body.error.message);
      }
    }
    // 366 days is fine.
    assert.equal((await routes().reportJson(get('/report.json?from=2025-11-30&to=2026-11-30'))).status, 200);
  });

  it('asks for credentials: none, wrong, right Bearer, right Basic, and the report is off without a token', async () => {
    const r = routes();
    const bodies: string[] = [];
    for (const headers of [{}, { authorization: 'Bearer wrong' }, basic('me', 'wrong'), { authorization: 'Basic !!!' }, { authorization: 'Digest x' }, { authorization: `Bearer ${TOKEN}x` }, basic('me', '')]) {
      for (const call of ['report', 'reportJson', 'exportNdjson'] as const) {
        // Bad parameters are not even looked at before authentication.
        const response = await r[call](get('/report?foo=1', headers));
        assert.equal(response.status, 401, JSON.stringify(headers));
        assert.equal(response.headers.get('www-authenticate'), 'Basic realm="recs report", charset="UTF-8"');
        assert.equal(response.headers.get('cache-control'), 'no-store');
        bodies.push(await response.text());
      }
    }
    assert.equal(new Set(bodies).size, 1, 'one body for every failure');
    assert.equal((await r.reportJson(get('/report.json', BEARER))).status, 200);
    assert.equal((await r.reportJson(get('/report.json', { authorization: `bearer   ${TOKEN}` }))).status, 200);
    assert.equal((await r.report(get('/report', basic('anyone', TOKEN)))).status, 200);
    assert.equal((await r.report(get('/report', basic('', TOKEN)))).status, 200);
    assert.equal((await r.exportNdjson(get('/report/events.ndjson', basic('x', TOKEN)))).status, 200);

    for (const token of [undefined, '']) {
      const off = createReportRoutes(deps({ token }));
      for (const call of ['report', 'reportJson', 'exportNdjson'] as const) {
        const response = await off[call](get('/report', BEARER));
        assert.equal(response.status, 404);
        const body = (await response.json()) as { error: { message: string } };
        assert.match(body.error.message, /REPORT_TOKEN/);
      }
    }
  });

  it('rate limits failed logins per client: 429, then nothing is checked until the block ends', async () => {
    const failures = new Map<string, number>();
    const r = createReportRoutes(
      deps({
        allowFailedAuth: (client) => {
          const count = (failures.get(client) ?? 0) + 1;
          failures.set(client, count);
          return count <= 3;
        },
      }),
    );
    const wrong = { authorization: 'Bearer nope' };
    for (let i = 0; i < 3; i++) assert.equal((await r.reportJson(get('/report.json', wrong), '192.0.2.1')).status, 401);
    const refused = await r.reportJson(get('/report.json', wrong), '192.0.2.1');
    assert.equal(refused.status, 429);
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    // Blocked: even the right token is not checked, so a lucky guess shows nothing.
    assert.equal((await r.reportJson(get('/report.json', BEARER), '192.0.2.1')).status, 429);
    // Other clients are served; a right token costs nothing.
    assert.equal((await r.reportJson(get('/report.json', BEARER), '198.51.100.7')).status, 200);
    assert.equal(failures.get('198.51.100.7'), undefined);
    clock += 11_000;
    try {
      assert.equal((await r.reportJson(get('/report.json', BEARER), '192.0.2.1')).status, 200);
    } finally {
      clock = NOW;
    }
  });

  it('answers 503 with Retry-After when there is no store or it is unavailable, and lets bugs through', async () => {
    const none = createReportRoutes(deps({ sql: () => undefined }));
    const response = await none.reportJson(get('/report.json'));
    assert.equal(response.status, 503);
    assert.ok(response.headers.get('retry-after'));
    const failing = createReportRoutes(deps({ sql: () => ({ query: () => Promise.reject(new StoreUnavailable('connection refused')) }) }));
    for (const call of ['report', 'reportJson', 'exportNdjson'] as const) {
      const answer = await failing[call](get('/report.json'));
      assert.equal(answer.status, 503, call);
      assert.equal(answer.headers.get('retry-after'), '5');
      assert.doesNotMatch(await answer.text(), /connection refused/);
    }
    // Anything else is a bug: thrown for the app's error path (a logged 500), never passed off as the store's fault.
    const buggy = createReportRoutes(deps({ sql: () => ({ query: () => Promise.reject(new TypeError('oops')) }) }));
    for (const call of ['report', 'reportJson', 'exportNdjson'] as const) await assert.rejects(buggy[call](get('/report.json')), TypeError);
  });

  it('names no shopper and no request id in the report, and sends strict headers with the HTML', async () => {
    const jsonText = await (await routes().reportJson(get('/report.json?from=2026-11-01&to=2026-12-01'))).text();
    const html = await routes().report(get('/report?from=2026-11-01&to=2026-12-01'));
    assert.equal(html.status, 200);
    assert.equal(html.headers.get('content-type'), 'text/html; charset=utf-8');
    const csp = html.headers.get('content-security-policy')!;
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /img-src 'self' data:/);
    assert.doesNotMatch(csp, /script-src/);
    assert.equal(html.headers.get('cache-control'), 'no-store');
    assert.equal(html.headers.get('x-content-type-options'), 'nosniff');
    const page = await html.text();
    assert.doesNotMatch(page, /<script/i);
    for (const text of [jsonText, page]) assert.doesNotMatch(text, /rq-/, 'a request id is in the report');
    assert.match(page, /<svg [^>]*role="img"/);
    assert.match(page, /Not yet/);
    assert.match(page, /mSPRT/);
  });

  it('streams every event of a range, over several pages, as NDJSON in time order', async () => {
    const many: StoredEvent[] = [];
    const total = EXPORT_PAGE_SIZE * 2 + 345;
    for (let i = 0; i < total; i++) {
      // Many events share a millisecond: the keyset order (occurred_at, event_key) must not skip or repeat them.
      many.push(event({ type: 'impression', placement: 'bulk', variant: 'default', requestId: `rq-bulk-${i}`, itemId: `item-${i % 7}`, rank: 1 + (i % 5), at: new Date(Date.parse('2026-10-10T10:00:00.000Z') + Math.floor(i / 10)).toISOString() }));
    }
    many.push(event({ type: 'impression', placement: 'bulk', variant: 'default', requestId: 'rq-bulk-outside', itemId: 'x', at: '2026-10-12T00:00:00.000Z' }));
    many.push(event({ type: 'impression', placement: 'other', variant: 'default', requestId: 'rq-other', itemId: 'x', at: '2026-10-10T12:00:00.000Z' }));
    await insert(store, many);

    const response = await routes().exportNdjson(get('/report/events.ndjson?from=2026-10-10&to=2026-10-11&placement=bulk'));
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/x-ndjson');
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const reader = response.body!.getReader();
    let chunks = 0;
    let text = '';
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks++;
      text += decoder.decode(value, { stream: true });
    }
    assert.ok(chunks >= 3, `${chunks} chunks: one per page`);
    assert.ok(text.endsWith('\n'));
    const lines = text.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.equal(lines.length, total);
    assert.equal(new Set(lines.map((l) => l.eventKey)).size, total);
    for (let i = 1; i < lines.length; i++) {
      const [a, b] = [lines[i - 1]!, lines[i]!];
      assert.ok(String(a.occurredAt) <= String(b.occurredAt), 'time order');
    }
    assert.deepEqual(Object.keys(lines[0]!).sort(), ['currency', 'eventKey', 'itemId', 'occurredAt', 'placement', 'quantity', 'rank', 'requestId', 'revenue', 'team', 'trackerId', 'type', 'variant']);
    assert.equal(lines[0]!.occurredAt, '2026-10-10T10:00:00.000Z');
    assert.equal(lines.at(-1)!.occurredAt, new Date(Date.parse('2026-10-10T10:00:00.000Z') + Math.floor((total - 1) / 10)).toISOString());
    assert.ok(lines.every((l) => l.placement === 'bulk'));

    // The fixture's order, with all its fields.
    const orders = await routes().exportNdjson(get('/report/events.ndjson?from=2026-11-17&to=2026-11-17'));
    const rows = (await orders.text()).trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.equal(rows.length, 7);
    assert.deepEqual(rows.at(-1), {
      eventKey: rows.at(-1)!.eventKey, type: 'order', placement: 'pdp', variant: 'alpha', requestId: 'rq-a1', itemId: 'sku-1', rank: 1,
      team: null, trackerId: null, quantity: 2, revenue: 39.98, currency: 'EUR', occurredAt: '2026-11-17T00:09:00.000Z',
    });
    const empty = await routes().exportNdjson(get('/report/events.ndjson?from=2020-01-01&to=2020-01-02'));
    assert.equal(await empty.text(), '');
  });

  it('escapes hostile placement, variant and team names in the HTML', async () => {
    const hostile = `"><script>alert(1)</script><img src=x onerror='alert(2)'>`;
    await insert(store, [
      ...pageView(`evil'"<b>`, hostile, 'rq-evil-1', '2026-09-10T10:00:00.000Z', [{ id: `<i>${hostile}` }]),
      event({ type: 'click', placement: `evil'"<b>`, variant: hostile, requestId: 'rq-evil-1', itemId: `<i>${hostile}`, at: '2026-09-10T10:00:01.000Z' }),
      ...pageView(`evil'"<b>`, 'interleave', 'rq-evil-2', '2026-09-10T11:00:00.000Z', [{ id: 'a', team: hostile }, { id: 'b', team: '&amp;' }]),
      event({ type: 'click', placement: `evil'"<b>`, variant: 'interleave', requestId: 'rq-evil-2', itemId: 'a', team: hostile, at: '2026-09-10T11:00:01.000Z' }),
    ]);
    const page = await (await routes().report(get('/report?from=2026-09-10&to=2026-09-10'))).text();
    assert.doesNotMatch(page, /<script|<img|<b>|<i>|onerror='/i);
    assert.match(page, /evil&#39;&#34;&#60;b&#62;/);
    assert.match(page, /&#34;&#62;&#60;script&#62;alert\(1\)&#60;\/script&#62;/);
    assert.match(page, /&#38;amp;/);
    // The export keeps them as data, valid JSON.
    const exported = await (await routes().exportNdjson(get('/report/events.ndjson?from=2026-09-10&to=2026-09-10'))).text();
    const lines = exported.trimEnd().split('\n').map((line) => JSON.parse(line) as { itemId: string; variant: string });
    assert.ok(lines.some((l) => l.variant === hostile && l.itemId === `<i>${hostile}`));
  });
}

describe('the report on PGlite', () => reportSuite(() => openEventStore({ dataDir: 'memory://' })));

describe('the report on a Postgres server', { skip: postgresSkip }, () => {
  const server = usePostgres();
  reportSuite(() => openEventStore({ databaseUrl: server.url }));
});

describe('the verdicts', () => {
  const base = { placement: 'pdp', requests: 0, addToCarts: 0, orders: 0, impliedImpressions: 0, unattributedOrders: 0, ordersSumSquares: 0, revenue: [] };
  it('names the winner of a split once the always-valid interval excludes no difference, and not before', () => {
    const decided = buildReport({
      from: '2026-11-01', to: '2026-11-14', daily: [], interleaving: [],
      aggregates: [{ ...base, variant: 'alpha', impressions: 40_000, clicks: 2_000 }, { ...base, variant: 'beta', impressions: 40_000, clicks: 2_400 }],
    });
    const verdict = decided.placements[0]!.verdict!;
    assert.equal(verdict.status, 'winner');
    assert.equal(verdict.winner, 'beta');
    assert.match(verdict.text, /^beta wins on CTR: \+1\.00 CTR points over alpha \(\+20\.0% relative\)/);
    const early = buildReport({
      from: '2026-11-01', to: '2026-11-14', daily: [], interleaving: [],
      aggregates: [{ ...base, variant: 'alpha', impressions: 2_000, clicks: 100 }, { ...base, variant: 'beta', impressions: 2_000, clicks: 120 }],
    });
    assert.equal(early.placements[0]!.verdict!.status, 'not-yet');
  });

  it('shows a rate within its own interval, never above 100%, when clicks outnumber impressions', () => {
    // A click within a card's first visible second has no impression: 3 clicks on 1 impression happen.
    const report = buildReport({
      from: '2026-11-01', to: '2026-11-14', interleaving: [],
      aggregates: [{ ...base, variant: 'alpha', impressions: 1, clicks: 3, addToCarts: 2 }, { ...base, variant: 'beta', impressions: 10, clicks: 1 }],
      daily: [{ day: '2026-11-02', placement: 'pdp', variant: 'alpha', impressions: 1, clicks: 3 }],
    });
    const [alpha] = report.placements[0]!.variants;
    for (const rate of [alpha!.ctr, alpha!.addToCartRate]) assert.ok(rate.value === 1 && rate.value >= rate.low! && rate.value <= rate.high!, JSON.stringify(rate));
    assert.equal(alpha!.clicks, 3, 'the count itself is shown as it is');
    assert.equal(report.placements[0]!.daily[0]!.points[0]!.ctr, 1);
  });

  it('with three variants, names a winner only when it beats both others', () => {
    const three = (clicks: [number, number, number]) =>
      buildReport({
        from: '2026-11-01', to: '2026-11-14', daily: [], interleaving: [],
        aggregates: ['a', 'b', 'c'].map((variant, i) => ({ ...base, variant, impressions: 40_000, clicks: clicks[i]! })),
      }).placements[0]!.verdict!;
    assert.equal(three([2_000, 2_600, 2_000]).winner, 'b');
    assert.equal(three([2_000, 2_600, 2_580]).status, 'not-yet');
  });

  it("does not name a winner from one split's clustered clicks: the variance is the shoppers', not the impressions'", () => {
    // 100 buckets per arm of 400 impressions; half the buckets' shoppers never click, the other half click twice the mean.
    const clustered = (variant: string, clicksPerBucket: number) => ({
      ...base, variant, impressions: 40_000, clicks: 50 * clicksPerBucket,
      moments: (() => {
        const m = { clusters: 100, nn: 100 * 400 ** 2, yy: 50 * clicksPerBucket ** 2, yn: 400 * 50 * clicksPerBucket };
        return { clicks: m, addToCarts: { clusters: 100, nn: m.nn, yy: 0, yn: 0 }, orders: { clusters: 100, nn: m.nn, yy: 0, yn: 0 } };
      })(),
    });
    const report = buildReport({ from: '2026-11-01', to: '2026-11-14', daily: [], interleaving: [], aggregates: [clustered('alpha', 40), clustered('beta', 48)] });
    // The same counts as the first test above (2,000 and 2,400 clicks of 40,000), decided there as independent impressions.
    assert.equal(report.placements[0]!.verdict!.status, 'not-yet');
    const ctr = report.placements[0]!.comparisons.find((c) => c.metric === 'ctr')!;
    assert.ok(ctr.high! - ctr.low! > 0.03, `interval ${ctr.low} to ${ctr.high}`);
  });

  it("holds back the verdict on a sample ratio mismatch against the configured weights, and only then", () => {
    const split = (weights: Record<string, number>) => configuredPlacements({ pdp: { provider: 'split', events: true, variants: Object.fromEntries(Object.entries(weights).map(([name, weight]) => [name, { provider: 'demo', timeoutMs: 1000, weight }])) } as unknown as Placement });
    const verdict = (requests: [number, number], weights: Record<string, number>) =>
      buildReport({
        from: '2026-11-01', to: '2026-11-14', daily: [], interleaving: [], configured: split(weights),
        aggregates: [{ ...base, variant: 'alpha', requests: requests[0], impressions: 240_000, clicks: 12_000 }, { ...base, variant: 'beta', requests: requests[1], impressions: 160_000, clicks: 8_900 }],
      }).placements[0]!;
    const mismatched = verdict([60_000, 40_000], { alpha: 50, beta: 50 });
    assert.equal(mismatched.verdict!.status, 'sample-ratio-mismatch');
    assert.equal(mismatched.verdict!.winner, null);
    assert.ok(mismatched.sampleRatio!.pValue < 1e-6 && Math.abs(mismatched.sampleRatio!.chiSquare - 4000) < 1e-6);
    assert.match(mismatched.verdict!.text, /alpha 60,000 \(50% expected\), beta 40,000 \(50% expected\); p < 0\.000001/);
    // The same counts at 60/40 weights, and chance imbalance at 50/50, keep their verdict.
    assert.equal(verdict([60_000, 40_000], { alpha: 60, beta: 40 }).verdict!.status, 'winner');
    const chance = verdict([50_300, 49_700], { alpha: 50, beta: 50 });
    assert.deepEqual([chance.sampleRatio!.mismatch, chance.verdict!.status], [false, 'winner']);
  });

  it('says "not yet: no data" for a configured split arm without events, instead of reporting a single variant', () => {
    const configured = configuredPlacements({ pdp: { provider: 'split', events: true, variants: { snappy: { provider: 'demo', timeoutMs: 1000, weight: 1 }, yespo: { provider: 'demo', timeoutMs: 1000, weight: 1 } } } as unknown as Placement });
    const placement = buildReport({ from: '2026-11-01', to: '2026-11-14', daily: [], interleaving: [], configured, aggregates: [{ ...base, variant: 'snappy', requests: 5_000, impressions: 20_000, clicks: 900 }] }).placements[0]!;
    assert.equal(placement.kind, 'split');
    assert.deepEqual(placement.variants.map((v) => [v.variant, v.impressions]), [['snappy', 20_000], ['yespo', 0]]);
    assert.deepEqual([placement.verdict!.status, placement.verdict!.text], ['not-yet', 'Not yet: no data for yespo.']);
  });

  it('names the preferred ranking of an interleave once its interval excludes no preference', () => {
    const report = (wins: number, losses: number) =>
      buildReport({ from: '2026-11-01', to: '2026-11-14', daily: [], aggregates: [], interleaving: [{ placement: 'home', teams: ['alpha', 'beta'], pageViews: 2 * (wins + losses), wins, losses, ties: 20 }] })
        .placements[0]!.interleaving!;
    const clear = report(150, 80);
    assert.equal(clear.verdict.status, 'winner');
    assert.equal(clear.verdict.winner, 'alpha');
    assert.ok(clear.low! > 0);
    const reverse = report(80, 150);
    assert.equal(reverse.verdict.winner, 'beta');
    assert.ok(reverse.high! < 0);
    assert.equal(report(60, 50).verdict.status, 'not-yet');
  });
});

describe('the demo simulation', () => {
  const get = (path: string) => new Request(`https://proxy.example${path}`, { headers: BEARER });
  const fill = async (pageViews: number) => {
    const store = await openEventStore({ dataDir: 'memory://' });
    const signed: string[] = [];
    const result = await simulateDemo(store, {
      seed: 1,
      now: NOW,
      pageViews,
      placements: DEMO_PLACEMENTS,
      sign: async (placement, variant, teams) => {
        const id = `v1.${signed.length}.${placement}.${variant}.${teams ?? ''}`;
        signed.push(id);
        return id;
      },
    });
    const rows = await store.sql.query<{ n: number; digest: string }>(
      `SELECT count(*)::int AS n, md5(string_agg(event_key || occurred_at::text || coalesce(revenue::text, ''), ',' ORDER BY event_key)) AS digest FROM recs_events`,
    );
    const report = await createReportRoutes({ sql: () => store.sql, token: TOKEN, now: () => NOW }).reportJson(get('/report.json'));
    await store.close();
    return { result, rows: rows[0]!, report: (await report.json()) as ReportData, signed: signed.length };
  };

  it('fills a store deterministically for a seed', async () => {
    const [first, second] = [await fill(150), await fill(150)];
    assert.deepEqual(first.rows, second.rows);
    assert.deepEqual(first.report, second.report);
    assert.equal(first.rows.n, first.result.events);
  });

  it('fills a few thousand page views over the last 14 days, and the report shows both experiments', async () => {
    const { result, report, signed } = await fill(1_500);
    assert.equal(result.pageViews, 3_000);
    assert.equal(signed, 3_000);
    const pdp = report.placements.find((p) => p.placement === 'bestsellers')!;
    const home = report.placements.find((p) => p.placement === 'similar')!;
    assert.equal(pdp.kind, 'split');
    assert.equal(pdp.variants.reduce((sum, v) => sum + v.requests, 0), 1_500);
    assert.equal(home.kind, 'interleave');
    assert.equal(home.variants.reduce((sum, v) => sum + v.requests, 0), 1_500);
    assert.ok(home.variants.some((v) => v.variant !== 'interleave'), 'a few page views served one side alone');
    console.log(`demo: ${result.events} events; pdp split: ${pdp.verdict!.text} home: ${home.interleaving!.verdict.text}`);
    // The better ranker wins the interleave; the split, with the same page views, cannot tell yet.
    assert.equal(home.interleaving!.verdict.winner, 'related');
    assert.equal(pdp.verdict!.status, 'not-yet');
    assert.ok(pdp.daily.every((series) => series.points.length === 14));
  });
});
