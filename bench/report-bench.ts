/**
 * `npm run bench:report`: how long building the experiments report takes on about 210,000
 * events in embedded PGlite (in memory), through the route itself (`GET /report.json`, the
 * same queries as `/report`).
 *
 * The store is filled by the demo's seeded simulation (report/simulate.ts) of recs.config.json's
 * split and interleave over 14 days, with what real traffic adds and the simulation leaves out:
 * each page view's client unit and a split's shopper bucket (the report's clusters), request ids
 * shaped like signed ones (their length sizes the request_id index), a tenth of clicked cards
 * without their impression (a click within the first visible second), a few order lines quoting
 * another product (unattributed), and an earlier 90/10 configuration of the split, which the
 * report leaves out. Everything comes from one seed: the same rows and the same report each run.
 * It prints the median and minimum of the wall clock and of this process's CPU time (PGlite runs
 * in it), which the rest of a shared machine moves less.
 *
 * Environment: BENCH_RUNS (timed runs, default 5, after one warm-up), BENCH_PAGE_VIEWS (per
 * placement, default 21,750), BENCH_REPORT_OUT (a file to write the report's JSON to, to check
 * that a change to the queries leaves every figure as it was).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { openEventStore, type StoredEvent } from '../src/proxy/events/store.js';
import { createReportRoutes } from '../src/proxy/report/routes.js';
import { DEMO_PLACEMENTS, seededRandom, simulateDemo, type SimPlacement, type SimSink } from '../src/proxy/report/simulate.js';
import { loadConfig } from '../src/proxy/server.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const PAGE_VIEWS = Number(process.env.BENCH_PAGE_VIEWS ?? 21_750);
const SEED = 7;
const NOW = Date.parse('2026-11-30T12:00:00.000Z');
const TOKEN = 'bench-report-token-0123456789abcdef';
const IMPLIED_SHARE = 0.1;
const UNATTRIBUTED_SHARE = 0.03;

const random = seededRandom(SEED * 7919);
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const randomText = (length: number) => Array.from({ length }, () => BASE64URL[Math.floor(random() * 64)]).join('');

/** A request id of the signed form's shape and length (experiments/token.ts), from the seed instead of a random nonce and a key. */
function requestIdLike(ranks: number | string): string {
  return `v1.${randomText(16)}.${Math.floor(NOW / 1000).toString(36)}.${typeof ranks === 'number' ? `-${ranks}` : ranks}.${randomText(22)}`;
}

/** The simulation's batches with a client unit and bucket per page view, some impressions dropped and some order lines re-pointed. */
function realisticSink(store: SimSink): SimSink {
  const units = new Map<string, { client: number; bucket: number }>();
  return {
    addRequests: (rows) => store.addRequests(rows),
    insertBatch(batchId, events) {
      const clicked = new Set(events.filter((e) => e.type === 'click').map((e) => `${e.requestId}:${e.rank}`));
      const kept: StoredEvent[] = [];
      for (const event of events) {
        let unit = units.get(event.requestId);
        if (!unit) units.set(event.requestId, (unit = { client: Math.floor(random() * 1000), bucket: Math.floor(random() * 1000) }));
        if (event.type === 'impression' && clicked.has(`${event.requestId}:${event.rank}`) && random() < IMPLIED_SHARE) continue;
        const itemId = event.type === 'order' && random() < UNATTRIBUTED_SHARE ? `${event.itemId}-other` : event.itemId;
        kept.push({ ...event, itemId, client: unit.client, ...(event.split === undefined ? {} : { bucket: unit.bucket }) });
      }
      return store.insertBatch(batchId, kept);
    },
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function main(): Promise<void> {
  // Long enough for the slowest query here: the bench measures it rather than the 503.
  const store = await openEventStore({ dataDir: 'memory://', statementTimeoutMs: 120_000 });
  const config = await loadConfig('recs.config.json');
  const catalog = (JSON.parse(await readFile('demo/catalog.json', 'utf8')) as { items: { id: string; price: { amount: number } }[] }).items.map((item) => ({ id: item.id, price: item.price.amount }));
  const sink = realisticSink(store);
  const sign = async (_placement: string, _variant: string, ranks: number | string) => requestIdLike(ranks);
  const seedStarted = performance.now();
  const split = DEMO_PLACEMENTS.find((p): p is Extract<SimPlacement, { kind: 'split' }> => p.kind === 'split')!;
  const ramp: SimPlacement = { ...split, variants: split.variants.map((v, i) => ({ ...v, weight: i === 0 ? 90 : 10 })) };
  const earlier = await simulateDemo(sink, { seed: SEED + 1, now: NOW, days: 14, pageViews: Math.round(PAGE_VIEWS / 10), placements: [ramp], sign, catalog });
  const current = await simulateDemo(sink, { seed: SEED, now: NOW, days: 14, pageViews: PAGE_VIEWS, placements: DEMO_PLACEMENTS, sign, catalog });
  const [{ n: events }] = (await store.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM recs_events')) as [{ n: number }];
  console.log(
    `seeded ${events.toLocaleString('en')} events (${(earlier.pageViews + current.pageViews).toLocaleString('en')} page views) in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`,
  );

  const routes = createReportRoutes({ sql: () => store.sql, token: TOKEN, now: () => NOW, placements: config.placements });
  const request = () => new Request('https://proxy.example/report.json', { headers: { authorization: `Bearer ${TOKEN}` } });
  const build = async () => {
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    const response = await routes.reportJson(request());
    const body = await response.text();
    if (response.status !== 200) throw new Error(`the report answered ${response.status}: ${body}`);
    const cpu = process.cpuUsage(cpuStarted);
    return { ms: performance.now() - started, cpuMs: (cpu.user + cpu.system) / 1000, body };
  };

  const warmup = await build();
  if (process.env.BENCH_REPORT_OUT) {
    await writeFile(process.env.BENCH_REPORT_OUT, `${JSON.stringify(JSON.parse(warmup.body), null, 2)}\n`);
    console.log(`report JSON written to ${process.env.BENCH_REPORT_OUT}`);
  }
  const times: number[] = [];
  const cpuTimes: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const { ms, cpuMs, body } = await build();
    // Every run must give the same report: a faster query that changes a figure is a bug.
    if (body !== warmup.body) throw new Error(`run ${run + 1} gave another report than the first`);
    times.push(ms);
    cpuTimes.push(cpuMs);
  }
  const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(`report over ${events.toLocaleString('en')} events, ${RUNS} runs after a warm-up (${seconds(warmup.ms)}):`);
  console.log(`  median ${seconds(median(times))}, min ${seconds(Math.min(...times))}, max ${seconds(Math.max(...times))}`);
  // PGlite runs in this process: its CPU time depends less than the wall clock on what else the machine runs.
  console.log(`  CPU time: median ${seconds(median(cpuTimes))}, min ${seconds(Math.min(...cpuTimes))}`);
  console.log(`  load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}, node ${process.version}`);
  await store.close();
}

await main();
