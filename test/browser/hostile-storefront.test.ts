/**
 * What a hostile (or just careless) storefront does to the widget, beyond test/browser/storefront.test.ts:
 * framework props that are not what the types say (undefined words, numbers), a page handler that reorders
 * an event's list, a blank `fallback`, a replaced `fetch`, transports that fail oddly, events after a failure.
 * Every case must end in a defined state (ready, empty, or error with recs-error and the error slot), with no
 * uncaught exception. Each test failed before its fix, except those marked "(held)", which guard what already held.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import type { RecsElement } from '../../src/elements/recs-element.js';
import type { RecsRequest } from '../../src/model/types.js';
import { $context } from '../../src/data/context.js';
import '../../src/define.js';
import { uid } from './helpers.js';

type Tag = 'recs-list' | 'recs-carousel';
const TAGS: Tag[] = ['recs-list', 'recs-carousel'];

const shadow = (el: Element) => el.shadowRoot!;
const cards = (el: Element) => [...shadow(el).querySelectorAll<HTMLElement>('[part="card"]')];
const titles = (el: Element) => cards(el).map((card) => card.querySelector('[part="title"]')?.textContent ?? '');
const part = (el: Element, name: string) => shadow(el).querySelector<HTMLElement>(`[part="${name}"]`)!;
const stateIs = (el: Element, state: string, timeout = 4000) =>
  waitUntil(() => el.getAttribute('state') === state, undefined, { timeout }).catch(() => {
    throw new Error(`state never became ${state} (is ${el.getAttribute('state')}, error ${JSON.stringify((el as RecsElement).error)})`);
  });

const ITEMS = [
  { id: 'h-1', title: 'Hostile 1', url: '/p/1', price: { amount: 1, currency: 'EUR' } },
  { id: 'h-2', title: 'Hostile 2', url: '/p/2', price: { amount: 2, currency: 'EUR' }, inStock: false },
  { id: 'h-3', title: 'Hostile 3', url: '/p/3', price: { amount: 3, currency: 'EUR' } },
];
const answering = (...answer: unknown[]) => ({ fetch: async () => (answer.length ? answer[0] : { items: ITEMS }) as never });

/** An eager widget in a 760 px wrapper, its attributes set, then its properties (as a framework sets them). */
async function mount(tag: Tag, props: Record<string, unknown> = {}, attributes: Record<string, string> = {}): Promise<RecsElement> {
  const wrapper = await fixture<HTMLDivElement>(html`<div style="width: 760px"></div>`);
  const el = document.createElement(tag) as RecsElement;
  el.setAttribute('lazy', 'false');
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  Object.assign(el, props);
  wrapper.append(el);
  return el;
}

/** Uncaught exceptions and unhandled rejections on the page during a test: there must be none. */
const uncaught: string[] = [];
const onUncaught = (event: ErrorEvent | PromiseRejectionEvent) => uncaught.push(String('reason' in event ? event.reason : event.error));
before(() => {
  window.addEventListener('error', onUncaught);
  window.addEventListener('unhandledrejection', onUncaught);
});
after(() => {
  window.removeEventListener('error', onUncaught);
  window.removeEventListener('unhandledrejection', onUncaught);
});
beforeEach(() => (uncaught.length = 0));
afterEach(() => $context.set({}));

describe('a labels property with words left undefined', () => {
  // React, Vue or Svelte passing optional translations: `labels={{ next: t.next, slide: t.slide }}` with some undefined.
  for (const tag of TAGS) {
    it(`<${tag}>: words left undefined in the labels property keep the built-in words (no "undefined", no failed carousel)`, async () => {
      const labels = { previous: undefined, next: undefined, slide: undefined, outOfStock: undefined, addToCart: undefined, region: undefined };
      const el = await mount(tag, { transport: answering(), labels }, { 'add-to-cart': '' });
      await stateIs(el, 'ready');
      expect(titles(el)).to.deep.equal(['Hostile 1', 'Hostile 2', 'Hostile 3']);
      expect(shadow(el).textContent).not.to.contain('undefined');
      expect(part(el, 'badge').textContent).to.equal('Out of stock');
      expect(part(el, 'add-to-cart').getAttribute('aria-label')).to.equal('Add to cart, Hostile 1');
      if (tag === 'recs-carousel') {
        expect([part(el, 'prev'), part(el, 'next')].map((button) => button.getAttribute('aria-label'))).to.deep.equal(['Previous', 'Next']);
        expect(cards(el)[0]!.getAttribute('aria-label')).to.equal('1 of 3');
        expect(part(el, 'region').getAttribute('aria-label')).to.equal('Recommendations');
      }
      expect(uncaught).to.deep.equal([]);
    });
  }
});

describe('framework props that are not text', () => {
  // React 19 and Vue set properties as they are: `heading={2026}`, or a React element where text was meant.
  for (const tag of TAGS) {
    it(`<${tag}>: a heading or label property that is a number renders as its text, never an uncaught error or a widget that never renders`, async () => {
      const el = await mount(tag, { transport: answering(), heading: 2026, prevLabel: 1, outOfStockLabel: 0 });
      await stateIs(el, 'ready');
      expect(part(el, 'heading').textContent).to.equal('2026');
      expect(part(el, 'badge').textContent).to.equal('0');
      if (tag === 'recs-carousel') expect(part(el, 'prev').getAttribute('aria-label')).to.equal('1');
      expect(uncaught).to.deep.equal([]);
    });
  }
});

describe('numeric ids set as properties (React 19, Vue and @lit/react set properties, and shop ids are often numbers)', () => {
  it('productId={7012345678}, customerId={42} and sourceId={1244} are sent as their text, not dropped', async () => {
    const requests: RecsRequest[] = [];
    const el = await mount('recs-list', { transport: { fetch: async (request: RecsRequest) => (requests.push(request), { items: ITEMS }) }, productId: 7012345678, customerId: 42, sourceId: 1244 });
    await stateIs(el, 'ready');
    expect(requests).to.have.length(1);
    expect([requests[0]!.productIds, requests[0]!.customerId, requests[0]!.sourceId]).to.deep.equal([['7012345678'], '42', '1244']);
  });
});

describe('events say which answer they are about', () => {
  for (const tag of TAGS) {
    it(`<${tag}>: a request that fails after cards showed reports no tracker id of the answer it replaced`, async () => {
      let fail = false;
      const el = await mount(tag, { transport: { fetch: async () => (fail ? Promise.reject(new Error('down')) : { items: ITEMS, trackerId: 'first-answer' }) } });
      await stateIs(el, 'ready');
      fail = true;
      const failed = oneEvent(el, 'recs-error');
      el.productId = 'next-product'; // an SPA's next product page
      const { detail } = await failed;
      expect(el.getAttribute('state')).to.equal('error');
      expect(detail.trackerId, 'recs-error detail').to.equal(undefined);
      expect(el.trackerId, 'the trackerId property').to.equal(undefined);
    });
  }
});

describe("a page's event handlers that change what they are given", () => {
  // Analytics code sorting the list it was handed (`detail.items.sort(byScore)`) sorted the widget's own items.
  for (const tag of TAGS) {
    it(`<${tag}>: a recs-load listener that reorders detail.items in place does not change which product a click reports`, async () => {
      const el = await mount(tag, { transport: answering() });
      el.addEventListener('recs-load', (event) => event.detail.items.reverse());
      await stateIs(el, 'ready');
      const clicked: string[] = [];
      el.addEventListener('recs-click', (event) => {
        clicked.push(event.detail.item.id);
        event.preventDefault();
      });
      part(el, 'link').click();
      expect(titles(el)[0]).to.equal('Hostile 1');
      expect(clicked).to.deep.equal(['h-1']);
      expect(el.items.map((item) => item.id)).to.deep.equal(['h-1', 'h-2', 'h-3']);
    });
  }
});

describe('a fallback attribute of only spaces (a CMS field left blank)', () => {
  it('is no fallback: an empty answer ends in the empty state, not in an error about the fallback', async () => {
    const el = await mount('recs-list', {}, { transport: 'proxy', endpoint: `/stub/proxy/empty/${uid()}`, fallback: '  ' });
    const empty = oneEvent(el, 'recs-empty');
    await stateIs(el, 'empty');
    await empty;
    expect(el.error).to.equal(undefined);
  });
});

describe('a page that replaced window.fetch', () => {
  let real: typeof fetch;
  beforeEach(() => (real = window.fetch));
  afterEach(() => (window.fetch = real));

  // whatwg-fetch and unfetch answer with objects that have text() and json() but no body stream.
  it('a fetch polyfill whose responses have no body stream (whatwg-fetch, unfetch) still gets cards', async () => {
    const calls: string[] = [];
    window.fetch = (async (url: string) => {
      calls.push(url);
      return { ok: true, status: 200, statusText: 'OK', url, headers: new Headers({ 'content-type': 'application/json' }), text: async () => JSON.stringify({ items: ITEMS }), json: async () => ({ items: ITEMS }) };
    }) as never;
    const el = await mount('recs-list', {}, { transport: 'proxy', endpoint: `/recs/${uid()}` });
    await stateIs(el, 'ready');
    expect(calls).to.have.length(1);
    expect(titles(el)).to.deep.equal(['Hostile 1', 'Hostile 2', 'Hostile 3']);
  });

  it('(held) a fetch that throws synchronously ends in the error state with network, the error slot and no uncaught error', async () => {
    window.fetch = (() => {
      throw new TypeError('polyfill bug');
    }) as never;
    const el = await mount('recs-list', {}, { transport: 'proxy', endpoint: `/recs/${uid()}`, timeout: '800' });
    const failed = oneEvent(el, 'recs-error');
    expect((await failed).detail.error.code).to.equal('network');
    await stateIs(el, 'error');
    expect(shadow(el).querySelector('slot[name="error"]')).to.exist;
    expect(uncaught).to.deep.equal([]);
  });
});

describe('custom transports that fail oddly', () => {
  // A library's error value with no prototype (a dictionary from Object.create(null)): String() throws on it.
  it('a transport rejecting with a value that cannot become text ends in the error state with recs-error, not loading for ever', async () => {
    const el = await mount('recs-list', { transport: { fetch: () => Promise.reject(Object.assign(Object.create(null), { status: 500 })) } });
    const failed = oneEvent(el, 'recs-error');
    expect((await failed).detail.error.code).to.equal('network');
    await stateIs(el, 'error');
    expect(uncaught).to.deep.equal([]);
  });

  it('(held) junk answers and junk transports each end in a defined state with no uncaught error', async () => {
    const cases: [unknown, string][] = [
      [answering(undefined), 'error'],
      [answering('items'), 'error'],
      [answering({ items: 'x' }), 'error'],
      [answering({ items: [null, 1, 'a'] }), 'error'],
      [answering({ items: [], trackerId: { not: 'text' } }), 'empty'],
      [{}, 'error'],
      [{ fetch: 'not a function' }, 'error'],
      [{ fetch: () => { throw new Error('sync'); } }, 'error'],
      // A thenable that answers twice: the first answer counts.
      [{ fetch: () => ({ then: (ok: (value: unknown) => void) => (ok({ items: ITEMS }), ok({ items: [] })) }) }, 'ready'],
    ];
    for (const [index, [transport, state]] of cases.entries()) {
      const el = await mount('recs-list', { transport, timeout: 800 });
      await stateIs(el, state).catch((error) => Promise.reject(new Error(`case ${index}: ${error.message}`)));
    }
    expect(uncaught).to.deep.equal([]);
  });
});

describe('(held) CMS junk in attributes and hostile items', () => {
  it('limit="1e9", "-3", "abc" and "" show 100 at most, else the default ten', async () => {
    const many = answering({ items: Array.from({ length: 120 }, (_, n) => ({ id: `m${n}`, title: `M ${n}` })) });
    for (const [limit, count] of [['1e9', 100], ['-3', 10], ['abc', 10], ['', 10], [' 4 ', 4]] as const) {
      const el = await mount('recs-list', { transport: many }, { limit });
      await stateIs(el, 'ready');
      expect(cards(el), `limit="${limit}"`).to.have.length(count);
    }
  });

  it('items with script URLs, markup, bidi overrides and absurd prices show as plain, safe cards', async () => {
    const items = [
      { id: 'a', title: 'x'.repeat(200_000), url: '  javascript:alert(1)', image: 'data:image/svg+xml,<svg onload=alert(1)>' },
      { id: 'b', title: '\u202eevil\u202c', url: 'vbscript:x', image: ' JaVaScRiPt:alert(1)' },
      { id: 'c', title: '<img src=x onerror=alert(1)>', price: { amount: NaN, currency: 'EUR' } },
      { id: 'd', title: 'Infinite', price: { amount: Infinity, currency: 'EUR' } },
      { id: 'e', title: 'Bad currency', price: { amount: 5, currency: 'E$R' } },
      JSON.parse('{"id":"f","title":"Proto","__proto__":{"url":"javascript:alert(1)"},"attributes":{"__proto__":"x"}}'),
    ];
    for (const tag of TAGS) {
      const el = await mount(tag, { transport: answering({ items }) }, { currency: 'EURO', locale: 'xx-invalid-!!' });
      await stateIs(el, 'ready');
      expect(cards(el)).to.have.length(6);
      expect(shadow(el).querySelectorAll('[href], [src], [onerror], script')).to.have.length(0);
      expect(titles(el)[0]!.length).to.be.at.most(300);
      expect(titles(el)[1]).to.equal('evil');
      expect(titles(el)[2]).to.equal('<img src=x onerror=alert(1)>');
    }
    expect(uncaught).to.deep.equal([]);
  });
});

describe('(held) re-parenting by page scripts', () => {
  for (const tag of TAGS) {
    it(`<${tag}>: moved into a <template> while loading, then into another shadow root, shows its styled cards there`, async () => {
      const el = await mount(tag, { transport: { fetch: () => new Promise((resolve) => setTimeout(() => resolve({ items: ITEMS }), 200)) } });
      const parked = document.createElement('template');
      parked.content.append(el); // a page builder parks it in a detached tree while its answer is out
      await new Promise((resolve) => setTimeout(resolve, 400));
      const host = document.createElement('div');
      document.body.append(host);
      try {
        host.attachShadow({ mode: 'open' }).append(el);
        await stateIs(el, 'ready');
        expect(titles(el)).to.deep.equal(['Hostile 1', 'Hostile 2', 'Hostile 3']);
        expect(getComputedStyle(cards(el)[0]!).display, 'the card styles').to.equal('flex');
        expect(uncaught).to.deep.equal([]);
      } finally {
        host.remove();
      }
    });
  }
});
