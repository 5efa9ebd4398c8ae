/**
 * The behaviour <recs-list> and <recs-carousel> share, as one suite run against
 * both (elements.test.ts). Each test reads as what a merchant or shopper sees.
 */
import { expect, fixture, html, oneEvent, waitUntil, nextFrame } from '@open-wc/testing';
import { unsafeStatic, html as staticHtml } from 'lit/static-html.js';
import { loadCards, type RecsElement } from '../../src/elements/recs-element.js';
import { setContext, $context } from '../../src/data/context.js';
import { registerTransport } from '../../src/transports/registry.js';
import { uid, received } from './helpers.js';

type Tag = 'recs-list' | 'recs-carousel';

const cards = (el: Element) => [...el.shadowRoot!.querySelectorAll('[part="card"]')];
const titles = (el: Element) => cards(el).map((card) => card.querySelector('[part="title"]')!.textContent);
const stateIs = (el: RecsElement, state: string) => waitUntil(() => el.getAttribute('state') === state, `state never became ${state} (is ${el.getAttribute('state')})`, { timeout: 6000 });

export function sharedElementSuite(tag: Tag): void {
  const name = unsafeStatic(tag);
  const mount = (endpoint: string, extra = {}) => {
    const el = document.createElement(tag) as RecsElement;
    el.setAttribute('transport', 'proxy');
    el.setAttribute('endpoint', endpoint);
    el.setAttribute('lazy', 'false');
    for (const [attr, value] of Object.entries(extra)) el.setAttribute(attr, String(value));
    return fixture<RecsElement>(el);
  };

  afterEach(() => $context.set({}));

  describe(`<${tag}> first render`, () => {
    /** An element on a one-off transport that answers `items` after `ms`, and every skeleton it ever rendered. */
    const timed = async (ms: number, answer: () => unknown, props: Partial<RecsElement> = {}) => {
      const el = Object.assign(document.createElement(tag) as RecsElement, props);
      el.lazy = false;
      el.transport = { fetch: () => new Promise((resolve, reject) => setTimeout(() => { try { resolve(answer() as never); } catch (error) { reject(error); } }, ms)) };
      const skeletons: Element[] = [];
      const host = await fixture<HTMLDivElement>(html`<div style="width: 800px"></div>`);
      host.append(el);
      new MutationObserver((records) => {
        for (const record of records) for (const node of record.addedNodes) if (node instanceof Element) skeletons.push(...node.querySelectorAll('[part="skeleton"]'), ...(node.matches('[part="skeleton"]') ? [node] : []));
      }).observe(el.shadowRoot!, { childList: true, subtree: true });
      return { el, skeletons };
    };

    it('renders data that comes at once as cards, with no skeletons first', async () => {
      // The card chunk here first, as on a page by the time an answer comes: fetched from this test server under load
      // (CI), its first load alone could outlast SKELETON_DELAY, which this test is not about.
      await loadCards();
      const { el, skeletons } = await timed(5, () => ({ items: [{ id: 'a', title: 'At once' }] }));
      await stateIs(el, 'ready');
      expect(titles(el)).to.deep.equal(['At once']);
      expect(skeletons, 'skeletons were rendered before the cards').to.have.length(0);
    });

    it('shows skeletons when the data is slow, then the cards', async () => {
      const { el, skeletons } = await timed(700, () => ({ items: [{ id: 'a', title: 'Slow' }] }));
      await waitUntil(() => el.shadowRoot!.querySelectorAll('[part="skeleton"]').length > 0, 'no skeletons while waiting', { timeout: 600 });
      expect(el.getAttribute('state')).to.equal('loading');
      expect(skeletons.length).to.be.greaterThan(0);
      await stateIs(el, 'ready');
      expect(titles(el)).to.deep.equal(['Slow']);
    });

    it('makes the price formatter while a slow answer is out, once, and the cards use it', async () => {
      // A locale no other test formats in, so this element's formatter is the first of its kind on the page.
      const locale = tag === 'recs-list' ? 'de-CH' : 'fr-CH';
      const made: number[] = [];
      const { NumberFormat } = Intl;
      Intl.NumberFormat = new Proxy(NumberFormat, {
        construct: (target, args: ConstructorParameters<typeof NumberFormat>) => {
          const formatter = Reflect.construct(target, args); // (attempts Intl rejects throw here, uncounted)
          if (args[0] === locale) made.push(performance.now());
          return formatter;
        },
      });
      try {
        let answeredAt = 0;
        const { el } = await timed(400, () => {
          answeredAt = performance.now();
          return { items: [{ id: 'a', title: 'Priced', price: { amount: 1234.5, currency: 'CHF' } }] };
        }, { locale, currency: 'CHF' });
        await stateIs(el, 'ready');
        expect(made, 'formatters made').to.have.length(1);
        expect(made[0], 'made after the answer').to.be.below(answeredAt);
        expect(el.shadowRoot!.querySelector('[part="price"]')!.textContent).to.equal(new NumberFormat(locale, { style: 'currency', currency: 'CHF' }).format(1234.5));
      } finally {
        Intl.NumberFormat = NumberFormat;
      }
    });

    // A single-page app re-parents or re-mounts elements while the first render waits for its answer (up to 100 ms).
    it('moved elsewhere on the page while its first answer is out, shows its cards there', async () => {
      const { el } = await timed(150, () => ({ items: [{ id: 'a', title: 'Moved' }] }));
      const elsewhere = await fixture<HTMLDivElement>(html`<div style="width: 600px"></div>`);
      elsewhere.append(el);
      await stateIs(el, 'ready');
      expect(el.parentElement).to.equal(elsewhere);
      expect(titles(el)).to.deep.equal(['Moved']);
    });

    for (const away of [20, 400]) {
      it(`taken off the page while its first answer is out and put back ${away} ms later, shows its cards`, async () => {
        const { el } = await timed(150, () => ({ items: [{ id: 'a', title: 'Back' }] }));
        const parent = el.parentElement!;
        el.remove();
        await new Promise((resolve) => setTimeout(resolve, away));
        expect(el.getAttribute('state'), 'off the page').to.not.equal('ready');
        parent.append(el);
        await stateIs(el, 'ready');
        expect(titles(el)).to.deep.equal(['Back']);
        expect(el.shadowRoot!.querySelectorAll('[part="skeleton"]')).to.have.length(0);
      });
    }

    it('shows an error that comes at once as the error state, with recs-error', async () => {
      const { el } = await timed(5, () => {
        throw new Error('down');
      });
      const failed = oneEvent(el, 'recs-error');
      await stateIs(el, 'error');
      expect((await failed).detail.error.message).to.equal('down');
    });
  });

  // A single-page app keeps the element and changes product-id (or another request attribute). As on the first load,
  // the element waits up to 100 ms for the answer before it shows skeletons: meanwhile the old cards stay, busy.
  describe(`<${tag}> a new request once cards show (a single-page app's next product)`, () => {
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    /**
     * An element on a one-off transport that answers each product after its delay in ms (an Error: fails with it; null:
     * no items), with p1 shown; and from then on every skeleton rendered and every frame that showed no card.
     */
    const shown = async (answers: Record<string, number | Error | null>) => {
      const el = document.createElement(tag) as RecsElement;
      el.lazy = false;
      el.productId = 'p1';
      el.transport = {
        fetch: (request) => new Promise((resolve, reject) => {
          const product = request.productIds![0]!;
          const answer = product === 'p1' ? 5 : answers[product]!;
          if (answer instanceof Error) return setTimeout(() => reject(answer), 30);
          if (answer === null) return setTimeout(() => resolve({ items: [] }), 30);
          setTimeout(() => resolve({ items: [{ id: `${product}-a`, title: `For ${product}` }, { id: `${product}-b`, title: `Also ${product}` }], trackerId: `trk-${product}` }), answer);
        }),
      };
      el.innerHTML = '<p slot="error">Resting</p><p slot="empty">Nothing</p>';
      const host = await fixture<HTMLDivElement>(html`<div style="width: 800px"></div>`);
      host.append(el);
      await stateIs(el, 'ready');
      expect(titles(el)).to.deep.equal(['For p1', 'Also p1']);
      const skeletons: Element[] = [];
      new MutationObserver((records) => {
        for (const record of records) for (const node of record.addedNodes) if (node instanceof Element) skeletons.push(...node.querySelectorAll('[part="skeleton"]'), ...(node.matches('[part="skeleton"]') ? [node] : []));
      }).observe(el.shadowRoot!, { childList: true, subtree: true });
      const blankFrames: string[] = [];
      let watching = true;
      const sample = () => {
        if (!watching) return;
        if (!cards(el).length) blankFrames.push(`${el.getAttribute('state')}: ${el.shadowRoot!.querySelectorAll('[part="skeleton"]').length} skeletons`);
        requestAnimationFrame(sample);
      };
      requestAnimationFrame(sample);
      return { el, skeletons, blankFrames, stop: () => (watching = false) };
    };
    const busy = (el: Element) => el.shadowRoot!.querySelector('.root')!.getAttribute('aria-busy');

    it('an answer within 100 ms goes from the old cards to the new ones, never a skeleton between', async () => {
      const { el, skeletons, blankFrames, stop } = await shown({ p2: 30 });
      const old = cards(el);
      el.productId = 'p2';
      await el.updateComplete;
      expect(el.getAttribute('state')).to.equal('loading');
      expect(busy(el)).to.equal('true');
      expect(titles(el), 'the old cards, while the new answer is out').to.deep.equal(['For p1', 'Also p1']);
      expect(cards(el), 'the same card nodes, left alone').to.have.ordered.members(old);
      await stateIs(el, 'ready');
      await nextFrame();
      stop();
      expect(titles(el)).to.deep.equal(['For p2', 'Also p2']);
      expect(busy(el)).to.equal('false');
      expect(skeletons, 'skeletons rendered between the old and the new cards').to.have.length(0);
      expect(blankFrames, 'frames without cards').to.deep.equal([]);
    });

    it('an attribute change (product-id) keeps the old cards the same way', async () => {
      const { el, skeletons } = await shown({ p3: 30 });
      el.setAttribute('product-id', 'p3');
      await el.updateComplete;
      expect([el.getAttribute('state'), busy(el), titles(el)[0]]).to.deep.equal(['loading', 'true', 'For p1']);
      await stateIs(el, 'ready');
      expect(titles(el)[0]).to.equal('For p3');
      expect(skeletons).to.have.length(0);
    });

    it('a slow answer shows skeletons after 100 ms, then its cards', async () => {
      // The answer at 600 ms, well after the skeletons are due (a loaded test machine delays timers).
      const { el, skeletons, stop } = await shown({ p2: 600 });
      el.productId = 'p2';
      const start = performance.now();
      await sleep(50);
      expect(titles(el), 'the old cards, 50 ms in').to.deep.equal(['For p1', 'Also p1']);
      expect(skeletons).to.have.length(0);
      await waitUntil(() => el.shadowRoot!.querySelectorAll('[part="skeleton"]').length > 0, 'no skeletons while waiting', { timeout: 550, interval: 5 });
      const after = performance.now() - start;
      expect(after, 'skeletons after (ms)').to.be.within(95, 500);
      expect([el.getAttribute('state'), busy(el), cards(el).length]).to.deep.equal(['loading', 'true', 0]);
      await stateIs(el, 'ready');
      stop();
      expect(titles(el)).to.deep.equal(['For p2', 'Also p2']);
    });

    it('a failed answer ends in the error state with the error slot, an empty one in the empty state', async () => {
      const { el } = await shown({ p2: new Error('down'), p3: null });
      const failed = oneEvent(el, 'recs-error');
      el.productId = 'p2';
      expect((await failed).detail.error.message).to.equal('down');
      await stateIs(el, 'error');
      await el.updateComplete;
      expect(cards(el)).to.have.length(0);
      expect(el.shadowRoot!.querySelector<HTMLSlotElement>('slot[name="error"]')!.assignedElements()).to.have.length(1);
      await sleep(120); // past the 100 ms the old cards could have stayed
      expect([el.getAttribute('state'), cards(el).length]).to.deep.equal(['error', 0]);
      const empty = oneEvent(el, 'recs-empty');
      el.productId = 'p3';
      await empty;
      expect(el.getAttribute('state')).to.equal('empty');
      expect(el.shadowRoot!.querySelector<HTMLSlotElement>('slot[name="empty"]')!.assignedElements()).to.have.length(1);
    });

    it('a click on an old card while the new answer is out reports that card with its own tracker id', async () => {
      const { el } = await shown({ p2: 300 });
      el.addEventListener('recs-click', (event) => event.preventDefault());
      el.productId = 'p2';
      await el.updateComplete;
      const clicked = oneEvent(el, 'recs-click');
      cards(el)[1]!.querySelector('a')!.click();
      const { detail } = await clicked;
      expect([detail.item.id, detail.rank, detail.trackerId]).to.deep.equal(['p1-b', 2, 'trk-p1']);
      expect(el.items.map((item) => item.id), 'items, while the old cards show').to.deep.equal(['p1-a', 'p1-b']);
      await stateIs(el, 'ready');
      expect(el.items.map((item) => item.id)).to.deep.equal(['p2-a', 'p2-b']);
    });

    it('two quick requests: the second keeps the cards its own 100 ms', async () => {
      const { el, skeletons } = await shown({ p2: 20, p3: 60 });
      el.productId = 'p2';
      await stateIs(el, 'ready');
      await sleep(50); // the first request's 100 ms end while the second waits
      el.productId = 'p3';
      await el.updateComplete;
      await stateIs(el, 'ready');
      expect(titles(el)[0]).to.equal('For p3');
      expect(skeletons, 'skeletons between').to.have.length(0);
    });
  });

  describe(`<${tag}> states and events`, () => {
    it('renders ranked cards with parts, fires recs-load with items and trackerId, reflects state=ready', async () => {
      const el = document.createElement(tag) as RecsElement;
      Object.assign(el, { transport: 'proxy', endpoint: `/stub/proxy/ok/${uid()}`, lazy: false, locale: 'en-IE' });
      const loaded = oneEvent(el, 'recs-load');
      await fixture(el);
      const event = await loaded;
      expect(el.getAttribute('state')).to.equal('ready');
      expect(event.detail.trackerId).to.equal('trk-123');
      expect(event.detail.items.map((item: { id: string }) => item.id)).to.deep.equal(['sku-1', 'sku-2', 'sku-3', 'sku-4']);
      expect(event.bubbles && event.composed).to.equal(true);
      expect(titles(el)).to.deep.equal(['Trail shoe', 'Hiking sock', 'Rain jacket', 'Water bottle']);
      const first = cards(el)[0]!;
      expect(first.querySelector('a[part="link"]')!.getAttribute('href')).to.equal('https://shop.example/p/sku-1');
      const image = first.querySelector('img[part="image"]')!;
      expect(image.getAttribute('src')).to.equal('https://cdn.example/sku-1.jpg');
      // Decorative: the link's text already names the product.
      expect(image.getAttribute('alt')).to.equal('');
      expect(first.querySelector('[part="brand"]')!.textContent).to.equal('Acme');
      expect(first.querySelector('[part="price"]')!.textContent).to.equal('€89.50');
      expect(cards(el)[1]!.querySelector('[part="badge"]')!.textContent).to.equal('Out of stock');
      expect(first.querySelector('[part="badge"]')).to.equal(null);
    });

    it('formats prices with the locale and currency attributes', async () => {
      const el = await mount(`/stub/proxy/ok/${uid()}`, { locale: 'de-DE', currency: 'USD' });
      await stateIs(el, 'ready');
      expect(cards(el)[0]!.querySelector('[part="price"]')!.textContent!.replace(/\s/g, ' ')).to.equal('89,50 $');
    });

    it('shows skeleton cards while loading, then the cards', async () => {
      const el = await mount(`/stub/proxy/slow/${uid()}`, { limit: 4 });
      expect(el.getAttribute('state')).to.equal('loading');
      expect(el.shadowRoot!.querySelectorAll('[part="skeleton"]')).to.have.length(4);
      // The layout around them stays (a new one for the cards made their first frame longer, docs/bench.md).
      const layout = [...el.shadowRoot!.querySelector('.keep')!.children];
      await stateIs(el, 'ready');
      expect(el.shadowRoot!.querySelectorAll('[part="skeleton"]')).to.have.length(0);
      expect([...el.shadowRoot!.querySelector('.keep')!.children]).to.have.ordered.members(layout);
      expect(layout.every((node) => node.isConnected)).to.equal(true);
    });

    it('keeps the same card size from skeleton to loaded card, so the page does not shift', async () => {
      const el = await mount(`/stub/proxy/slow/${uid()}`, { limit: 4 });
      const skeleton = el.shadowRoot!.querySelector('[part="skeleton"]')!.getBoundingClientRect();
      await stateIs(el, 'ready');
      const card = cards(el)[0]!.getBoundingClientRect();
      expect(card.height).to.equal(skeleton.height);
      expect(card.width).to.equal(skeleton.width);
    });

    it('shows the empty slot and fires recs-empty when there is nothing to recommend', async () => {
      const el = document.createElement(tag) as RecsElement;
      Object.assign(el, { transport: 'proxy', endpoint: `/stub/proxy/empty/${uid()}`, lazy: false });
      el.innerHTML = '<p slot="empty">Browse our bestsellers</p>';
      const empty = oneEvent(el, 'recs-empty');
      await fixture(el);
      await empty;
      expect(el.getAttribute('state')).to.equal('empty');
      const slot = el.shadowRoot!.querySelector<HTMLSlotElement>('slot[name="empty"]')!;
      expect(slot.assignedElements()[0]!.textContent).to.equal('Browse our bestsellers');
      expect(cards(el)).to.have.length(0);
    });

    it('shows the error slot and fires recs-error with a code when the route fails', async () => {
      const el = document.createElement(tag) as RecsElement;
      Object.assign(el, { transport: 'proxy', endpoint: `/stub/proxy/404/${uid()}`, lazy: false });
      el.innerHTML = '<p slot="error">Recommendations are resting</p>';
      const failed = oneEvent(el, 'recs-error');
      await fixture(el);
      const event = await failed;
      expect(event.detail.error).to.deep.include({ code: 'not-found', status: 404 });
      expect(el.getAttribute('state')).to.equal('error');
      expect(el.shadowRoot!.querySelector<HTMLSlotElement>('slot[name="error"]')!.assignedElements()).to.have.length(1);
    });

    it('says what is missing when no transport is set', async () => {
      const el = document.createElement(tag) as RecsElement;
      el.lazy = false;
      const failed = oneEvent(el, 'recs-error');
      await fixture(el);
      expect((await failed).detail.error.code).to.equal('invalid-request');
    });

    it('re-renders and re-fetches when a property changes', async () => {
      const el = await mount(`/stub/proxy/ok/${uid()}`, { limit: 4 });
      await stateIs(el, 'ready');
      expect(cards(el)).to.have.length(4);
      el.limit = 2;
      await oneEvent(el, 'recs-load');
      expect(cards(el)).to.have.length(2);
      el.heading = 'Picked for you';
      await el.updateComplete;
      expect(el.shadowRoot!.querySelector('[part="heading"]')!.textContent).to.equal('Picked for you');
    });

    it('re-fetches when an attribute changes', async () => {
      const el = await mount(`/stub/proxy/ok/${uid()}`);
      await stateIs(el, 'ready');
      const id = uid();
      el.setAttribute('endpoint', `/stub/proxy/fast-other/${id}`);
      await waitUntil(() => titles(el)[0] === 'New answer');
      expect(await received(id)).to.have.length(1);
    });

    it('fills card links from product-url when the source gives none, URL-encoding the id', async () => {
      const el = await mount(`/stub/proxy/no-url/${uid()}`, { 'product-url': '/products/{id}?ref=recs' });
      await stateIs(el, 'ready');
      expect(cards(el)[0]!.querySelector('a')!.getAttribute('href')).to.equal('/products/a%20b%2F1?ref=recs');
    });

    it('fires recs-click with item, 1-based rank and trackerId, and lets the page cancel navigation', async () => {
      const el = await mount(`/stub/proxy/ok/${uid()}`);
      await stateIs(el, 'ready');
      el.addEventListener('recs-click', (event) => event.preventDefault());
      const clicked = oneEvent(el, 'recs-click');
      const link = cards(el)[1]!.querySelector('a')!;
      link.click();
      const event = await clicked;
      expect(event.detail.rank).to.equal(2);
      expect(event.detail.item.id).to.equal('sku-2');
      expect(event.detail.trackerId).to.equal('trk-123');
      expect(location.pathname).not.to.equal('/p/sku-2');
    });

    it('uses a one-off custom transport set as a property', async () => {
      const el = document.createElement(tag) as RecsElement;
      el.lazy = false;
      el.transport = { fetch: async (request) => ({ items: [{ id: 'c1', title: `Custom for ${request.productIds?.[0]}` }] }) };
      el.productId = 'p-1';
      await fixture(el);
      await stateIs(el, 'ready');
      expect(titles(el)).to.deep.equal(['Custom for p-1']);
    });

    it('uses a registered transport by name', async () => {
      registerTransport('test-registered', () => ({ fetch: async () => ({ items: [{ id: 'r1', title: 'Registered' }] }) }));
      const el = await fixture<RecsElement>(staticHtml`<${name} transport="test-registered" lazy="false"></${name}>`);
      await stateIs(el, 'ready');
      expect(titles(el)).to.deep.equal(['Registered']);
    });
  });

  describe(`<${tag}> lazy loading`, () => {
    it('waits until it nears the viewport (lazy by default)', async () => {
      const id = uid();
      const wrapper = await fixture(html`<div style="height: 6000px"></div>`);
      const el = document.createElement(tag) as RecsElement;
      el.setAttribute('transport', 'proxy');
      el.setAttribute('endpoint', `/stub/proxy/ok/${id}`);
      wrapper.append(el);
      el.style.cssText = 'position: absolute; top: 5000px; width: 600px';
      await nextFrame();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(el.getAttribute('state')).to.equal('idle');
      expect(await received(id)).to.have.length(0);
      el.scrollIntoView();
      await stateIs(el, 'ready');
      expect(await received(id)).to.have.length(1);
    });

    it('watches for the viewport only when lazy, and again after it is put back on the page', async () => {
      // Which elements a near-viewport observer (rootMargin 400px) was asked to watch.
      const watched: Element[] = [];
      const Native = window.IntersectionObserver;
      window.IntersectionObserver = class extends Native {
        constructor(callback: IntersectionObserverCallback, options?: IntersectionObserverInit) {
          super(callback, options);
          if (options?.rootMargin === '400px') this.observe = (target) => (watched.push(target), super.observe(target));
        }
      };
      try {
        const eager = await mount(`/stub/proxy/ok/${uid()}`);
        await stateIs(eager, 'ready');
        expect(watched, 'a lazy="false" widget was watched').not.to.include(eager);
        const wrapper = await fixture(html`<div style="height: 6000px"></div>`);
        // Far from the viewport: an earlier test's scrollIntoView can leave the page scrolled down to where the widget goes.
        window.scrollTo(0, 0);
        const lazy = document.createElement(tag) as RecsElement;
        Object.assign(lazy, { transport: 'proxy', endpoint: `/stub/proxy/ok/${uid()}` });
        lazy.style.cssText = 'position: absolute; top: 5000px';
        wrapper.append(lazy);
        await waitUntil(() => watched.includes(lazy), 'a lazy widget was not watched');
        lazy.remove();
        watched.length = 0;
        wrapper.append(lazy);
        await waitUntil(() => watched.includes(lazy), 'a lazy widget put back was not watched again');
        lazy.scrollIntoView();
        await stateIs(lazy, 'ready');
      } finally {
        window.IntersectionObserver = Native;
      }
    });
  });

  describe(`<${tag}> page context`, () => {
    it('takes identifiers and the current product from setContext and re-fetches when they change', async () => {
      const id = uid();
      setContext({ productIds: ['sku-ctx'] });
      const el = await mount(`/stub/proxy/ok/${id}`);
      await stateIs(el, 'ready');
      setContext({ customerId: 'c-77' });
      await waitUntil(async () => (await received(id)).length === 2);
      const [first, second] = await received(id);
      expect(new URL(first!.url, location.href).searchParams.get('productId')).to.equal('sku-ctx');
      expect(second!.method).to.equal('POST');
      expect(JSON.parse(second!.body!)).to.include({ customerId: 'c-77', productId: 'sku-ctx' });
    });

    it('re-fetches for a context change that lands in the same update as its own state', async () => {
      // Updates of only what loading sets (state, items) do not build the request again; a context change beside them must.
      const id = uid();
      const el = await mount(`/stub/proxy/ok/${id}`);
      await stateIs(el, 'ready');
      setContext({ customerId: 'c-88' });
      el.items = [...el.items];
      await waitUntil(async () => (await received(id)).length === 2, 'the context change was not fetched');
      expect(JSON.parse((await received(id))[1]!.body!)).to.include({ customerId: 'c-88' });
    });
  });

  describe(`<${tag}> faults`, () => {
    const expectError = async (endpoint: string, code: string, extra = {}) => {
      const el = document.createElement(tag) as RecsElement;
      Object.assign(el, { transport: 'proxy', endpoint, lazy: false, ...extra });
      const failed = oneEvent(el, 'recs-error');
      await fixture(el);
      const event = await failed;
      expect(event.detail.error.code).to.equal(code);
      expect(el.getAttribute('state')).to.equal('error');
      return event.detail.error;
    };

    it('gives up after the timeout attribute with code timeout', async () => {
      await expectError(`/stub/proxy/hang/${uid()}`, 'timeout', { timeout: 300 });
    });

    it('retries a 429 after Retry-After and then shows the cards', async () => {
      const id = uid();
      const el = await mount(`/stub/proxy/429-then-ok/${id}`);
      await stateIs(el, 'ready');
      expect(await received(id)).to.have.length(2);
    });

    it('retries a 503 with backoff and then shows the cards', async () => {
      const id = uid();
      const el = await mount(`/stub/proxy/503-then-ok/${id}`);
      await stateIs(el, 'ready');
      expect(await received(id)).to.have.length(2);
    });

    it('stops after two retries on a server that keeps failing', async () => {
      const id = uid();
      await expectError(`/stub/proxy/always-503/${id}`, 'http');
      expect(await received(id)).to.have.length(3);
    });

    it('does not retry other 4xx', async () => {
      const id = uid();
      await expectError(`/stub/proxy/400/${id}`, 'invalid-request');
      expect(await received(id)).to.have.length(1);
    });

    it('reports malformed JSON as invalid-response', async () => {
      await expectError(`/stub/proxy/malformed/${uid()}`, 'invalid-response');
    });

    it('reports a refused connection as network', async () => {
      await expectError('http://127.0.0.1:9/recs', 'network');
    });
  });

  describe(`<${tag}> hostile data`, () => {
    it('renders markup in titles as text and never lets a script URL reach href or src', async () => {
      (window as unknown as { __pwned?: number }).__pwned = undefined;
      const el = await mount(`/stub/proxy/hostile/${uid()}`);
      await stateIs(el, 'ready');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect((window as unknown as { __pwned?: number }).__pwned).to.equal(undefined);
      expect(el.shadowRoot!.querySelectorAll('script, [onerror], [onload]')).to.have.length(0);
      expect(titles(el)).to.deep.equal([
        '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>Nice shoe',
        'Data URL item',
        'Tab smuggled scheme',
        'Object id',
        'Reversed title with control chars',
      ].filter((title) => title !== 'Object id'));
      for (const node of el.shadowRoot!.querySelectorAll('[href], [src]')) {
        const url = node.getAttribute('href') ?? node.getAttribute('src')!;
        expect(/^(https?:|\/)/.test(url), url).to.equal(true);
      }
      expect(cards(el)[0]!.querySelector('[part="brand"]')!.textContent).to.equal('<b>Bold</b>');
      expect(cards(el)[0]!.querySelector('[part="price"]')!.textContent).to.equal('');
    });
  });

  describe(`<${tag}> request handling`, () => {
    it('shares one network request between identical widgets on the page', async () => {
      const id = uid();
      const endpoint = `/stub/proxy/slow/${id}`;
      const container = await fixture(html`<div></div>`);
      const els = [1, 2, 3].map(() => {
        const el = document.createElement(tag) as RecsElement;
        Object.assign(el, { transport: 'proxy', endpoint, lazy: false });
        container.append(el);
        return el;
      });
      await Promise.all(els.map((el) => stateIs(el, 'ready')));
      expect(await received(id)).to.have.length(1);
    });

    it('shows the latest request when an older, slower one answers last', async () => {
      const el = await mount(`/stub/proxy/slow-other/${uid()}`);
      el.setAttribute('endpoint', `/stub/proxy/fast-other/${uid()}`);
      await stateIs(el, 'ready');
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(titles(el)).to.deep.equal(['New answer']);
    });

    it('aborts its request when removed from the page', async () => {
      const el = await mount(`/stub/proxy/slow/${uid()}`);
      let events = 0;
      for (const type of ['recs-load', 'recs-error', 'recs-empty']) el.addEventListener(type, () => events++);
      el.remove();
      await el.updateComplete;
      expect(el.getAttribute('state')).to.equal('idle');
      await new Promise((resolve) => setTimeout(resolve, 1800));
      expect(events).to.equal(0);
    });
  });
}

export function pageAwarenessSuite(tag: Tag): void {
  const mount = async (endpoint: string, attributes: Record<string, string> = {}) => {
    const el = document.createElement(tag) as RecsElement;
    for (const [attr, value] of Object.entries({ transport: 'proxy', endpoint, lazy: 'false', ...attributes })) el.setAttribute(attr, value);
    return fixture<RecsElement>(el);
  };

  afterEach(() => $context.set({}));

  describe(`<${tag}> page awareness`, () => {
    it('leaves out the current product, items in the cart and the exclude list, and asks for enough to fill the row', async () => {
      const id = uid();
      setContext({ cart: [{ id: 'sku-2', quantity: 1 }] });
      const el = await mount(`/stub/proxy/ok/${id}`, { 'product-id': 'sku-1', exclude: 'sku-4, nope', limit: '4' });
      await waitUntil(() => el.getAttribute('state') === 'ready');
      expect(titles(el)).to.deep.equal(['Rain jacket']);
      const [sent] = await received(id);
      expect(new URL(sent!.url, location.href).searchParams.get('limit')).to.equal('8');
    });

    it('with dedupe-page, never shows a product another widget already shows', async () => {
      const first = await mount(`/stub/proxy/ok/${uid()}`, { 'dedupe-page': '' });
      await waitUntil(() => first.getAttribute('state') === 'ready');
      const second = await mount(`/stub/proxy/ok/${uid()}`, { 'dedupe-page': '' });
      await waitUntil(() => second.getAttribute('state') === 'empty');
      first.remove();
      const third = await mount(`/stub/proxy/ok/${uid()}`, { 'dedupe-page': '' });
      await waitUntil(() => third.getAttribute('state') === 'ready');
      expect(titles(third)).to.have.length(4);
    });
  });

  describe(`<${tag}> attributes that change only which products show and where they link`, () => {
    it('a new exclude list hides the newly excluded product at once, with no new request', async () => {
      const id = uid();
      const el = await mount(`/stub/proxy/ok/${id}`, { exclude: 'sku-1' });
      await waitUntil(() => el.getAttribute('state') === 'ready');
      expect(titles(el)).to.deep.equal(['Hiking sock', 'Rain jacket', 'Water bottle']);
      el.setAttribute('exclude', 'sku-2');
      await waitUntil(() => titles(el)[0] === 'Trail shoe', `the cards stayed ${titles(el).join(', ')}`, { timeout: 2000 });
      expect(titles(el)).to.deep.equal(['Trail shoe', 'Rain jacket', 'Water bottle']);
      expect(await received(id), 'requests').to.have.length(1);
    });

    it('a new product-url changes the links of products without a URL', async () => {
      const el = await mount(`/stub/proxy/ok/${uid()}`, { 'product-url': '/old/{id}' });
      await waitUntil(() => el.getAttribute('state') === 'ready');
      const link = () => cards(el)[2]!.querySelector('[part="link"]')!.getAttribute('href');
      expect(link()).to.equal('/old/sku-3');
      el.setAttribute('product-url', '/new/{id}');
      await waitUntil(() => link() === '/new/sku-3', `the link stayed ${link()}`, { timeout: 2000 });
      expect(el.items[2]!.url).to.equal('/new/sku-3');
    });

    it('dedupe-page added after the cards show leaves out what another widget shows', async () => {
      const first = await mount(`/stub/proxy/ok/${uid()}`, { 'dedupe-page': '' });
      await waitUntil(() => first.getAttribute('state') === 'ready');
      const second = await mount(`/stub/proxy/ok/${uid()}`);
      await waitUntil(() => second.getAttribute('state') === 'ready');
      second.setAttribute('dedupe-page', '');
      await waitUntil(() => second.getAttribute('state') === 'empty', `the second widget stayed ${second.getAttribute('state')}`, { timeout: 2000 });
    });
  });

  describe(`<${tag}> add to cart`, () => {
    it('shows a button per card that fires a cancelable recs-add-to-cart and does not navigate', async () => {
      const el = await mount(`/stub/proxy/ok/${uid()}`, { 'add-to-cart': '', id: 'pdp-recs', 'add-to-cart-label': 'In den Warenkorb' });
      await waitUntil(() => el.getAttribute('state') === 'ready');
      const buttons = el.shadowRoot!.querySelectorAll<HTMLButtonElement>('[part="add-to-cart"]');
      expect(buttons).to.have.length(4);
      expect(buttons[0]!.textContent).to.equal('In den Warenkorb');
      expect(buttons[1]!.disabled).to.equal(true); // out of stock
      let clicks = 0;
      el.addEventListener('recs-click', () => clicks++);
      const added = oneEvent(el, 'recs-add-to-cart');
      buttons[2]!.click();
      const event = await added;
      expect(event.cancelable).to.equal(true);
      expect(event.detail).to.deep.include({ rank: 3, widgetId: 'pdp-recs', transport: 'proxy', trackerId: 'trk-123' });
      expect(event.detail.item.id).to.equal('sku-3');
      expect(clicks).to.equal(0);
    });
  });

  // Vue writes a bound `:add-to-cart="false"` as the attribute add-to-cart="false" (docs/frameworks.md); HTML's bare or
  // empty attribute stays on.
  describe(`<${tag}> boolean attributes written as false`, () => {
    for (const [value, on] of [['', true], ['true', true], ['false', false], ['FALSE', false]] as const) {
      it(`add-to-cart="${value}" and dedupe-page="${value}" are ${on ? 'on' : 'off'}`, async () => {
        const el = await mount(`/stub/proxy/ok/${uid()}`, { 'add-to-cart': value, 'dedupe-page': value });
        expect([el.addToCart, el.dedupePage]).to.deep.equal([on, on]);
        await waitUntil(() => el.getAttribute('state') === 'ready');
        expect(el.shadowRoot!.querySelectorAll('[part="add-to-cart"]')).to.have.length(on ? 4 : 0);
      });
    }

    it('add-to-cart="false" set later takes the buttons away, and the attribute removed keeps them away', async () => {
      const el = await mount(`/stub/proxy/ok/${uid()}`, { 'add-to-cart': '' });
      await waitUntil(() => el.getAttribute('state') === 'ready');
      el.setAttribute('add-to-cart', 'false');
      await el.updateComplete;
      expect(el.shadowRoot!.querySelectorAll('[part="add-to-cart"]')).to.have.length(0);
      el.removeAttribute('add-to-cart');
      expect(el.addToCart).to.equal(false);
    });

    it('add-to-cart="false" skeletons hold no button space: as high as without the attribute', async () => {
      const skeleton = async (attributes: Record<string, string>) => {
        const el = await mount(`/stub/proxy/slow/${uid()}`, { limit: '2', ...attributes });
        await el.updateComplete;
        return el.shadowRoot!.querySelector('[part="skeleton"]')!.getBoundingClientRect().height;
      };
      const without = await skeleton({});
      expect(await skeleton({ 'add-to-cart': 'false' })).to.equal(without);
      expect(await skeleton({ 'add-to-cart': '' })).to.equal(without + 44);
    });

    it('collapse="false" keeps the space of an empty widget, as without collapse', async () => {
      const el = await mount(`/stub/proxy/empty/${uid()}`, { collapse: 'false' });
      await waitUntil(() => el.getAttribute('state') === 'empty');
      expect(getComputedStyle(el.shadowRoot!.querySelector('.keep')!).display).to.not.equal('none');
      el.setAttribute('collapse', '');
      expect(getComputedStyle(el.shadowRoot!.querySelector('.keep')!).display).to.equal('none');
    });
  });

  describe(`<${tag}> card templates`, () => {
    it('fills a designer template with text, safe URLs and the formatted price', async () => {
      const el = document.createElement(tag) as RecsElement;
      for (const [attr, value] of Object.entries({ transport: 'proxy', endpoint: `/stub/proxy/hostile/${uid()}`, lazy: 'false', locale: 'en-US' })) el.setAttribute(attr, value);
      el.innerHTML = `<template><a data-href class="t-link"><img data-field="image"><strong data-field="title"></strong><em data-field="price"></em><span data-field="brand"></span></a></template>`;
      await fixture(el);
      await waitUntil(() => el.getAttribute('state') === 'ready');
      const first = cards(el)[0]!;
      expect(first.querySelector('strong')!.textContent).to.contain('<script>');
      expect(first.querySelector('script, [onerror]')).to.equal(null);
      expect(first.querySelector('a')!.hasAttribute('href')).to.equal(false);
      expect(first.querySelector('img')!.hasAttribute('src')).to.equal(false);
      expect(first.querySelector('span')!.textContent).to.equal('<b>Bold</b>');
      const last = cards(el).at(-1)!;
      expect(last.querySelector('a')!.getAttribute('href')).to.equal('/p/ok-1');
      expect(last.querySelector('em')!.textContent).to.equal('$10.00');
      expect((window as unknown as { __pwned?: number }).__pwned).to.equal(undefined);
    });
  });

  describe(`<${tag}> labels`, () => {
    it('takes labels from the labels property, with label attributes winning', async () => {
      const el = document.createElement(tag) as RecsElement;
      el.labels = { outOfStock: 'Ausverkauft', empty: 'Nichts gefunden' };
      for (const [attr, value] of Object.entries({ transport: 'proxy', endpoint: `/stub/proxy/ok/${uid()}`, lazy: 'false' })) el.setAttribute(attr, value);
      await fixture(el);
      await waitUntil(() => el.getAttribute('state') === 'ready');
      expect(el.shadowRoot!.querySelector('[part="badge"]')!.textContent).to.equal('Ausverkauft');
      el.setAttribute('out-of-stock-label', 'Vergriffen');
      await el.updateComplete;
      expect(el.shadowRoot!.querySelector('[part="badge"]')!.textContent).to.equal('Vergriffen');
      el.setAttribute('endpoint', `/stub/proxy/empty/${uid()}`);
      await waitUntil(() => el.getAttribute('state') === 'empty');
      expect(el.shadowRoot!.querySelector('[part="empty"]')!.textContent).to.equal('Nichts gefunden');
    });
  });
}
