import { expect, fixture, waitUntil as waitFor } from '@open-wc/testing';
import type { RecsElement } from '../../src/elements/recs-element.js';
import type { WireEvent } from '../../src/model/event.js';
import { setContext } from '../../src/data/context.js';
import { trackOrder } from '../../src/data/events-hook.js';
import { uid } from './helpers.js';
import '../../src/define.js';

// First-party events against a loopback proxy (test/stubs/events-stub.mjs): what reaches
// POST /events, in which batches, with which consent.

interface Batch {
  batchId: string;
  events: WireEvent[];
}
interface Log {
  recs: { method: string; url: string }[];
  events: { headers: Record<string, string>; body: string }[];
}

const log = async (id: string): Promise<Log> => (await fetch(`/evstub/log/${id}`)).json();
const batches = async (id: string): Promise<Batch[]> => (await log(id)).events.map((entry) => JSON.parse(entry.body) as Batch);
const events = async (id: string) => (await batches(id)).flatMap((batch) => batch.events);
/** The sender flushes after a second: give every wait room for it. */
const waitUntil = (predicate: () => unknown, message: string, options: { timeout?: number } = {}) => waitFor(predicate, message, { timeout: 6000, ...options });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Long enough for the sender's 1 s flush (and an impression's second) to have happened. */
const QUIET_MS = 2500;

async function mount(id: string, scenario = 'split', attributes: Record<string, string> = {}, parent?: HTMLElement): Promise<RecsElement> {
  const el = document.createElement('recs-list') as RecsElement;
  const all = { transport: 'proxy', endpoint: `/evstub/${id}/${scenario}/recs/pdp`, lazy: 'false', ...attributes };
  for (const [name, value] of Object.entries(all)) el.setAttribute(name, value);
  if (parent) parent.append(el);
  else await fixture(el);
  await waitUntil(() => el.getAttribute('state') === 'ready', 'never ready');
  await senderWatching();
  return el;
}
/**
 * `ready` comes a moment before the widget hands its answer to the sender chunk; a
 * shopper is never that fast, a test is. This waits for the chunk and its `watch` calls.
 */
async function senderWatching(): Promise<void> {
  await import('../../src/data/events-sender.js');
  await sleep(0);
}
const cards = (el: RecsElement) => [...el.shadowRoot!.querySelectorAll<HTMLElement>('[part="card"]')];
const link = (el: RecsElement, itemId: string) => cards(el)[el.items.findIndex((item) => item.id === itemId)]!.querySelector('a')!;
const addButton = (el: RecsElement, itemId: string) => cards(el)[el.items.findIndex((item) => item.id === itemId)]!.querySelector<HTMLButtonElement>('[data-add-to-cart]')!;
const storedKeys = () => [...Object.keys(localStorage), ...Object.keys(sessionStorage)].filter((key) => key.startsWith('recs:'));

const failures: unknown[] = [];
const onError = (event: ErrorEvent) => failures.push(event.error ?? event.message);
const onRejection = (event: PromiseRejectionEvent) => failures.push(event.reason);

beforeEach(() => {
  failures.length = 0;
  localStorage.clear();
  sessionStorage.clear();
  addEventListener('error', onError);
  addEventListener('unhandledrejection', onRejection);
});

afterEach(() => {
  removeEventListener('error', onError);
  removeEventListener('unhandledrejection', onRejection);
  setContext({ requireConsent: null, consent: null, events: null } as never);
  expect(failures, 'no uncaught exception or unhandled rejection').to.deep.equal([]);
});

describe('events: what is sent', () => {
  it('sends the anonymous shopper key with the recs request, never in an event', async () => {
    const id = uid('ev');
    const el = await mount(id);
    link(el, 'sku-2').click();
    await waitUntil(async () => (await events(id)).some((event) => event.type === 'click'), 'no click event');
    const shopper = new URL((await log(id)).recs[0]!.url, location.href).searchParams.get('shopper')!;
    expect(shopper).to.match(/^[A-Za-z0-9_-]{16,64}$/);
    expect(localStorage.getItem('recs:shopper')).to.equal(shopper);
    expect((await log(id)).events[0]!.body).not.to.contain(shopper);
  });

  it('impressions only for the cards at least half in view, with the answer rank', async function () {
    this.timeout(15000);
    const id = uid('ev');
    const box = await fixture<HTMLDivElement>('<div style="width: 200px; height: 420px; overflow: hidden"></div>');
    const el = await mount(id, 'split', {}, box);
    const frame = box.getBoundingClientRect();
    const visible = cards(el)
      .filter((card) => {
        const rect = card.getBoundingClientRect();
        const shown = Math.max(0, Math.min(rect.bottom, frame.bottom) - Math.max(rect.top, frame.top));
        return shown >= rect.height / 2;
      })
      .map((card) => el.items[cards(el).indexOf(card)]!.id);
    expect(visible.length, 'the layout shows some cards, not all').to.be.within(1, el.items.length - 1);
    await waitUntil(async () => (await events(id)).length >= visible.length, 'no impressions', { timeout: 6000 });
    await sleep(QUIET_MS);
    const sent = await events(id);
    expect(sent.map((event) => event.itemId).sort()).to.deep.equal([...visible].sort());
    for (const event of sent) {
      expect(event.type).to.equal('impression');
      expect(event.rank).to.equal(Number(event.itemId.slice(4)));
    }
  });

  it('a click, an add-to-cart and trackOrder: exactly these events, with every field', async () => {
    const id = uid('ev');
    // sku-1 is left out, so shown position and answer rank differ: the rank is the answer's.
    const el = await mount(id, 'interleave', { exclude: 'sku-1', 'add-to-cart': '' });
    link(el, 'sku-2').click();
    addButton(el, 'sku-3').click();
    trackOrder({ orderId: 'A-1001', currency: 'eur', lines: [{ id: 'sku-2', quantity: 2, price: 19.99 }, { id: 'sku-3', price: 5 }, { id: 'sku-9', quantity: 1, price: 1 }] });
    await waitUntil(async () => (await events(id)).filter((event) => event.type !== 'impression').length >= 4, 'events missing');
    await sleep(QUIET_MS);
    const sent = (await events(id)).filter((event) => event.type !== 'impression');
    const [click, cart, order2, order3] = sent;
    expect(sent).to.have.length(4);
    expect(click!.requestId).to.match(/^v1\./);
    const { at, requestId: rid } = click!;
    expect(at).to.be.a('number');
    expect(click).to.deep.equal({ type: 'click', placement: 'pdp', requestId: rid, variant: 'interleave', itemId: 'sku-2', rank: 2, team: 'yespo', at });
    expect(cart).to.deep.equal({ type: 'add-to-cart', placement: 'pdp', requestId: rid, variant: 'interleave', itemId: 'sku-3', rank: 3, team: 'snappy', at: cart!.at });
    expect(order2).to.deep.equal({ type: 'order', placement: 'pdp', requestId: rid, variant: 'interleave', itemId: 'sku-2', rank: 2, team: 'yespo', at: order2!.at, orderId: 'A-1001', quantity: 2, price: 19.99, currency: 'EUR' });
    expect(order3).to.deep.include({ type: 'order', itemId: 'sku-3', quantity: 1, price: 5, currency: 'EUR' });
    // The visit's attributions are in sessionStorage (storage allowed), for an order on another page.
    expect(JSON.parse(sessionStorage.getItem('recs:attribution')!).map((entry: { itemId: string }) => entry.itemId)).to.include.members(['sku-2', 'sku-3']);
  });

  it('carries the trackerId, and no team, for a split answer; POSTs text/plain without cookies', async () => {
    document.cookie = 'recs_test=1; path=/';
    const id = uid('ev');
    const el = await mount(id);
    link(el, 'sku-1').click();
    await waitUntil(async () => (await events(id)).some((event) => event.type === 'click'), 'no click');
    const click = (await events(id)).find((event) => event.type === 'click')!;
    expect(click).to.deep.include({ variant: 'snappy', itemId: 'sku-1', rank: 1, trackerId: 'trk-9' });
    expect(click).not.to.have.property('team');
    const [request] = (await log(id)).events;
    expect(request!.headers['content-type']).to.equal('text/plain;charset=UTF-8');
    expect(request!.headers.cookie ?? '').not.to.contain('recs_test');
    document.cookie = 'recs_test=; path=/; max-age=0';
  });
});

describe('events: batching and flushing', () => {
  it('batches of at most 20, each with its own batch id', async () => {
    const id = uid('ev');
    const el = await mount(id, 'many', { limit: '25' });
    for (const item of el.items) link(el, item.id).click();
    await waitUntil(async () => (await events(id)).filter((event) => event.type === 'click').length === 25, 'clicks missing');
    // The 20th click sends a full batch at once; the other 5 (and impressions) follow with the timer.
    const all = await batches(id);
    const clickBatches = all.filter((batch) => batch.events.some((event) => event.type === 'click'));
    expect(clickBatches[0]!.events.map((event) => event.type)).to.deep.equal(Array(20).fill('click'));
    expect(clickBatches).to.have.length(2);
    for (const batch of all) expect(batch.events.length).to.be.at.most(20);
    expect(new Set(all.map((batch) => batch.batchId)).size).to.equal(all.length);
    for (const batch of all) expect(batch.batchId).to.match(/^b_[A-Za-z0-9_-]{16,64}$/);
  });

  it('flushes at pagehide and when the page is hidden, without waiting for the timer', async () => {
    const id = uid('ev');
    const el = await mount(id);
    // Clicks within the same second would share a batch; a flush in between splits them.
    link(el, 'sku-1').click();
    dispatchEvent(new PageTransitionEvent('pagehide'));
    link(el, 'sku-2').click();
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
    delete (document as { visibilityState?: string }).visibilityState;
    link(el, 'sku-3').click();
    await waitUntil(async () => (await events(id)).filter((event) => event.type === 'click').length === 3, 'clicks missing');
    const clicks = (await batches(id)).map((batch) => batch.events.filter((event) => event.type === 'click').map((event) => event.itemId)).filter((list) => list.length);
    expect(clicks).to.deep.equal([['sku-1'], ['sku-2'], ['sku-3']]);
  });
});

describe('events: failures', () => {
  for (const scenario of ['429-once', '503-once', 'fail-once']) {
    it(`${scenario}: the batch is sent again later with the same batch id`, async function () {
      this.timeout(15000);
      const id = uid('ev');
      const el = await mount(id, scenario);
      link(el, 'sku-1').click();
      dispatchEvent(new PageTransitionEvent('pagehide'));
      await waitUntil(async () => (await log(id)).events.length >= 2, 'never retried', { timeout: 8000 });
      const [first, second] = await batches(id);
      expect(second!.batchId).to.equal(first!.batchId);
      expect(second!.events).to.deep.equal(first!.events);
    });
  }

  it('a 307 to another origin: not followed, nothing reaches that origin, and the batch is dropped, not sent again', async function () {
    this.timeout(10000);
    const id = uid('ev');
    const el = await mount(id, '307');
    link(el, 'sku-1').click();
    dispatchEvent(new PageTransitionEvent('pagehide'));
    await waitUntil(async () => (await log(id)).events.length >= 1, 'nothing sent');
    // Past the first retry's wait (a failed send is tried again after a second).
    await sleep(QUIET_MS);
    const sent = (await log(id)).events;
    expect(sent.map((entry) => entry.headers.host), 'only the proxy was asked').to.deep.equal(sent.map(() => location.host));
    const ids = sent.map((entry) => (JSON.parse(entry.body) as Batch).batchId);
    expect(new Set(ids).size, 'no batch sent twice').to.equal(ids.length);
    expect(sent.some((entry) => entry.body.includes('"click"'))).to.equal(true);
  });

  it('400: the batch is dropped, with one console warning', async function () {
    this.timeout(10000);
    const warn = console.warn;
    const warnings: string[] = [];
    console.warn = (...args: unknown[]) => warnings.push(args.join(' '));
    try {
      const id = uid('ev');
      const el = await mount(id, '400');
      link(el, 'sku-1').click();
      dispatchEvent(new PageTransitionEvent('pagehide'));
      await waitUntil(async () => (await log(id)).events.length === 1, 'nothing sent');
      await sleep(QUIET_MS);
      expect((await log(id)).events.filter((entry) => entry.body.includes('"click"'))).to.have.length(1);
      expect(warnings.filter((text) => text.includes('refused events')).length).to.be.at.most(1);
    } finally {
      console.warn = warn;
    }
  });
});

describe('events: consent', () => {
  it('withheld: nothing sent, nothing stored (shopper key, attributions, session cache); given: sending starts; withdrawn: stops', async function () {
    this.timeout(20000);
    setContext({ requireConsent: true });
    const id = uid('ev');
    const cached = uid('ev');
    const el = await mount(id, 'split', { 'add-to-cart': '' });
    await mount(cached, 'plain', { 'cache-ttl': '60' });
    link(el, 'sku-1').click();
    addButton(el, 'sku-2').click();
    trackOrder({ orderId: 'A-1', lines: [{ id: 'sku-1', quantity: 1, price: 3 }] });
    await sleep(QUIET_MS);
    expect((await log(id)).events, 'no request to /events').to.have.length(0);
    expect(storedKeys(), 'nothing in localStorage or sessionStorage').to.deep.equal([]);
    const shopper = new URL((await log(id)).recs[0]!.url, location.href).searchParams.get('shopper');
    expect(shopper, 'a per-page-view key is still sent').to.match(/^[A-Za-z0-9_-]{16,64}$/);

    setContext({ consent: { analytics: true } });
    await waitUntil(async () => (await events(id)).some((event) => event.type === 'order'), 'held events never sent');
    expect((await events(id)).map((event) => event.type)).to.include.members(['click', 'add-to-cart', 'order']);
    link(el, 'sku-3').click();
    await waitUntil(async () => (await events(id)).some((event) => event.itemId === 'sku-3' && event.type === 'click'), 'no click after consent');
    expect(localStorage.getItem('recs:shopper'), 'the page view key is kept once allowed').to.equal(shopper);

    link(el, 'sku-4').click();
    setContext({ consent: { analytics: false } });
    const before = (await log(id)).events.length;
    link(el, 'sku-5').click();
    await sleep(QUIET_MS);
    expect((await log(id)).events.length, 'nothing sent after withdrawal').to.equal(before);
    expect((await events(id)).some((event) => ['sku-4', 'sku-5'].includes(event.itemId) && event.type === 'click')).to.equal(false);
    expect(storedKeys(), 'stored keys forgotten').to.deep.equal([]);
  });
});

describe('events: turned off, hostile answers, sharing', () => {
  it('events="false" sends nothing', async () => {
    const id = uid('ev');
    const el = await mount(id, 'split', { events: 'false' });
    link(el, 'sku-1').click();
    await sleep(QUIET_MS);
    expect((await log(id)).events).to.have.length(0);
    // No measuring, no key: the request carries no shopper key either.
    expect(new URL((await log(id)).recs[0]!.url, location.href).searchParams.has('shopper')).to.equal(false);
  });

  it('setContext({ events: false }) sends nothing', async () => {
    setContext({ events: false });
    const id = uid('ev');
    const el = await mount(id);
    link(el, 'sku-1').click();
    await sleep(QUIET_MS);
    expect((await log(id)).events).to.have.length(0);
    expect(new URL((await log(id)).recs[0]!.url, location.href).searchParams.has('shopper')).to.equal(false);
  });

  it('a hostile answer (10 KB request id, markup team, object variant): shown safely, no events', async () => {
    const id = uid('ev');
    const el = await mount(id, 'hostile');
    // The team stays plain text (never rendered); the request id and variant turn events off.
    expect(el.items[0]!.team).to.equal('<img src=x onerror="window.__pwned=1">');
    expect(el.shadowRoot!.querySelector('img[src="x"]')).to.equal(null);
    link(el, 'sku-1').click();
    await sleep(QUIET_MS);
    expect((await log(id)).events).to.have.length(0);
    expect((window as { __pwned?: number }).__pwned).to.equal(undefined);
  });

  it('two widgets share one sender: their clicks go in one batch', async () => {
    const id = uid('ev');
    const first = await mount(id);
    const second = await mount(id);
    link(first, 'sku-1').click();
    link(second, 'sku-2').click();
    await waitUntil(async () => (await events(id)).filter((event) => event.type === 'click').length === 2, 'clicks missing');
    const withClicks = (await batches(id)).filter((batch) => batch.events.some((event) => event.type === 'click'));
    expect(withClicks).to.have.length(1);
    expect(withClicks[0]!.events.filter((event) => event.type === 'click').map((event) => event.itemId)).to.deep.equal(['sku-1', 'sku-2']);
  });

  it('a widget removed and added again keeps sending', async () => {
    const id = uid('ev');
    const el = await mount(id);
    const parent = el.parentElement!;
    el.remove();
    parent.append(el);
    await waitUntil(() => el.getAttribute('state') === 'ready', 'never ready again');
    await senderWatching();
    link(el, 'sku-2').click();
    await waitUntil(async () => (await events(id)).some((event) => event.type === 'click' && event.itemId === 'sku-2'), 'no click after re-adding');
  });
});
