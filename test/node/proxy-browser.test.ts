/**
 * End to end in Chromium: the script-tag bundle (dist/recs.js) on a storefront page,
 * `transport="proxy"` pointing at the real proxy, the proxy calling a vendor stub.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { REPO_ROOT, startTestProxy, type TestProxy } from './harness.js';
import { launchChromium } from './support/chromium.ts';
import { SNAPPY_KEY, startSnappyStub } from './stubs/snappy.js';
import { ADOBE_API_KEY, ADOBE_TOKEN, ADOBE_TRACKER_ID, startAdobeStub } from './stubs/adobe.js';
import { YESPO_KEY, startYespoStub } from './stubs/yespo.js';
import type { Stub } from './stubs/stub-server.js';

const DIST = join(REPO_ROOT, 'dist');
const CHROMIUM = '/usr/bin/chromium';
const skip = !existsSync(join(DIST, 'recs.js'))
  ? 'dist/recs.js is missing: run `npm run build` first'
  : !existsSync(CHROMIUM)
    ? `${CHROMIUM} is missing`
    : false;

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.html': 'text/html', '.css': 'text/css', '.svg': 'image/svg+xml' };

/** The storefront: serves dist/ and one page per test. */
async function startStorefront(pages: Map<string, string>): Promise<{ origin: string; server: Server }> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://shop').pathname;
    const page = pages.get(path);
    if (page) {
      response.writeHead(200, { 'content-type': 'text/html' });
      return response.end(page);
    }
    const file = normalize(join(DIST, path));
    if (!file.startsWith(DIST) || !existsSync(file)) {
      response.writeHead(404);
      return response.end();
    }
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    response.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const page = (element: string) => `<!doctype html><html><head><meta charset="utf-8"><title>shop</title></head><body>
<script type="module" src="/recs.js"></script>
${element}
</body></html>`;

/** Opens a storefront page; a script error on it fails the test with what the merchant would see. */
async function openPage(browser: Browser, url: string): Promise<Page> {
  const browserPage = await browser.newPage();
  const errors: string[] = [];
  browserPage.on('pageerror', (error) => errors.push(error.message));
  await browserPage.goto(url);
  await browserPage.waitForLoadState('load');
  if (errors.length) assert.fail(`dist/recs.js threw on the storefront page, so no widget renders: ${errors.join('; ')}`);
  return browserPage;
}

async function waitForState(browserPage: Page, state: string) {
  await browserPage.waitForFunction((wanted) => document.querySelector('recs-list')?.getAttribute('state') === wanted, state, { timeout: 15_000 });
}

const cardTitles = (browserPage: Page) =>
  browserPage.evaluate(() =>
    [...(document.querySelector('recs-list')?.shadowRoot?.querySelectorAll('[part="card"]') ?? [])].map(
      (card) => card.querySelector('[part="title"]')?.textContent?.trim(),
    ),
  );

describe('widget in Chromium through the proxy to a vendor stub', { skip }, () => {
  const pages = new Map<string, string>();
  let storefront: { origin: string; server: Server };
  let snappy: Stub;
  let adobe: Stub;
  let yespo: Stub;
  let proxy: TestProxy;
  let browser: Browser;

  before(async () => {
    storefront = await startStorefront(pages);
    snappy = await startSnappyStub();
    adobe = await startAdobeStub();
    yespo = await startYespoStub();
    proxy = await startTestProxy(
      {
        allowedOrigins: [storefront.origin],
        catalog: { source: 'test/fixtures/adobe/catalog.json' },
        placements: {
          related: { provider: 'snappy', endpoint: snappy.url, apiKeyEnv: 'SNAPPY_API_KEY', location: 'US' },
          cart: { provider: 'adobe', endpoint: adobe.url, apiKeyEnv: 'ADOBE_API_KEY', accessTokenEnv: 'ADOBE_ACCESS_TOKEN' },
          contact: { provider: 'yespo', endpoint: yespo.url, apiKeyEnv: 'YESPO_API_KEY', sourceId: '1244' },
        },
      },
      { SNAPPY_API_KEY: SNAPPY_KEY, ADOBE_API_KEY, ADOBE_ACCESS_TOKEN: ADOBE_TOKEN, YESPO_API_KEY: YESPO_KEY },
    );
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await proxy?.close();
    await snappy?.close();
    await adobe?.close();
    await yespo?.close();
    await new Promise((resolve) => storefront?.server.close(resolve));
  });

  it('renders Snappy products as cards, in rank order, for an anonymous GET', async () => {
    pages.set(
      '/snappy.html',
      page(`<recs-list transport="proxy" endpoint="${proxy.url}/recs/related" product-id="655277e68e0719000d6c3fd5" limit="3" lazy="false"></recs-list>`),
    );
    const browserPage = await openPage(browser, `${storefront.origin}/snappy.html`);
    try {
      await waitForState(browserPage, 'ready');
      assert.deepEqual(await cardTitles(browserPage), ['NFL 25-Layer StadiumView Wall Art', 'Stainless Steel Insulated Tumbler', 'Digital Gift Card']);
      assert.equal(snappy.received.at(-1)!.headers['x-api-key'], SNAPPY_KEY, 'the key is added by the proxy, not the page');
    } finally {
      await browserPage.close();
    }
  });

  it('POSTs for an identified shopper (CORS preflight included) and passes Adobe\'s tracker id to recs-load', async () => {
    pages.set(
      '/adobe.html',
      page(`<recs-list transport="proxy" endpoint="${proxy.url}/recs/cart" customer-id="1005513019" product-id="30005702CA01A12" lazy="false"></recs-list>
<script>document.addEventListener('recs-load', (event) => { window.loaded = event.detail; });</script>`),
    );
    const browserPage = await openPage(browser, `${storefront.origin}/adobe.html`);
    try {
      await waitForState(browserPage, 'ready');
      assert.deepEqual(await cardTitles(browserPage), ['Creative Cloud All Apps', 'Adobe Stock']);
      const trackerId = await browserPage.evaluate(() => (window as unknown as { loaded?: { trackerId?: string } }).loaded?.trackerId);
      assert.equal(trackerId, ADOBE_TRACKER_ID);
      assert.equal(JSON.parse(adobe.received.at(-1)!.body).customerId, '1005513019');
    } finally {
      await browserPage.close();
    }
  });

  it('shows the error state when the vendor fails (upstream 503 -> proxy 502)', async () => {
    pages.set(
      '/error.html',
      page(`<recs-list transport="proxy" endpoint="${proxy.url}/recs/related" product-id="6527bb3567f414000c15d2c8" lazy="false"><p slot="error">Nothing to show</p></recs-list>`),
    );
    snappy.fault = 'unavailable';
    const browserPage = await openPage(browser, `${storefront.origin}/error.html`).catch((error: unknown) => {
      snappy.fault = 'none';
      throw error;
    });
    try {
      await waitForState(browserPage, 'error');
      assert.deepEqual(await cardTitles(browserPage), []);
    } finally {
      snappy.fault = 'none';
      await browserPage.close();
    }
  });

  /**
   * One adapter per vendor, run by two runners: the same vendor stub and fixtures, asked
   * directly from the page (the browser runner, the vendor chunk from dist/) and through
   * the proxy (the proxy runner), must give the same items.
   */
  for (const vendor of ['snappy', 'yespo'] as const) {
    it(`gives the same ${vendor} items through the browser runner and through the proxy runner`, async () => {
      const direct =
        vendor === 'snappy'
          ? `transport="snappy" endpoint="${snappy.url}" api-key="${SNAPPY_KEY}" location="US" product-id="655277e68e0719000d6c3fd5"`
          : `transport="yespo" endpoint="${yespo.url}" api-key="${YESPO_KEY}" source-id="1244" web-id="web-42"`;
      const proxied =
        vendor === 'snappy'
          ? `transport="proxy" endpoint="${proxy.url}/recs/related" product-id="655277e68e0719000d6c3fd5"`
          : `transport="proxy" endpoint="${proxy.url}/recs/contact" web-id="web-42"`;
      pages.set(`/same-${vendor}.html`, page(`<recs-list id="direct" ${direct} lazy="false"></recs-list><recs-list id="proxied" ${proxied} lazy="false"></recs-list>`));
      const browserPage = await openPage(browser, `${storefront.origin}/same-${vendor}.html`);
      try {
        await browserPage.waitForFunction(() => [...document.querySelectorAll('recs-list')].every((list) => list.getAttribute('state') === 'ready'), null, { timeout: 15_000 });
        const [fromBrowser, fromProxy] = await browserPage.evaluate(() =>
          ['direct', 'proxied'].map((id) => JSON.parse(JSON.stringify((document.getElementById(id) as unknown as { items: unknown[] }).items))),
        );
        assert.ok(fromBrowser.length >= 2, 'the fixture has several usable products');
        assert.deepEqual(fromProxy, fromBrowser);
      } finally {
        await browserPage.close();
      }
    });
  }
});
