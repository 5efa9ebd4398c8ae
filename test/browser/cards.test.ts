/**
 * What a shopper sees and hears on a product card: the price in a usable currency
 * whatever the page's locale attributes say, each product read once, no broken-image
 * icon, and "Add to cart" buttons that say which product they add.
 */
import 'axe-core';
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { RecsElement } from '../../src/elements/recs-element.js';
import '../../src/define.js';
import { uid } from './helpers.js';
import { buildCards, warmUp, type CardOptions, type KeptCards } from '../../src/elements/card.js';
import { DEFAULT_LABELS } from '../../src/elements/labels.js';
import { serverDocument } from '../../src/ssr/server-dom.js';

type Tag = 'recs-list' | 'recs-carousel';
const TAGS: Tag[] = ['recs-list', 'recs-carousel'];
interface AxeText {
  setup(root: Node): void;
  teardown(): void;
  commons: { text: { accessibleText(element: Element): string } };
}
const axe = (window as unknown as { axe: AxeText }).axe;

const cards = (el: Element) => [...el.shadowRoot!.querySelectorAll<HTMLElement>('[part="card"]')];
const textOf = (card: Element, name: string) => card.querySelector(`[part="${name}"]`)?.textContent?.trim();
const defaultPrice = (amount: number, currency: string) => new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(amount);

/** The accessible name as a screen reader computes it (axe's implementation of accname). */
function accessibleName(element: Element): string {
  axe.setup(document);
  try {
    return axe.commons.text.accessibleText(element).replace(/\s+/g, ' ').trim();
  } finally {
    axe.teardown();
  }
}

/** The error event follows `complete` by a task: wait for it, briefly. */
const hidden = (image: HTMLImageElement) =>
  waitUntil(() => !image.checkVisibility({ visibilityProperty: true }), 'the broken image is still painted (broken-image icon)', { timeout: 1000 });

/** A ready widget on the stub proxy's four items (sku-1 "Trail shoe" by Acme, €89.50; sku-2 out of stock). */
async function ready(tag: Tag, attributes: Record<string, string> = {}, children = ''): Promise<RecsElement> {
  const wrapper = await fixture<HTMLDivElement>(html`<div style="width: 900px"></div>`);
  const el = document.createElement(tag) as RecsElement;
  for (const [name, value] of Object.entries({ transport: 'proxy', endpoint: `/stub/proxy/ok/${uid()}`, lazy: 'false', ...attributes })) el.setAttribute(name, value);
  if (children) el.innerHTML = children;
  wrapper.append(el);
  await waitUntil(() => el.getAttribute('state') === 'ready', `state never became ready (is ${el.getAttribute('state')})`, { timeout: 6000 });
  return el;
}

describe('the price on a card', () => {
  for (const locale of ['en_US', '!!', '']) {
    it(`shows the euro price in the browser's locale when the locale attribute is malformed ("${locale}")`, async () => {
      const el = await ready('recs-list', { locale });
      expect(textOf(cards(el)[0]!, 'price')).to.equal(defaultPrice(89.5, 'EUR'));
    });
  }

  it('keeps the vendor\'s euro when the currency attribute is not a currency ("EURO")', async () => {
    const el = await ready('recs-list', { locale: 'en-US', currency: 'EURO' });
    expect(textOf(cards(el)[0]!, 'price')).to.equal('€89.50');
  });

  it('keeps a valid currency attribute when the locale is malformed', async () => {
    const el = await ready('recs-list', { locale: 'en_US', currency: 'USD' });
    expect(textOf(cards(el)[0]!, 'price')).to.equal(defaultPrice(89.5, 'USD'));
  });

  it('shows no price for a negative amount (no "-€5.00"), in any shape a source sends it; zero, also as -0, shows as €0.00', async () => {
    const el = await readyWith('recs-list', [
      { id: 'a', title: 'Minus five', price: { amount: -5, currency: 'EUR' } },
      { id: 'b', title: 'Minus five as text', amount: '-5', currency: 'EUR' },
      { id: 'c', title: 'Minus a cent, plain number', price: -0.01 },
      { id: 'd', title: 'Minus five with its text', price: { amount: -5, currency: 'EUR', text: '-€5.00' } },
      { id: 'e', title: 'Minus zero', price: { amount: -0, currency: 'EUR' } },
      { id: 'f', title: 'Free', price: { amount: 0, currency: 'EUR' } },
    ]);
    // deep.equal tells -0 from 0.
    expect(el.items.map((item) => item.price)).to.deep.equal([undefined, undefined, undefined, undefined, { amount: 0, currency: 'EUR' }, { amount: 0, currency: 'EUR' }]);
    expect(cards(el).map((card) => textOf(card, 'price') ?? '')).to.deep.equal(['', '', '', '', defaultPrice(0, 'EUR'), defaultPrice(0, 'EUR')]);
  });

  it("shows the proxy's price text as given, and the page makes no formatter at all", async () => {
    // Intl.NumberFormat counted from here (the formatters other tests made are cached; this locale is new to them).
    const NumberFormat = Intl.NumberFormat;
    let made = 0;
    Intl.NumberFormat = new Proxy(NumberFormat, { construct: (target, args) => (made++, Reflect.construct(target, args)) });
    try {
      for (const tag of TAGS) {
        const el = await ready(tag, { endpoint: `/stub/proxy/price-text/${uid()}`, locale: 'de-AT', currency: 'EUR' });
        // The idle warm-up, if there were one, has had its chance.
        for (let i = 0; i < 3; i++) await new Promise((resolve) => requestIdleCallback(resolve, { timeout: 500 }));
        expect(cards(el).map((card) => textOf(card, 'price'))).to.deep.equal(['89,50\u00a0€', '1.234,50\u00a0€', 'From €25, your choice']);
        expect(el.items[0]!.price).to.deep.equal({ amount: 89.5, currency: 'EUR', text: '89,50\u00a0€' });
      }
      expect(made, 'Intl.NumberFormat constructions').to.equal(0);
    } finally {
      Intl.NumberFormat = NumberFormat;
    }
  });

  it('shows a hostile price text as plain text, and formats the amount instead of a text it cannot show whole', async () => {
    const el = await ready('recs-list', { endpoint: `/stub/proxy/price-text-hostile/${uid()}`, locale: 'en-US', currency: 'EUR' });
    const prices = cards(el).map((card) => card.querySelector('[part="price"]')!);
    // Markup stays text; bidi overrides and controls go; too long (never cut short), not text or blank: the formatted amount.
    expect(prices.slice(0, 5).map((price) => price.textContent)).to.deep.equal(['<img src=x onerror="window.__pwned=1">€5', '5 €', '€5.00', '€5.00', '€5.00']);
    expect(prices.every((price) => price.children.length === 0)).to.equal(true);
    expect((window as unknown as { __pwned?: number }).__pwned).to.equal(undefined);
    // A text without an amount is no price.
    expect(el.items.map((item) => item.id)).to.include('evil-6');
    expect(el.items.find((item) => item.id === 'evil-6')!.price).to.equal(undefined);
  });
});

describe('a screen reader on a card', () => {
  for (const tag of TAGS) {
    it(`<${tag}> reads each product link once: brand, title and price, not the title twice`, async () => {
      const el = await ready(tag, { locale: 'en-US' });
      const link = cards(el)[0]!.querySelector('[part="link"]')!;
      expect(accessibleName(link)).to.equal('Acme Trail shoe €89.50');
    });

    it(`<${tag}> names the product on every "Add to cart" button, keeping the visible words`, async () => {
      const el = await ready(tag, { 'add-to-cart': '', 'add-to-cart-label': 'In den Warenkorb' });
      const buttons = cards(el).map((card) => card.querySelector('[part="add-to-cart"]')!);
      expect(buttons.map((button) => button.textContent!.trim())).to.deep.equal(Array(4).fill('In den Warenkorb'));
      expect(buttons.map(accessibleName)).to.deep.equal(['Trail shoe', 'Hiking sock', 'Rain jacket', 'Water bottle'].map((title) => `In den Warenkorb, ${title}`));
    });
  }

  it('reads a card template\'s product link once when its image sits inside the link', async () => {
    const template = '<template><a data-href class="tpl"><img data-field="image"><span data-field="title"></span></a></template>';
    const el = await ready('recs-list', {}, template);
    await waitUntil(() => el.shadowRoot!.querySelector('.tpl'), 'the template was not used');
    expect(accessibleName(el.shadowRoot!.querySelector('.tpl')!)).to.equal('Trail shoe');
  });

  it('still describes a card template\'s image by the title when the image is outside the product link', async () => {
    const template = '<template><img data-field="image"><a data-href class="tpl"><span data-field="title"></span></a></template>';
    const el = await ready('recs-list', {}, template);
    await waitUntil(() => el.shadowRoot!.querySelector('.tpl'), 'the template was not used');
    expect(el.shadowRoot!.querySelector('img')!.getAttribute('alt')).to.equal('Trail shoe');
  });

  it('keeps a card template\'s alt="" for an image the designer marked decorative', async () => {
    const template = '<template><figure><img data-field="image" alt=""><figcaption data-field="title"></figcaption></figure></template>';
    const el = await ready('recs-list', {}, template);
    await waitUntil(() => el.shadowRoot!.querySelector('figure'), 'the template was not used');
    expect(el.shadowRoot!.querySelector('img')!.getAttribute('alt')).to.equal('');
  });
});

/** A ready widget on items given by a one-off transport (no stub server). */
async function readyWith(tag: Tag, items: unknown[], children = ''): Promise<RecsElement> {
  const wrapper = await fixture<HTMLDivElement>(html`<div style="width: 900px"></div>`);
  const el = document.createElement(tag) as RecsElement;
  el.lazy = false;
  el.transport = { fetch: async () => ({ items }) };
  if (children) el.innerHTML = children;
  wrapper.append(el);
  await waitUntil(() => el.getAttribute('state') === 'ready', `state never became ready (is ${el.getAttribute('state')})`, { timeout: 6000 });
  return el;
}

describe('a product without an image', () => {
  for (const tag of TAGS) {
    it(`<${tag}> keeps the image box, with no src and nothing painted in it`, async () => {
      const el = await readyWith(tag, [{ id: 'a', title: 'No picture' }, { id: 'b', title: 'Pictured', image: '/img/sku-1.jpg' }]);
      const [bare, pictured] = cards(el).map((card) => card.querySelector<HTMLImageElement>('[part="image"]')!);
      expect(bare!.hasAttribute('src')).to.equal(false);
      expect(bare!.checkVisibility({ visibilityProperty: true }), 'an image without a src is painted').to.equal(false);
      expect(pictured!.getAttribute('src')).to.equal('/img/sku-1.jpg');
      expect(bare!.parentElement!.getBoundingClientRect().height).to.equal(pictured!.parentElement!.getBoundingClientRect().height);
    });
  }
});

describe('clicks the widget counts', () => {
  it('are clicks on a card: not on the carousel\'s buttons, nor on a fallback slot\'s content', async () => {
    const el = await readyWith('recs-carousel', [{ id: 'a', title: 'One', url: '/p/a' }, { id: 'b', title: 'Two', url: '/p/b' }]);
    const clicks: number[] = [];
    el.addEventListener('recs-click', (event) => {
      event.preventDefault();
      clicks.push((event as CustomEvent).detail.rank);
    });
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part="next"]')!.click();
    el.shadowRoot!.querySelector<HTMLElement>('[part="heading"], [part="region"]')!.click();
    cards(el)[1]!.querySelector('a')!.click();
    expect(clicks).to.deep.equal([2]);

    const empty = await readyWith('recs-list', [{ id: 'a', title: 'One' }], '<a slot="empty" href="#elsewhere" data-rank="1">Browse</a>');
    let counted = 0;
    empty.addEventListener('recs-click', () => counted++);
    empty.querySelector('a')!.click();
    expect(counted, 'slotted content is the page\'s own').to.equal(0);
  });
});

describe('a product image that fails to load', () => {
  for (const tag of TAGS) {
    it(`<${tag}> shows the plain image background, not a broken-image icon or the title again`, async () => {
      const el = await ready(tag);
      // sku-2's image is /img/sku-2.jpg, which the test server answers with 404.
      const card = cards(el)[1]!;
      const image = card.querySelector<HTMLImageElement>('[part="image"]')!;
      await waitUntil(() => image.complete, 'the image never finished loading');
      expect(image.naturalWidth, 'the image is broken').to.equal(0);
      await hidden(image);
      const media = card.querySelector('.media')!.getBoundingClientRect();
      expect(media.height, 'the image box keeps its size').to.be.greaterThan(50);
    });
  }

  it('shows no broken-image icon in a card template either', async () => {
    const template = '<template><a data-href class="tpl"><img data-field="image" width="120" height="120"><span data-field="title"></span></a></template>';
    const el = await ready('recs-list', {}, template);
    await waitUntil(() => el.shadowRoot!.querySelectorAll('.tpl').length === 4, 'the template was not used');
    const image = el.shadowRoot!.querySelectorAll<HTMLImageElement>('.tpl img')[1]!;
    await waitUntil(() => image.complete, 'the image never finished loading');
    expect(image.naturalWidth, 'the image is broken').to.equal(0);
    await hidden(image);
  });
});

describe('two widgets on one answer (one shared request, the same item objects)', () => {
  for (const children of ['', '<template><a data-href class="tpl"><span data-field="title"></span></a></template>']) {
    it(`each keep cards of their own${children ? ', from a card template' : ''}, through re-renders`, async () => {
      const endpoint = `/stub/proxy/ok/${uid()}`;
      const wrapper = await fixture<HTMLDivElement>(html`<div style="width: 900px"></div>`);
      const els = ['recs-list', 'recs-carousel'].map((tag) => {
        const el = document.createElement(tag) as RecsElement;
        for (const [name, value] of Object.entries({ transport: 'proxy', endpoint, lazy: 'false' })) el.setAttribute(name, value);
        el.innerHTML = children;
        wrapper.append(el);
        return el;
      });
      await waitUntil(() => els.every((el) => el.getAttribute('state') === 'ready'), 'a widget never became ready');
      const first = els.map((el) => cards(el));
      for (const el of els) el.requestUpdate();
      await Promise.all(els.map((el) => el.updateComplete));
      expect(els.map((el) => cards(el).length)).to.deep.equal([4, 4]);
      // A card node lives in one widget, and stays the same node when a re-render changes nothing.
      expect(els.map((el, index) => cards(el).every((card, rank) => card === first[index]![rank] && card.getRootNode() === el.shadowRoot))).to.deep.equal([true, true]);
    });
  }
});

describe('the cards of a render, in one fragment (card.ts)', () => {
  const items = [{ id: 'a', title: 'One' }, { id: 'b', title: 'Two' }];
  const options: CardOptions = { labels: DEFAULT_LABELS, price: () => '', addToCart: false };

  it('is the same fragment while nothing changed and its cards are placed or never were; new once their layout is gone', () => {
    const kept: KeptCards = { byItem: new WeakMap() };
    const first = buildCards(document, items, options, kept);
    const cards = [...first.children];
    // Never placed (hydration keeps the server's nodes): the same fragment, still holding its cards.
    expect(buildCards(document, items, options, kept)).to.equal(first);
    const list = document.createElement('ul');
    document.body.append(list);
    list.append(first);
    // Placed and on the page: the same (empty) fragment, so Lit leaves the DOM alone.
    expect(buildCards(document, items, options, kept)).to.equal(first);
    // The list they were placed in was replaced: a new fragment with the same card nodes.
    list.remove();
    const again = buildCards(document, items, options, kept);
    expect(again).to.not.equal(first);
    expect([...again.children]).to.deep.equal(cards);
    // A changed card: a new fragment, the other card kept.
    document.body.append(list);
    list.append(again);
    const changed = buildCards(document, items, { ...options, price: (item) => (item.id === 'b' ? '2' : '') }, kept);
    expect(changed).to.not.equal(again);
    expect(changed.children[0]).to.equal(cards[0]);
    expect(changed.children[1]).to.not.equal(cards[1]);
    list.remove();
  });
});

describe('one card markup in the browser and on the server', () => {
  it('cloned and filled in the browser is what the server writes, for every kind of card', () => {
    const items = [
      { id: 'a', title: 'Trail shoe', brand: 'Acme', url: '/p/a', image: '/img/a.jpg', price: { amount: 89.5, currency: 'EUR' } },
      { id: 'b', title: 'No link, no picture, no brand' },
      { id: 'c', title: 'Sold out', url: 'https://shop.example/p/c', inStock: false },
    ];
    const cases: CardOptions[] = [
      { labels: DEFAULT_LABELS, price: (item) => (item.price ? `€${item.price.amount}` : ''), addToCart: false },
      { labels: DEFAULT_LABELS, price: () => '€1', addToCart: true },
      { labels: { ...DEFAULT_LABELS, outOfStock: 'Ausverkauft' }, price: () => '', addToCart: true, slides: { total: 3 } },
    ];
    for (const options of cases) {
      const browser = buildCards(document, items, options, { byItem: new WeakMap() });
      const server = buildCards(serverDocument, items, options, { byItem: new WeakMap() }) as unknown as { outerHTML: string };
      expect([...browser.children].map((card) => card.outerHTML).join('')).to.equal(server.outerHTML);
    }
  });
  it('after the idle warm-up, the first cards are filled into the links made ahead: the same markup, each link its own', () => {
    // A document of its own, whose warm-up no other test has run: 20 links made ahead, then 4 cloned on demand.
    const doc = document.implementation.createHTMLDocument('');
    warmUp(doc);
    const items = Array.from({ length: 24 }, (_, index) =>
      index % 2
        ? { id: `a${index}`, title: `Shoe ${index}`, brand: 'Acme', url: `/p/${index}`, image: `/img/${index}.jpg`, ...(index % 3 ? {} : { inStock: false }) }
        : { id: `b${index}`, title: `Bare ${index}` },
    );
    const options: CardOptions = { labels: DEFAULT_LABELS, price: (item) => `€${item.id.length}`, addToCart: false };
    const browser = buildCards(doc, items, options, { byItem: new WeakMap() });
    const server = buildCards(serverDocument, items, options, { byItem: new WeakMap() }) as unknown as { outerHTML: string };
    expect([...browser.children].map((card) => card.outerHTML).join('')).to.equal(server.outerHTML);
    expect(new Set([...browser.children].map((card) => card.firstElementChild)).size).to.equal(24);
  });
});
