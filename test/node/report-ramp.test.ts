/**
 * A split ramped from 90/10 to 10/90 while the season's CTR fell: variant b is better in each
 * period, but pooled over both it looks worse (Simpson's paradox). The report compares only the
 * events and answers of the current configuration (salt and weights, the fingerprint signed into
 * every split request id) and says how many it left out.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openEventStore, type EventStore, type StoredEvent } from '../../src/proxy/events/store.js';
import { createReportRoutes } from '../../src/proxy/report/routes.js';
import { buildReport, configuredPlacements, type ReportData } from '../../src/proxy/report/model.js';
import { variantAggregates } from '../../src/proxy/report/queries.js';
import type { Placement } from '../../src/proxy/config.js';
import { splitFingerprint } from '../../src/proxy/experiments/assign.js';
import { createRequestCounter, type RequestCountRow } from '../../src/proxy/experiments/request-counter.js';
import { MIGRATIONS, runMigrations } from '../../src/proxy/events/migrations.js';
import { postgresSkip, usePostgres } from './support/postgres.js';
import { call, query, startMeasuredProxy } from './harness.js';
import { readFileSync } from 'node:fs';
import { simulateDemo, DEMO_PLACEMENTS, type SimStoredEvent } from '../../src/proxy/report/simulate.js';

const TOKEN = 'ramp-test-report-token-0123456789abcdef';
const NOW = Date.parse('2026-11-30T12:00:00.000Z');
const leaf = { provider: 'demo', timeoutMs: 1000 };
const config = (a: number, b: number) => ({ best: { provider: 'split', events: true, variants: { a: { ...leaf, weight: a }, b: { ...leaf, weight: b } } } }) as unknown as Record<string, Placement>;
const fingerprint = (a: number, b: number) => splitFingerprint([{ name: 'a', weight: a }, { name: 'b', weight: b }], 'best');

/** `pageViews` page views of 4 impressions of one variant, every `1 / ctr`-th impression clicked. */
function period(variant: string, split: string, day: string, pageViews: number, ctr: number): StoredEvent[] {
  const events: StoredEvent[] = [];
  const every = Math.round(1 / ctr);
  for (let i = 0; i < pageViews * 4; i++) {
    const requestId = `v1.${split}-${variant}-${Math.floor(i / 4)}`;
    const base = { batchId: '', placement: 'best', variant, requestId, itemId: `sku-${i % 4}`, rank: (i % 4) + 1, split, occurredAt: new Date(`${day}T10:00:00.000Z`) };
    events.push({ ...base, type: 'impression', eventKey: `impression:${requestId}:${base.rank}` });
    if (i % every === 0) events.push({ ...base, type: 'click', eventKey: `click:${requestId}:${base.rank}` });
  }
  return events;
}

function rampSuite(open: () => Promise<EventStore>): void {
  let store: EventStore;
  let before9010: string;
  let after1090: string;
  before(async () => {
    store = await open();
    [before9010, after1090] = await Promise.all([fingerprint(90, 10), fingerprint(10, 90)]);
  });
  after(() => store.close());
  beforeEach(() => store.sql.query('TRUNCATE recs_events, recs_batches, recs_requests'));

  const seedEvents = async () => {
    // Before the ramp (90/10, high season, CTR 10% against 12%); after it (10/90, CTR 2% against 4%).
    const events = [...period('a', before9010, '2026-11-20', 4500, 0.1), ...period('b', before9010, '2026-11-20', 500, 0.125), ...period('a', after1090, '2026-11-27', 500, 0.02), ...period('b', after1090, '2026-11-27', 4500, 0.04)];
    for (let i = 0; i < events.length; i += 2000) await store.insertBatch(`b_ramp_${i}`, events.slice(i, i + 2000));
    return events.filter((e) => e.split === before9010).length;
  };
  const report = async () => {
    const routes = createReportRoutes({ sql: () => store.sql, token: TOKEN, now: () => NOW, placements: config(10, 90) });
    const response = await routes.reportJson(new Request('https://proxy.example/report.json', { headers: { authorization: `Bearer ${TOKEN}` } }));
    assert.equal(response.status, 200, await response.clone().text());
    return ((await response.json()) as ReportData).placements.find((p) => p.placement === 'best')!;
  };

  it('pooled over the ramp, a looks better; in the current configuration, b wins, and the report says what it left out', async () => {
    const leftOut = await seedEvents();
    // The seed is a real Simpson's paradox: pooled, a's CTR is the higher, and a report pooling both names a.
    const pooled = await variantAggregates(store.sql, { from: '2026-11-17', to: '2026-12-01' });
    assert.deepEqual(pooled.map((v) => [v.variant, v.clicks / v.impressions]), [['a', 0.092], ['b', 0.0485]]);
    const pooledReport = buildReport({ from: '2026-11-17', to: '2026-11-30', aggregates: pooled, daily: [], interleaving: [], configured: configuredPlacements(config(10, 90)) });
    assert.equal(pooledReport.placements[0]!.verdict!.winner, 'a');
    const best = await report();
    assert.deepEqual(best.variants.map((v) => [v.variant, v.impressions]), [['a', 2000], ['b', 18_000]], 'only the events served under 10/90');
    assert.equal(best.verdict!.status, 'winner', best.verdict!.text);
    assert.equal(best.verdict!.winner, 'b', best.verdict!.text);
    assert.equal(best.earlierConfigEvents, leftOut);
    assert.match(best.verdict!.text, new RegExp(`${leftOut.toLocaleString('en')} events of an earlier configuration of this split \\(other weights or salt\\) are left out`));
  });

  it('checks the sample ratio on the answers served under the current configuration only', async () => {
    await seedEvents();
    const counted: RequestCountRow[][] = [];
    const counter = createRequestCounter({ add: async (rows) => void counted.push(rows), now: () => Date.parse('2026-11-20T10:00:00.000Z'), log: () => undefined });
    for (let i = 0; i < 1000; i++) counter.count('best', i < 900 ? 'a' : 'b', false, before9010);
    await counter.flush();
    const later = createRequestCounter({ add: async (rows) => void counted.push(rows), now: () => Date.parse('2026-11-27T10:00:00.000Z'), log: () => undefined });
    for (let i = 0; i < 1000; i++) later.count('best', i < 100 ? 'a' : 'b', false, after1090);
    await later.flush();
    for (const rows of counted) await store.addRequests(rows);
    const best = await report();
    // Pooled, 1,000 and 1,000 against 10/90 would be a sample ratio mismatch and hide the verdict.
    assert.deepEqual(best.sampleRatio!.observed, { a: 100, b: 900 });
    assert.equal(best.sampleRatio!.mismatch, false);
    assert.equal(best.verdict!.winner, 'b', best.verdict!.text);
  });

  it('says "not yet" right after a ramp, before the current configuration has events', async () => {
    const events = [...period('a', before9010, '2026-11-20', 500, 0.1), ...period('b', before9010, '2026-11-20', 500, 0.2)];
    await store.insertBatch('b_ramp_only_before', events);
    const best = await report();
    assert.equal(best.verdict!.status, 'not-yet');
    assert.match(best.verdict!.text, /^Not yet: no data for a, b\./);
    assert.equal(best.earlierConfigEvents, events.length);
  });

  it('keeps pooling events stored before fingerprints (nothing to tell their configurations apart)', async () => {
    const events = period('a', '', '2026-11-20', 10, 0.1).map(({ split: _split, ...e }) => e);
    await store.insertBatch('b_ramp_legacy', events);
    const best = await report();
    assert.equal(best.variants.find((v) => v.variant === 'a')!.impressions, 40);
    assert.equal(best.earlierConfigEvents, 0);
  });

  it('migration 3 keeps the answers counted before it, under no fingerprint', async () => {
    const migrated = await store.sql.query<{ version: number }>('SELECT version FROM recs_migrations ORDER BY version');
    assert.deepEqual(migrated.map((row) => Number(row.version)), MIGRATIONS.map((m) => m.version));
    await store.addRequests([{ day: '2026-11-27', placement: 'best', variant: 'a', interleaved: false, count: 3 }]);
    await store.addRequests([{ day: '2026-11-27', placement: 'best', variant: 'a', interleaved: false, count: 2, split: after1090 }]);
    await store.addRequests([{ day: '2026-11-27', placement: 'best', variant: 'a', interleaved: false, count: 4, split: after1090 }]);
    const rows = await store.sql.query<{ split: string; count: number }>('SELECT split, count FROM recs_requests ORDER BY split');
    assert.deepEqual(rows.map((r) => [r.split, Number(r.count)]), [['', 3], [after1090, 6]]);
  });
}

describe('split report across a ramp (PGlite)', () => {
  rampSuite(() => openEventStore({ dataDir: 'memory://' }));

  it("stamps the demo's simulated split with recs.config.json's fingerprint, so the demo page's own events join it", async () => {
    const { bestsellers } = JSON.parse(readFileSync('recs.config.json', 'utf8')).placements as Record<string, { variants: Record<string, { weight: number }> }>;
    const expected = await splitFingerprint(Object.entries(bestsellers!.variants).map(([name, { weight }]) => ({ name, weight })), 'bestsellers');
    const events: SimStoredEvent[] = [];
    const requests: { placement: string; split?: string }[] = [];
    await simulateDemo(
      { insertBatch: async (_id, batch) => void events.push(...batch), addRequests: async (rows) => void requests.push(...rows) },
      { seed: 1, now: NOW, pageViews: 50, placements: DEMO_PLACEMENTS, sign: async (placement, variant) => `v1.${placement}.${variant}` },
    );
    const splits = (rows: { placement: string; split?: string }[]) => [...new Set(rows.map((row) => `${row.placement}:${row.split ?? ''}`))].sort();
    assert.deepEqual(splits(events), [`bestsellers:${expected}`, 'similar:']);
    assert.deepEqual(splits(requests), [`bestsellers:${expected}`, 'similar:']);
  });

  it('migration 3 applies to a store at version 2 with answers counted', async () => {
    const { openPglite } = await import('../../src/proxy/events/pglite-driver.js');
    const sql = await openPglite('memory://', 5000);
    try {
      for (const migration of MIGRATIONS.slice(0, 2)) for (const statement of migration.statements) await sql.query(statement);
      await sql.query('CREATE TABLE recs_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
      await sql.query('INSERT INTO recs_migrations (version) VALUES (1), (2)');
      await sql.query(`INSERT INTO recs_requests (day, placement, variant, interleaved, count) VALUES ('2026-11-01', 'best', 'a', false, 7)`);
      assert.deepEqual(await runMigrations(sql), MIGRATIONS.slice(2).map((m) => m.version));
      assert.deepEqual(await sql.query('SELECT split, count::int AS count FROM recs_requests'), [{ split: '', count: 7 }]);
    } finally {
      await sql.close();
    }
  });
});

describe('answers served, counted per split configuration by the proxy', () => {
  it('counts each split answer under the fingerprint its request id signs', async () => {
    const proxy = await startMeasuredProxy(
      { placements: { best: { provider: 'split', variants: { a: { provider: 'demo', weight: 10 }, b: { provider: 'demo', ranking: 'popular', weight: 90 } } }, pdp: { provider: 'demo' } } },
      { RECS_EVENTS_SECRET: 'ramp-test-events-secret-0123456789abcdef' },
    );
    try {
      for (let i = 0; i < 5; i++) assert.equal((await call(query(`${proxy.url}/recs/best`, { productId: 'sku-01', shopper: `shopper-${i}` }))).status, 200);
      assert.equal((await call(query(`${proxy.url}/recs/pdp`, { productId: 'sku-01' }))).status, 200);
      await proxy.stopServer();
      const rows = await proxy.store.sql.query<{ placement: string; split: string; n: number }>('SELECT placement, split, sum(count)::int AS n FROM recs_requests GROUP BY 1, 2 ORDER BY 1');
      assert.deepEqual(rows, [{ placement: 'best', split: await fingerprint(10, 90), n: 5 }, { placement: 'pdp', split: '', n: 1 }]);
    } finally {
      await proxy.store.close();
    }
  });
});

describe('split report across a ramp (Postgres)', { skip: postgresSkip }, () => {
  const server = usePostgres();
  rampSuite(() => openEventStore({ databaseUrl: server.url }));
});
