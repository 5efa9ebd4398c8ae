// Render bench: time from data arrival to painted cards, <recs-list> (Lit) next to a
// plain-DOM baseline of the same markup. Run with `npm run bench` (builds dist/ first).
//
// Method, and why:
// - A real browser, because the cost is Lit + style + layout + paint, which jsdom or
//   node cannot measure: Debian's headless Chromium driven by playwright-core (no
//   browser download), launched with the same flags as the browser tests.
// - A node:http static server on 127.0.0.1, port 0 (no dependency, no port clash),
//   serving only dist/ and bench/. It sends COOP/COEP so the page is cross-origin
//   isolated and performance.now() has 5 us resolution instead of 100 us; and a
//   max-age, so later pages take the bundle from the HTTP cache.
// - The data comes from a registered transport whose promise the page resolves, so
//   no network, JSON or timer noise is inside the measurement. t0 is taken right
//   before resolving, after the element is `loading` (its Intl.NumberFormat warm-up
//   done) and the skeletons have been painted; t1 after `recs-load` (fired after
//   Lit's updateComplete) and the next frame (requestAnimationFrame + setTimeout 0).
// - Three figures per case:
//     cold   the first run in a new browser context (empty HTTP cache, new renderer):
//            bundle fetched and compiled, every code path first used. Median of COLD runs.
//     fresh  a new page for every run (bundle from cache): rendering paths cold in a
//            new page, as a shopper's page view. Median / p90 / min of RUNS.
//     warm   new element after new element in one page (WARMUP runs discarded):
//            Lit's templates prepared, JIT warm, as a second widget on the page.
//   Lit and baseline runs alternate, so drift of the machine hits both alike. Only one
//   page is open at a time: with two, the one behind had its frames held back ~1 s.
// - Headless Chromium produces frames at a fixed 60 Hz, so t1 - t0 includes waiting
//   for the next frame (up to 16.7 ms) and is quantized by it. Each run therefore
//   also records "script" (t0 to recs-load / DOM built) and "frame" (main-thread
//   style, layout and paint of the frame that shows the cards: requestAnimationFrame
//   callback to the task after it); script + frame is the work without the wait.
// - The baseline builds the same li > a > span.media > img + brand + title + price
//   markup with createElement/textContent, inside a shadow root with the widget's own
//   stylesheets, so both pay the same style and layout work.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { cpus, loadavg, totalmem, release } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';

const loadBefore = loadavg()[0];
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const COLD = Number(process.env.BENCH_COLD ?? 5);
const WARMUP = 5;
const SCENARIOS = [20, 100];
const MODES = [
  ['lit', '<recs-list> (Lit)'],
  ['dom', 'plain DOM baseline'],
];
const root = new URL('..', import.meta.url).pathname;
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const args = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

await stat(join(root, 'dist/recs.js')).catch(() => {
  console.error('dist/recs.js is missing: run `npm run build` first (npm run bench does).');
  process.exit(1);
});

// --- static server -----------------------------------------------------------------
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.svg': 'image/svg+xml', '.css': 'text/css' };
const server = createServer(async (request, response) => {
  const path = normalize(decodeURIComponent(new URL(request.url, 'http://x').pathname));
  const allowed = path.startsWith('/dist/') || path.startsWith('/bench/');
  const body = allowed ? await readFile(join(root, path)).catch(() => null) : null;
  if (!body) {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, {
    'content-type': types[extname(path)] ?? 'application/octet-stream',
    'cache-control': 'max-age=3600',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-embedder-policy': 'require-corp',
  });
  response.end(body);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

// --- browser -------------------------------------------------------------------------
const browser = await chromium.launch({ executablePath, args });
let shim = '';

async function openPage(context) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${origin}/bench/render.html${shim}`);
  try {
    await page.waitForFunction(() => window.benchReady === true, null, { timeout: 5000 });
  } catch {
    await page.close();
    throw new Error(`bench page did not start: ${errors.join('; ') || 'no error reported'}`);
  }
  return page;
}

const run = (page, mode, n) => page.evaluate(([m, count]) => window.benchRun(m, count), [mode, n]);

// dist/recs.js must load on a plain page. If it needs a `process` global (a bundler
// left process.env.NODE_ENV in), say so loudly and measure with a shim.
const notes = [];
{
  const context = await browser.newContext();
  try {
    await (await openPage(context)).close();
  } catch (error) {
    if (!/process is not defined/.test(error.message)) throw error;
    shim = '?shim=process';
    notes.push('dist/recs.js throws "ReferenceError: process is not defined" on a plain page (process.env.NODE_ENV left in the bundle); measured with window.process defined by the bench page.');
    console.warn(`WARNING: ${notes.at(-1)}`);
  }
  await context.close();
}

const info = await (async () => {
  const context = await browser.newContext();
  const page = await openPage(context);
  const value = await page.evaluate(() => window.benchInfo);
  await context.close();
  return value;
})();

// --- measurements ----------------------------------------------------------------------
const results = {}; // results[n][mode] = { cold: [], fresh: [], warm: [], sample }
for (const n of SCENARIOS) {
  results[n] = Object.fromEntries(MODES.map(([mode]) => [mode, { cold: [], fresh: [], warm: [] }]));
  for (let i = 0; i < COLD; i++) {
    for (const [mode] of MODES) {
      const context = await browser.newContext();
      results[n][mode].cold.push(await run(await openPage(context), mode, n));
      await context.close();
    }
  }
  const context = await browser.newContext();
  for (const [mode] of MODES) await (await openPage(context)).close(); // bundle into this context's cache
  for (let i = 0; i < RUNS; i++) {
    for (const [mode] of MODES) {
      const page = await openPage(context);
      results[n][mode].fresh.push(await run(page, mode, n));
      await page.close();
    }
  }
  const page = await openPage(context);
  for (let i = 0; i < WARMUP; i++) for (const [mode] of MODES) await run(page, mode, n);
  for (let i = 0; i < RUNS; i++) {
    for (const [mode] of MODES) results[n][mode].warm.push(await run(page, mode, n));
  }
  for (const [mode] of MODES) results[n][mode].sample = results[n][mode].warm.at(-1);
  await context.close();
}
const version = browser.version();
await browser.close();
server.close();

// --- report ------------------------------------------------------------------------------
const sorted = (values) => [...values].sort((a, b) => a - b);
const quantile = (values, q) => sorted(values)[Math.min(values.length - 1, Math.ceil(q * values.length) - 1)];
const median = (values) => {
  const s = sorted(values);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const ms = (value) => value.toFixed(2);
const pick = (runs, key) => runs.map((r) => r[key]);

const lines = [];
lines.push(`t0 = data promise resolved, t1 = cards painted; ms. ${RUNS} runs per row; "cold" = median of ${COLD} runs, each the first in a new browser context.`);
lines.push('"script" = t0 to recs-load (baseline: DOM built); "frame" = style + layout + paint of the frame that shows the cards (medians).');
lines.push('');
lines.push('| cards | implementation | runs | cold | median | p90 | min | script | frame |');
lines.push('|---:|---|---|---:|---:|---:|---:|---:|---:|');
for (const n of SCENARIOS) {
  for (const [mode, label] of MODES) {
    const r = results[n][mode];
    for (const kind of ['fresh', 'warm']) {
      const total = pick(r[kind], 'total');
      const cold = kind === 'fresh' ? ms(median(pick(r.cold, 'total'))) : '';
      const cells = [n, label, kind === 'fresh' ? 'fresh page each' : 'warm, same page', cold, ms(median(total)), ms(quantile(total, 0.9)), ms(Math.min(...total)), ms(median(pick(r[kind], 'built'))), ms(median(pick(r[kind], 'frame')))];
      lines.push(`| ${cells.join(' | ')} |`);
    }
  }
}
lines.push('');
lines.push(`Cold script/frame medians (ms): ${SCENARIOS.flatMap((n) => MODES.map(([mode]) => `${n} ${mode} ${ms(median(pick(results[n][mode].cold, 'built')))}/${ms(median(pick(results[n][mode].cold, 'frame')))}`)).join(', ')}.`);
lines.push(`Cold runs, total (ms): ${SCENARIOS.flatMap((n) => MODES.map(([mode]) => `${n} ${mode} [${pick(results[n][mode].cold, 'total').map(ms).join(', ')}]`)).join(', ')}.`);
lines.push(`Check: ${SCENARIOS.flatMap((n) => MODES.map(([mode]) => `${n} ${mode}: ${results[n][mode].sample.cards} cards, first price "${results[n][mode].sample.firstPrice}"`)).join('; ')}.`);
lines.push('');
lines.push(`Chromium ${version} (headless, ${executablePath}), playwright-core, Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GB, Linux ${release()}; 1-min load average ${loadBefore.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after; crossOriginIsolated=${info.crossOriginIsolated}.`);
for (const note of notes) lines.push(`Note: ${note}`);
console.log(lines.join('\n'));
if (process.env.BENCH_JSON) console.log(JSON.stringify(results));
