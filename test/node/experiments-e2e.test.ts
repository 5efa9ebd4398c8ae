/**
 * Issue 10 end to end, on the demo as `npm start` serves it (Vite with the proxy inside, an
 * embedded event store, the seeded report): a shopper in Chromium sees the interleaved
 * carousel and the split list, clicks, adds to the bag, orders; the report then shows
 * exactly those counts for the variant and team the proxy answered with. With consent
 * withheld nothing is sent and nothing is stored.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { ViteDevServer } from 'vite';
import type { Browser, Page } from 'playwright-core';
import { REPO_ROOT, collectPageErrors, launchChromium } from './support/chromium.ts';
import type { ReportData } from '../../src/proxy/report/model.js';

const TOKEN = 'e2e-report-token-0123456789';

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });

interface Answer {
  requestId: string;
  variant: string;
  items: { id: string; team?: string; price?: { amount: number } }[];
}

describe('the demo: events to the report', () => {
  let vite: ViteDevServer;
  let browser: Browser;
  let origin: string;
  before(async () => {
    const port = await freePort();
    Object.assign(process.env, { PORT: String(port), RECS_DATA_DIR: 'memory://', REPORT_TOKEN: TOKEN });
    const { createServer } = await import('vite');
    vite = await createServer({ configFile: join(REPO_ROOT, 'vite.config.ts'), logLevel: 'error', server: { host: '127.0.0.1', port, strictPort: true } });
    await vite.listen();
    origin = `http://127.0.0.1:${port}`;
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await vite?.close();
  });

  const report = async (): Promise<ReportData> => {
    const response = await fetch(`${origin}/report.json`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(response.status, 200);
    return (await response.json()) as ReportData;
  };
  const variantOf = (data: ReportData, placement: string, variant: string) =>
    data.placements.find((p) => p.placement === placement)?.variants.find((v) => v.variant === variant) ?? { requests: 0, impressions: 0, clicks: 0, addToCarts: 0, orders: 0, revenue: [] };

  /** Opens the demo, recording the proxy's answers and every /events request. */
  async function openDemo(path: string): Promise<{ page: Page; answers: Map<string, Answer>; eventPosts: string[]; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = collectPageErrors(page);
    const answers = new Map<string, Answer>();
    const eventPosts: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/events') eventPosts.push(request.postData() ?? '');
    });
    const reading: Promise<void>[] = [];
    // The answers of the page as opened, read as they pass through a route: a body read afterwards from the browser
    // (response.json()) is sometimes gone already ("No data found for resource"), most often on a loaded machine.
    let opened = false;
    await page.route(/\/recs\/\w+(\?|$)/, async (route) => {
      const response = await route.fetch();
      const match = /^\/recs\/(\w+)$/.exec(new URL(route.request().url()).pathname);
      if (!opened && match && response.status() === 200) {
        const body = (await response.json()) as Answer;
        reading.push(Promise.resolve(void answers.set(match[1]!, body)));
      }
      await route.fulfill({ response });
    });
    // Clicks are recorded, but the shopper stays on the page.
    await page.addInitScript(() => document.addEventListener('recs-click', (event) => event.preventDefault()));
    await page.goto(`${origin}${path}`);
    await page.waitForFunction(() => ['recs-carousel', 'recs-list'].every((tag) => document.querySelector(tag)?.getAttribute('state') === 'ready'), undefined, { timeout: 30_000 });
    await Promise.all(reading);
    opened = true;
    assert.deepEqual([...answers.keys()].sort(), ['bestsellers', 'similar'], 'one answer per widget');
    return { page, answers, eventPosts, errors };
  }

  it('counts what the shopper saw, clicked, bagged and ordered, for the variant and team served', async () => {
    const before = await report();
    const { page, answers, eventPosts, errors } = await openDemo('/');
    const similar = answers.get('similar')!;
    const bestsellers = answers.get('bestsellers')!;
    assert.equal(similar.variant, 'interleave');
    assert.ok(['popular', 'related'].includes(bestsellers.variant), bestsellers.variant);

    // What each widget reports as seen (IAB: half a card for a second), collected from the page.
    await page.evaluate(() => {
      (window as unknown as { seen: Record<string, string[]> }).seen = { 'recs-carousel': [], 'recs-list': [] };
      document.addEventListener('recs-impression', (event) => {
        const target = (event.target as Element).localName;
        (window as unknown as { seen: Record<string, string[]> }).seen[target]!.push(...(event as CustomEvent<{ items: { id: string }[] }>).detail.items.map((item) => item.id));
      });
    });
    await page.locator('recs-carousel').scrollIntoViewIfNeeded();
    await page.waitForTimeout(1500);
    await page.locator('recs-carousel [part~="link"]').first().click();
    await page.locator('recs-list').scrollIntoViewIfNeeded();
    await page.waitForTimeout(1500);
    await page.locator('recs-list [part~="add-to-cart"]').first().click();
    await page.locator('#place-order').click();
    const seen = await page.evaluate(() => (window as unknown as { seen: Record<string, string[]> }).seen);
    // Leaving the page flushes what is queued.
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await page.waitForTimeout(1000);
    const after = await report();
    await page.close();

    assert.ok(eventPosts.length > 0);
    assert.ok(eventPosts.every((body) => !/shopper|customer|email/i.test(body)), 'no personal identifier in an event');
    const carouselSeen = new Set(seen['recs-carousel']).size;
    const listSeen = new Set(seen['recs-list']).size;
    assert.ok(carouselSeen > 0 && listSeen > 0, JSON.stringify(seen));

    const delta = (placement: string, variant: string, field: 'requests' | 'impressions' | 'clicks' | 'addToCarts' | 'orders') =>
      variantOf(after, placement, variant)[field] - variantOf(before, placement, variant)[field];
    assert.deepEqual(
      { requests: delta('similar', 'interleave', 'requests'), impressions: delta('similar', 'interleave', 'impressions'), clicks: delta('similar', 'interleave', 'clicks') },
      { requests: 1, impressions: carouselSeen, clicks: 1 },
    );
    const variant = bestsellers.variant;
    assert.deepEqual(
      {
        requests: delta('bestsellers', variant, 'requests'),
        impressions: delta('bestsellers', variant, 'impressions'),
        addToCarts: delta('bestsellers', variant, 'addToCarts'),
        orders: delta('bestsellers', variant, 'orders'),
      },
      { requests: 1, impressions: listSeen, addToCarts: 1, orders: 1 },
    );
    const revenue = (data: ReportData) => variantOf(data, 'bestsellers', variant).revenue.find((entry) => entry.currency === 'EUR')?.total ?? 0;
    assert.equal(Math.round((revenue(after) - revenue(before)) * 100) / 100, bestsellers.items[0]!.price!.amount);

    // One click for the team of the clicked card: a win for that ranking in this page view.
    const team = similar.items[0]!.team!;
    const interleaving = (data: ReportData) => data.placements.find((p) => p.placement === 'similar')!.interleaving!;
    const [first] = interleaving(after).teams;
    assert.equal(interleaving(after).wins - interleaving(before).wins, team === first ? 1 : 0);
    assert.equal(interleaving(after).losses - interleaving(before).losses, team === first ? 0 : 1);
    assert.deepEqual(errors, []);
  });

  it('sends nothing and stores nothing while consent is withheld', async () => {
    const before = await report();
    const { page, eventPosts, errors } = await openDemo('/?consent=ask');
    await page.locator('recs-carousel').scrollIntoViewIfNeeded();
    await page.waitForTimeout(1500);
    await page.locator('recs-carousel [part~="link"]').first().click();
    await page.locator('recs-list').scrollIntoViewIfNeeded();
    await page.locator('recs-list [part~="add-to-cart"]').first().click();
    await page.locator('#place-order').click();
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
      dispatchEvent(new PageTransitionEvent('pagehide'));
    });
    await page.waitForTimeout(2500);
    const stored = await page.evaluate(() => ({ local: Object.keys(localStorage), session: Object.keys(sessionStorage), cookie: document.cookie }));
    await page.close();
    assert.equal(eventPosts.length, 0, 'no request to /events');
    assert.deepEqual(stored, { local: [], session: [], cookie: '' });
    const after = await report();
    const total = (data: ReportData) => data.placements.reduce((sum, p) => sum + p.variants.reduce((s, v) => s + v.impressions + v.clicks + v.addToCarts + v.orders, 0), 0);
    assert.equal(total(after), total(before), 'no event reached the store');
    assert.deepEqual(errors, []);
  });
});
