/**
 * dist/recs.js on the pages merchants actually have: a strict Content-Security-Policy
 * with Trusted Types and SRI, and a page whose old scripts patched built-ins, wrapped
 * fetch and defined an AMD loader. Needs `npm run build` first (dist/ and dist/recs.js.sri).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { REPO_ROOT, STRICT_CSP, collectPageErrors, launchChromium, startStaticServer, type ServerOptions, type StaticServer } from './support/chromium.ts';

const cspWith = (trustedTypes: string) => STRICT_CSP.replace('trusted-types lit-html', `trusted-types ${trustedTypes}`);

const SRI = readFileSync(`${REPO_ROOT}dist/recs.js.sri`, 'utf8').trim();
/** The Snappy path the carousel requests, answered from a same-origin copy of a documented response. */
const SNAPPY_ROUTES = { '/test/pages/snappy/v3/products/655277e68e0719000d6c3fd5/recommendations': 'test/pages/snappy-related.json' };


let browser: Browser;
const servers: StaticServer[] = [];
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await Promise.all(servers.map((server) => server.close()));
});

async function open(path: string, options: ServerOptions = {}): Promise<{ page: Page; errors: string[] }> {
  const server = await startStaticServer({ routes: SNAPPY_ROUTES, substitute: { SRI }, ...options });
  servers.push(server);
  const page = await browser.newPage();
  const errors = collectPageErrors(page);
  await page.goto(`${server.origin}${path}`);
  return { page, errors };
}

/** Waits until every widget settled, and says which state each one ended in. */
async function settled(page: Page, ids: string[]): Promise<Record<string, string | null>> {
  await page
    .waitForFunction((list) => list.every((id) => ['ready', 'empty', 'error'].includes(document.getElementById(id)?.getAttribute('state') ?? '')), ids, { timeout: 8000 })
    .catch(() => {});
  return page.evaluate((list) => Object.fromEntries(list.map((id) => [id, document.getElementById(id)?.getAttribute('state') ?? null])), ids);
}

/** What a shopper gets from one widget: card titles, links and images, and whether styles applied. */
const cardsOf = (page: Page, id: string) =>
  page.evaluate((elementId) => {
    const root = document.getElementById(elementId)!.shadowRoot!;
    const cards = [...root.querySelectorAll('[part="card"]')];
    return {
      titles: cards.map((card) => card.querySelector('[part="title"]')?.textContent),
      hrefs: cards.map((card) => card.querySelector('a')?.getAttribute('href') ?? null),
      images: cards.map((card) => card.querySelector('img')?.getAttribute('src') ?? null),
      markup: root.querySelectorAll('script, [onerror], [onload], b').length,
      styled: cards.length > 0 && getComputedStyle(root.querySelector('[part="link"]')!).textDecorationLine === 'none',
    };
  }, id);

/** CSP violations and uncaught errors the page itself saw (test/pages/watch.js). */
const watched = (page: Page) => page.evaluate(() => {
  const { violations, errors } = (window as any).__recsWatch as { violations: string[]; errors: string[] };
  return { violations, errors };
});

describe('a strict storefront: CSP without unsafe-inline or unsafe-eval, Trusted Types, SRI', () => {
  it('renders proxy and Snappy cards with no CSP violation and no console error', async () => {
    const { page, errors } = await open('/test/pages/strict.html', { headers: { '/test/pages/strict.html': { 'content-security-policy': STRICT_CSP } } });
    assert.deepEqual(await settled(page, ['proxy', 'snappy']), { proxy: 'ready', snappy: 'ready' });

    const proxy = await cardsOf(page, 'proxy');
    assert.equal(proxy.titles.length, 4);
    assert.ok(proxy.titles[2]?.includes('<img src=x onerror'), 'markup in a title is shown as text');
    assert.deepEqual(proxy.hrefs, ['/products/sku-01', 'https://shop.example/p/sku-02', null, null]);
    assert.deepEqual(proxy.images, ['/demo/public/images/sku-01.svg', '/demo/public/images/sku-02.svg', null, '/demo/public/images/sku-04.svg']);
    assert.equal(proxy.markup, 0);
    assert.ok(proxy.styled, 'the shadow-root styles apply without style-src unsafe-inline');

    const snappy = await cardsOf(page, 'snappy');
    assert.deepEqual(snappy.titles, ['NFL 25-Layer StadiumView Wall Art', 'Stainless Steel Insulated Tumbler']);
    assert.deepEqual(snappy.hrefs, ['/products/655277e68e0719000d6c3fd6', '/products/6527bb3567f414000c15d2c8']);
    const loaded = await page.evaluate(() => performance.getEntriesByType('resource').map((entry) => new URL(entry.name).pathname));
    assert.ok(loaded.includes('/dist/transports/snappy.js'), 'the Snappy chunk loaded under script-src self');

    assert.equal(await page.evaluate(() => (document.querySelector('script[type="module"]') as HTMLScriptElement).integrity), SRI);
    assert.deepEqual(await watched(page), { violations: [], errors: [] });
    assert.deepEqual(errors, []);
  });

  it('refuses a bundle whose bytes do not match the integrity hash', async () => {
    const tampered = `sha384-${Buffer.alloc(48).toString('base64')}`;
    const { page, errors } = await open('/test/pages/strict.html', { substitute: { SRI: tampered }, headers: { '/test/pages/strict.html': { 'content-security-policy': STRICT_CSP } } });
    await page.waitForLoadState('load');
    assert.equal(await page.evaluate(() => customElements.get('recs-list')), undefined);
    assert.ok(errors.some((error) => /integrity/i.test(error)), errors.join('\n'));
  });

  it('needs exactly the Trusted Types policy name lit-html', async () => {
    const { page } = await open('/test/pages/strict.html', { headers: { '/test/pages/strict.html': { 'content-security-policy': cspWith("'none'") } } });
    await page.waitForLoadState('load');
    const { violations } = await watched(page);
    assert.ok(violations.some((violation) => /^trusted-types blocked trusted-types-policy \(lit-html\)/.test(violation)), violations.join('\n'));
    assert.equal(await page.evaluate(() => customElements.get('recs-list')), undefined);
  });

  it("runs two copies of the bundle on one page when the policy allows duplicate names ('allow-duplicates')", async () => {
    const twoCopies = (trustedTypes: string) => ({ headers: { '/test/pages/two-copies.html': { 'content-security-policy': cspWith(trustedTypes) } } });
    const allowed = await open('/test/pages/two-copies.html', twoCopies("lit-html 'allow-duplicates'"));
    assert.deepEqual(await settled(allowed.page, ['proxy']), { proxy: 'ready' });
    assert.deepEqual(await watched(allowed.page), { violations: [], errors: [] });
    assert.deepEqual(allowed.errors, []);

    // Without it the second copy cannot create its policy and fails to load; the first still renders.
    const strict = await open('/test/pages/two-copies.html', twoCopies('lit-html'));
    assert.deepEqual(await settled(strict.page, ['proxy']), { proxy: 'ready' });
    assert.ok((await watched(strict.page)).violations.some((violation) => /^trusted-types blocked trusted-types-policy \(lit-html\)/.test(violation)));
  });
});

describe('a card chunk that cannot load (a CDN miss, a blocked path)', () => {
  it('ends each widget in error with recs-error, nothing uncaught; the next request shows cards once it loads', async () => {
    const server = await startStaticServer({ routes: SNAPPY_ROUTES, substitute: { SRI } });
    servers.push(server);
    const page = await browser.newPage();
    let blocked = true;
    await page.route('**/dist/chunks/card.js', (route) => (blocked ? route.abort() : route.continue()));
    await page.addInitScript(() => {
      (window as any).recsErrors = [];
      addEventListener('recs-error', (event) => (window as any).recsErrors.push((event as CustomEvent).detail.error.code));
    });
    await page.goto(`${server.origin}/test/pages/strict.html`);
    assert.deepEqual(await settled(page, ['proxy', 'snappy']), { proxy: 'error', snappy: 'error' });
    assert.equal((await page.evaluate(() => (window as any).recsErrors)).length, 2);
    assert.deepEqual((await watched(page)).errors, []);

    blocked = false;
    await page.evaluate(() => document.getElementById('proxy')!.setAttribute('limit', '3'));
    await page.waitForFunction(() => document.getElementById('proxy')!.getAttribute('state') === 'ready');
    assert.equal((await cardsOf(page, 'proxy')).titles.length, 3);
    await page.close();
  });
});

describe('a storefront whose old scripts patched the page first', () => {
  it('renders with Prototype-style Array additions, a wrapped fetch and an AMD define', async () => {
    const { page, errors } = await open('/test/pages/hostile-host.html');
    assert.deepEqual(await settled(page, ['proxy', 'snappy']), { proxy: 'ready', snappy: 'ready' });
    assert.equal((await cardsOf(page, 'proxy')).titles.length, 4);
    assert.equal((await cardsOf(page, 'snappy')).titles.length, 2);
    const host = await page.evaluate(() => ({ fetches: (window as any).hostFetchCalls as string[], defineCalls: (window as any).define.calls.length as number }));
    assert.ok(host.fetches.some((url) => url.includes('/test/pages/recs.json')), 'requests go through the page fetch wrapper');
    assert.ok(host.fetches.some((url) => url.includes('/test/pages/snappy/v3/products/')));
    assert.equal(host.defineCalls, 0, 'the bundle never registers itself with an AMD loader');
    assert.deepEqual(await watched(page), { violations: [], errors: [] });
    assert.deepEqual(errors, []);
  });
});

describe('what the bundle leaves on the page', () => {
  it('adds two custom elements and no globals at all, and touches no built-in', async () => {
    const { page } = await open('/test/pages/strict.html', { headers: { '/test/pages/strict.html': { 'content-security-policy': STRICT_CSP } } });
    assert.deepEqual(await settled(page, ['proxy', 'snappy']), { proxy: 'ready', snappy: 'ready' });
    const change = await page.evaluate(() => {
      const watch = (window as any).__recsWatch;
      const now = watch.snapshot();
      const changed: Record<string, { added: string[]; removed: string[] }> = {};
      for (const key of Object.keys(now.names)) {
        const added = now.names[key].filter((name: string) => !watch.before.names[key].includes(name));
        const removed = watch.before.names[key].filter((name: string) => !now.names[key].includes(name));
        if (added.length || removed.length) changed[key] = { added, removed };
      }
      return {
        changed,
        sameFunctions: now.fetch === watch.before.fetch && now.define === watch.before.define && now.get === watch.before.get,
        elements: ['recs-list', 'recs-carousel'].map((name) => typeof customElements.get(name)),
      };
    });
    assert.deepEqual(change.elements, ['function', 'function']);
    assert.ok(change.sameFunctions, 'fetch and customElements are not replaced');
    const { window: globals, ...builtins } = change.changed;
    assert.deepEqual(builtins, {}, 'no built-in prototype gained or lost a property');
    assert.deepEqual(globals?.removed ?? [], []);
    // The bundled libraries' own globals (Lit's version lists, nanostores' epoch, zod's config) are rewritten away at build (scripts/no-globals.mjs).
    assert.deepEqual(globals?.added ?? [], [], 'no globals at all: the elements are registered by name, nothing else');
  });
});
