/**
 * The widget's own events sender (src/data/events-sender.ts, the real module, with the few
 * browser globals it touches stood in) against the real proxy on loopback: what the widget
 * sends must be what the proxy accepts, since the proxy refuses a batch whole. The browser
 * suite (test/browser/events.test.ts) runs the sender in Chromium against a recording stub;
 * this one holds the two ends to one contract.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, query, startMeasuredProxy } from './harness.js';

/** Item ids a vendor may well use: a soft hyphen, an emoji family (zero-width joiners). Both pass the widget's and the proxy's cleanItems. */
const SOFT = 'tee-\u00adsoft';
const FAMILY = 'family-\u{1f468}\u200d\u{1f469}\u200d\u{1f467}';
const CATALOG = {
  items: [
    { id: 'sku-01', title: 'Trail shoe', url: '/p/1', category: ['Shoes'], score: 0.9 },
    { id: SOFT, title: 'Soft tee', url: '/p/2', category: ['Shoes'], score: 0.8 },
    { id: FAMILY, title: 'Family pack', url: '/p/3', category: ['Shoes'], score: 0.7 },
    { id: 'sku-04', title: 'Sock', url: '/p/4', category: ['Shoes'], score: 0.6 },
  ],
};

class MemoryStorage {
  #map = new Map<string, string>();
  getItem(key: string) { return this.#map.get(key) ?? null; }
  setItem(key: string, value: string) { this.#map.set(key, String(value)); }
  removeItem(key: string) { this.#map.delete(key); }
}

const responses: { status: number; text: string; body: any }[] = [];
/** How far behind the real clock the proxy's clock runs (to get a request id issued days ago). */
let proxyLag = 0;

describe('the widget\'s events sender against the real proxy', () => {
  let proxy: Awaited<ReturnType<typeof startMeasuredProxy>>;
  let sender: typeof import('../../src/data/events-sender.js');
  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'events-contract-'));
    writeFileSync(join(dir, 'catalog.json'), JSON.stringify(CATALOG));
    proxy = await startMeasuredProxy(
      { placements: { pdp: { provider: 'demo' }, odd: { provider: 'demo', catalog: join(dir, 'catalog.json') } } },
      { RECS_EVENTS_SECRET: 'contract-test-secret-0123456789-abcdef' },
      { now: () => Date.now() - proxyLag },
    );
    const g = globalThis as any;
    g.document = { baseURI: `${proxy.url}/`, visibilityState: 'visible', addEventListener() {} };
    g.addEventListener = () => {};
    g.sessionStorage = new MemoryStorage();
    g.localStorage = new MemoryStorage();
    const realFetch = fetch;
    g.fetch = async (url: string, init: RequestInit = {}) => {
      if (!String(url).endsWith('/events')) return realFetch(url, init);
      const { keepalive: _k, ...rest } = init as any;
      const response = await realFetch(url, rest);
      const text = await response.clone().text();
      responses.push({ status: response.status, text, body: JSON.parse(init.body as string) });
      return response;
    };
    sender = await import('../../src/data/events-sender.js');
  });
  after(() => proxy.close());

  beforeEach(async () => {
    responses.length = 0;
    await proxy.store.sql.query('TRUNCATE recs_events, recs_batches');
  });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 1500));

  it('trackOrder without a currency (documented as optional) is stored, and so is the click before it', async () => {
    const answer = (await call(query(`${proxy.url}/recs/pdp`, { productId: 'sku-01', limit: '4' }))).body;
    const element = Object.assign(new EventTarget(), { events: true });
    sender.watch(element as any, { ...answer, source: 'primary' }, `${proxy.url}/recs/pdp`);
    element.dispatchEvent(new CustomEvent('recs-click', { detail: { item: answer.items[0] } }));
    // README: trackOrder({ orderId, lines: [{ id, quantity?, price }], currency? })
    sender.trackOrder({ orderId: 'A-1001', lines: [{ id: answer.items[0].id, price: 19.99 }] });
    await settle();
    // The order's lines go in a batch of their own, after the page's other events.
    assert.deepEqual(responses.map((response) => [response.status, response.body.events.map((event: { type: string }) => event.type)]), [[202, ['click']], [202, ['order']]]);
    const rows = await proxy.store.sql.query<{ type: string }>('SELECT type FROM recs_events ORDER BY type');
    assert.deepEqual(rows.map((r) => r.type), ['click', 'order']);
  });

  it("impressions of items whose ids the proxy itself served (soft hyphen, emoji with zero-width joiners) are accepted, with the rest of the batch", async () => {
    const answer = (await call(query(`${proxy.url}/recs/odd`, { productId: 'sku-01', limit: '4' }))).body;
    const ids = answer.items.map((item: { id: string }) => item.id);
    assert.ok(ids.includes(SOFT) && ids.includes(FAMILY), `the proxy serves both ids: ${JSON.stringify(ids)}`);
    const element = Object.assign(new EventTarget(), { events: true });
    sender.watch(element as any, { ...answer, source: 'primary' }, `${proxy.url}/recs/odd`);
    element.dispatchEvent(new CustomEvent('recs-impression', { detail: { items: answer.items } }));
    await settle();
    assert.equal(responses.length, 1);
    assert.equal(responses[0]!.status, 202, `the proxy refused impressions of its own answer: ${responses[0]!.text}`);
    const [{ n }] = await proxy.store.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM recs_events');
    assert.equal(n, answer.items.length);
  });

  for (const [what, order] of [
    ['quantity 1500', (id: string) => ({ orderId: 'B-1', currency: 'EUR', lines: [{ id, quantity: 1500, price: 0.1 }] })],
    ['an order id of 100 emoji (100 characters, 200 UTF-16 units)', (id: string) => ({ orderId: '\u{1f381}'.repeat(100), currency: 'EUR', lines: [{ id, price: 5 }] })],
    ['a unit price of 2e9 (a car, in a currency with small units)', (id: string) => ({ orderId: 'C-1', currency: 'IDR', lines: [{ id, price: 2e9 }] })],
  ] as const) {
    // Fixed either way: the proxy takes it, or trackOrder refuses it with its warning; never a batch the proxy drops whole.
    it(`trackOrder input the widget accepts (${what}) does not make the proxy drop the click batched with it`, async () => {
      const answer = (await call(query(`${proxy.url}/recs/pdp`, { productId: 'sku-03', limit: '4' }))).body;
      const element = Object.assign(new EventTarget(), { events: true });
      sender.watch(element as any, { ...answer, source: 'primary' }, `${proxy.url}/recs/pdp`);
      const item = answer.items[1];
      element.dispatchEvent(new CustomEvent('recs-click', { detail: { item } }));
      sender.trackOrder(order(item.id) as any);
      await settle();
      for (const response of responses) assert.equal(response.status, 202, `the proxy refused the widget's own batch of ${response.body.events.length} events: ${response.text}`);
      const rows = await proxy.store.sql.query<{ type: string }>(`SELECT type FROM recs_events WHERE type = 'click'`);
      assert.equal(rows.length, 1, 'the click is stored');
    });
  }

  it('an order line credited to a click of 8 days ago (a restored tab keeps it) is not sent, and this page\'s click and order line are stored', async () => {
    proxyLag = 8 * 86_400_000;
    const old = (await call(query(`${proxy.url}/recs/pdp`, { productId: 'sku-05', limit: '4' }))).body;
    proxyLag = 0;
    // What a click on a product page 8 days ago left in sessionStorage (a restored tab keeps it).
    sessionStorage.setItem('recs:attribution', JSON.stringify([{ url: `${proxy.url}/events`, placement: 'pdp', requestId: old.requestId, variant: old.variant, itemId: old.items[0].id, rank: 1 }]));
    const fresh = (await call(query(`${proxy.url}/recs/pdp`, { productId: 'sku-06', limit: '4' }))).body;
    const freshItem = fresh.items.find((item: { id: string }) => item.id !== old.items[0].id);
    const element = Object.assign(new EventTarget(), { events: true });
    sender.watch(element as any, { ...fresh, source: 'primary' }, `${proxy.url}/recs/pdp`);
    element.dispatchEvent(new CustomEvent('recs-click', { detail: { item: freshItem } }));
    sender.trackOrder({ orderId: 'D-1', currency: 'EUR', lines: [{ id: old.items[0].id, price: 10 }, { id: freshItem.id, price: 20 }] });
    await settle();
    const rows = await proxy.store.sql.query<{ type: string; request_id: string }>('SELECT type, request_id FROM recs_events ORDER BY type');
    assert.deepEqual(
      rows.filter((row) => row.request_id === fresh.requestId).map((row) => row.type),
      ['click', 'order'],
      `this page's click and order line were lost: ${responses.map((r) => `${r.status} ${r.text}`).join('; ')}`,
    );
  });

  it('events of an answer past its age (a tab left open for a week) are not sent, so they cannot take others down', async () => {
    proxyLag = 8 * 86_400_000;
    const old = (await call(query(`${proxy.url}/recs/pdp`, { productId: 'sku-07', limit: '4' }))).body;
    proxyLag = 0;
    const fresh = (await call(query(`${proxy.url}/recs/pdp`, { productId: 'sku-08', limit: '4' }))).body;
    const [stale, current] = [old, fresh].map((answer) => {
      const element = Object.assign(new EventTarget(), { events: true });
      sender.watch(element as any, { ...answer, source: 'primary' }, `${proxy.url}/recs/pdp`);
      return element;
    });
    stale!.dispatchEvent(new CustomEvent('recs-impression', { detail: { items: old.items } }));
    current!.dispatchEvent(new CustomEvent('recs-impression', { detail: { items: fresh.items } }));
    await settle();
    assert.deepEqual(responses.map((response) => response.status), [202]);
    const rows = await proxy.store.sql.query<{ request_id: string }>('SELECT DISTINCT request_id FROM recs_events');
    assert.deepEqual(rows.map((row) => row.request_id), [fresh.requestId]);
  });
});
