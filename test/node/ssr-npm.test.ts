/**
 * Server-rendered placements taken over by the npm package: an app that bundles
 * `import 'recs-widget/define'` with its own bundler, instead of the script tag. The README
 * promises the element "takes these cards over without a request and without a visible
 * change (Lit hydration)". Hydration matches a template by a digest of its text, so the npm
 * build must compact its templates as dist/recs.js and the server's HTML do; before it did,
 * the carousel's cards were thrown away and rendered again. Needs `npm run build` first.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { REPO_ROOT, collectPageErrors, launchChromium } from './support/chromium.ts';
import { renderPlacementHtml, type PlacementHtmlOptions } from '../../src/proxy/html-answer.ts';

const ANSWER: PlacementHtmlOptions['answer'] = {
  items: [
    { id: 'sku-01', title: 'Trail shoe', url: '/products/sku-01', price: { amount: 89.5, currency: 'EUR' } },
    { id: 'sku-02', title: 'Rain jacket', url: '/products/sku-02', price: { amount: 120, currency: 'EUR' } },
    { id: 'sku-03', title: 'Wool socks', url: '/products/sku-03', price: { amount: 12, currency: 'EUR' } },
  ],
  requestId: 'req-1',
  variant: 'default',
};
const ATTRIBUTES = { transport: 'proxy', endpoint: '/recs/pdp', 'product-id': 'sku-09', heading: 'You may also like', limit: '3', locale: 'en-US' };

const work = mkdtempSync(join(tmpdir(), 'recs-npm-hydrate-'));
let browser: Browser;
let server: Server;
let origin: string;
const requests: string[] = [];
const pages = new Map<string, string>();

before(async () => {
  // The app's bundle, as Vite or esbuild would make it from the package's exports (lit resolved from node_modules).
  writeFileSync(join(work, 'main.js'), "import 'recs-widget/define';\n");
  await build({
    entryPoints: [join(work, 'main.js')], bundle: true, splitting: true, format: 'esm', outdir: join(work, 'out'),
    platform: 'browser', nodePaths: [join(REPO_ROOT, 'node_modules')], absWorkingDir: REPO_ROOT, logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
    // Resolve `recs-widget` to this package through its exports map (self-reference from the repository root).
    alias: { 'recs-widget/define': join(REPO_ROOT, 'dist/define.js') },
  });
  server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    requests.push(`${request.method} ${path}`);
    if (request.method === 'POST') return void response.writeHead(204).end();
    const page = pages.get(path);
    if (page) return void response.writeHead(200, { 'content-type': 'text/html' }).end(page);
    const file = normalize(join(work, 'out', path));
    try {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(file));
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  rmSync(work, { recursive: true, force: true });
});

describe('the npm package takes over server-rendered placements', () => {
  for (const tag of ['recs-list', 'recs-carousel'] as const) {
    it(`keeps the server's ${tag} cards (hydrates them, renders nothing again) when the app bundles recs-widget/define`, async () => {
      const html = await renderPlacementHtml({ tag, attributes: ATTRIBUTES, answer: ANSWER });
      const path = `/${tag}.html`;
      pages.set(path, `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"></head><body>${html}</body></html>`);
      const page = await browser.newPage();
      const errors = collectPageErrors(page);
      await page.goto(origin + path);
      await page.locator(`${tag} [part="card"]`).first().waitFor();
      await page.evaluate((tag) => {
        for (const card of document.querySelector(tag)!.shadowRoot!.querySelectorAll('[part="card"]')) (card as any).__fromServer = true;
        document.addEventListener('recs-load', () => ((window as any).__loaded = true));
      }, tag);
      // Now the app's bundle runs, as a module script added after the server HTML.
      await page.evaluate(() => new Promise<void>((resolve, reject) => {
        const script = Object.assign(document.createElement('script'), { type: 'module', src: '/main.js' });
        script.onload = () => resolve();
        script.onerror = () => reject(new Error('bundle failed'));
        document.head.append(script);
      }));
      await page.waitForFunction(() => (window as any).__loaded === true, undefined, { timeout: 5000 });
      await page.locator(tag).evaluate((element) => (element as any).updateComplete);
      const kept = await page.locator(tag).evaluate((element) => [...element.shadowRoot!.querySelectorAll('[part="card"]')].map((card) => (card as any).__fromServer === true));
      assert.deepEqual(kept, [true, true, true], 'the server cards were thrown away and rendered again (templates differ from the server\'s)');
      assert.deepEqual(requests.filter((line) => line.includes('/recs/')), []);
      assert.deepEqual(errors, []);
      await page.close();
    });
  }
});
