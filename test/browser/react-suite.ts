/**
 * The React wrapper in a real React, run once per major version (react18.test.ts,
 * react19.test.ts): mount, a changed prop refetches, every `onRecs…` prop receives its
 * event, unmount aborts the request in flight. React is served as an ES module by
 * test/stubs/react-bundles.mjs, and the components come from `createRecsComponents`,
 * the same factory `recs-widget/react` calls with its own `react` import.
 */
import { expect, waitUntil } from '@open-wc/testing';
import type * as ReactNamespace from 'react';
import type * as ReactDOMClient from 'react-dom/client';
import { createRecsComponents, type RecsCarouselProps, type RecsListProps } from '../../src/react/factory.js';
import { RecsCarousel as RecsCarouselElement } from '../../src/elements/recs-carousel.js';
import { RecsList as RecsListElement } from '../../src/elements/recs-list.js';
import type { RecsRequest } from '../../src/model/types.js';
import { registerTransport, type Transport } from '../../src/transports/registry.js';
import { withRecsCss } from './helpers.js';

interface ReactBundle {
  React: typeof ReactNamespace;
  ReactDOM: typeof ReactDOMClient;
  version: string;
}

const ITEMS = [
  { id: 'sku-1', title: 'Trail shoe', url: 'https://shop.example/p/sku-1', price: { amount: 89.5, currency: 'EUR' } },
  { id: 'sku-2', title: 'Rain jacket', url: 'https://shop.example/p/sku-2', price: { amount: 120, currency: 'EUR' } },
];

/** A one-off transport that records each request and its abort signal; `answer` decides what it returns. */
function recordingTransport(answer: (request: RecsRequest, signal: AbortSignal) => Promise<{ items: unknown[] }>) {
  const calls: { request: RecsRequest; signal: AbortSignal }[] = [];
  const transport: Transport = {
    fetch(request, { signal }) {
      calls.push({ request, signal });
      return answer(request, signal);
    },
  };
  return { transport, calls };
}

const answerWith = (items: unknown[]) => () => Promise.resolve({ items });
/** Answers only when aborted (with the abort), so a request stays in flight. */
const hang = (_request: RecsRequest, signal: AbortSignal) =>
  new Promise<{ items: unknown[] }>((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));

export function reactSuite(major: '18' | '19'): void {
  describe(`recs-widget/react with React ${major}`, () => {
    let bundle: ReactBundle;
    let components: ReturnType<typeof createRecsComponents>;
    let container: HTMLElement;
    let root: ReactDOMClient.Root;

    before(async () => {
      bundle = (await import(/* @vite-ignore */ `/react-bundle/${major}.js`)) as ReactBundle;
      components = createRecsComponents(bundle.React);
    });

    beforeEach(() => {
      container = document.body.appendChild(document.createElement('div'));
      root = bundle.ReactDOM.createRoot(container);
    });

    afterEach(() => {
      root.unmount();
      container.remove();
    });

    const renderCarousel = (props: RecsCarouselProps) => root.render(bundle.React.createElement(components.RecsCarousel, props));
    const renderList = (props: RecsListProps, ...children: ReactNamespace.ReactNode[]) =>
      root.render(bundle.React.createElement(components.RecsList, props, ...children));
    const element = <T extends Element>(selector: string) => container.querySelector(selector) as T | null;

    it(`runs React ${major}`, () => {
      expect(bundle.version.split('.')[0]).to.equal(major);
    });

    it('mounts the element with properties (objects included), not attributes, and loads', async () => {
      const { transport, calls } = recordingTransport(answerWith(ITEMS));
      const labels = { next: 'Weiter', previous: 'Zurück' };
      const loads: CustomEvent[] = [];
      renderCarousel({
        transport, labels, productId: 'p1', limit: 2, lazy: false, slidesPerView: 3, heading: 'Dazu passt',
        id: 'w1', className: 'merchant', onRecsLoad: (event) => loads.push(event),
      });
      await waitUntil(() => loads.length === 1, 'recs-load never reached onRecsLoad');
      const carousel = element<RecsCarouselElement>('recs-carousel')!;
      expect(carousel).to.be.instanceOf(RecsCarouselElement);
      expect(carousel.transport).to.equal(transport);
      expect(carousel.labels).to.equal(labels);
      expect(carousel.slidesPerView).to.equal(3);
      expect(carousel.id).to.equal('w1');
      expect(carousel.className).to.equal('merchant');
      // Set as properties: React would otherwise print `labels="[object Object]"`.
      expect(carousel.hasAttribute('labels')).to.equal(false);
      // The transport object's attribute is the element's name for it, as the server writes it; the property stays the object.
      expect(carousel.getAttribute('transport')).to.equal('custom');
      expect(calls).to.have.length(1);
      expect(calls[0]!.request.productIds).to.deep.equal(['p1']);
      expect(loads[0]!.detail.items.map((item: { id: string }) => item.id)).to.deep.equal(['sku-1', 'sku-2']);
      expect(carousel.shadowRoot!.querySelectorAll('[part="card"]')).to.have.length(2);
      expect(carousel.shadowRoot!.querySelector('[part="next"]')!.getAttribute('aria-label') ?? carousel.shadowRoot!.querySelector('[part="next"]')!.textContent).to.contain('Weiter');
    });

    it('refetches when a prop changes, and keeps one listener per event when the handler changes', async () => {
      const { transport, calls } = recordingTransport(answerWith(ITEMS));
      const first: string[] = [];
      const second: string[] = [];
      renderList({ transport, productId: 'p1', lazy: false, onRecsLoad: () => first.push('load') });
      await waitUntil(() => first.length === 1, 'the first load was not reported');
      renderList({ transport, productId: 'p2', lazy: false, onRecsLoad: () => second.push('load') });
      await waitUntil(() => second.length === 1, 'the refetch was not reported to the new handler');
      expect(calls.map((call) => call.request.productIds)).to.deep.equal([['p1'], ['p2']]);
      expect(first).to.have.length(1);
      // The same props again: no new request.
      renderList({ transport, productId: 'p2', lazy: false, onRecsLoad: () => second.push('load') });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(calls).to.have.length(2);
    });

    it('passes recs-click and recs-add-to-cart to their handlers, and the click can be cancelled', async () => {
      const { transport } = recordingTransport(answerWith(ITEMS));
      const clicks: CustomEvent[] = [];
      const carts: CustomEvent[] = [];
      let loaded = false;
      renderList({
        transport, lazy: false, addToCart: true, productId: 'p1',
        onRecsLoad: () => (loaded = true),
        onRecsClick: (event) => { event.preventDefault(); clicks.push(event); },
        onRecsAddToCart: (event) => carts.push(event),
      });
      await waitUntil(() => loaded, 'never loaded');
      const list = element<RecsListElement>('recs-list')!;
      // Should the handler never run, the link must not take the test page away.
      container.addEventListener('click', (event) => event.preventDefault());
      const cards = list.shadowRoot!.querySelectorAll('[part="card"]');
      (cards[1]!.querySelector('[part="link"]') as HTMLAnchorElement).click();
      (cards[0]!.querySelector('[part="add-to-cart"]') as HTMLButtonElement).click();
      expect(clicks).to.have.length(1);
      expect(clicks[0]!.detail.item.id).to.equal('sku-2');
      expect(clicks[0]!.detail.rank).to.equal(2);
      expect(clicks[0]!.defaultPrevented).to.equal(true);
      expect(location.href).not.to.contain('shop.example');
      expect(carts).to.have.length(1);
      expect(carts[0]!.detail.item.id).to.equal('sku-1');
    });

    it('passes recs-impression to onRecsImpression', async () => {
      const { transport } = recordingTransport(answerWith(ITEMS));
      const seen: CustomEvent[] = [];
      renderList({ transport, lazy: false, productId: 'p1', onRecsImpression: (event) => seen.push(event) });
      // Cards count as seen after a second in view.
      await waitUntil(() => seen.length > 0, 'no impression reported', { timeout: 5000 });
      expect(seen[0]!.detail.items.map((item: { id: string }) => item.id)).to.include('sku-1');
    });

    it('passes recs-empty and recs-error to their handlers; slotted children render', async () => {
      const empty = recordingTransport(answerWith([]));
      const events: string[] = [];
      renderList(
        { transport: empty.transport, lazy: false, productId: 'p1', onRecsEmpty: (event) => events.push(event.type) },
        bundle.React.createElement('p', { slot: 'empty', key: 'e' }, 'Nothing yet'),
      );
      await waitUntil(() => events.length === 1, 'recs-empty not reported');
      expect(element('recs-list > p[slot="empty"]')!.textContent).to.equal('Nothing yet');
      const failing = recordingTransport(() => Promise.reject(new Error('down')));
      let code: string | undefined;
      renderList({ transport: failing.transport, lazy: false, productId: 'p1', onRecsError: (event) => (code = event.detail.error.code) });
      await waitUntil(() => code !== undefined, 'recs-error not reported');
      expect(events).to.deep.equal(['recs-empty']);
      expect(element('recs-list')!.getAttribute('state')).to.equal('error');
    });

    it('aborts the request in flight on unmount', async () => {
      const { transport, calls } = recordingTransport(hang);
      renderCarousel({ transport, lazy: false, productId: 'p1' });
      await waitUntil(() => calls.length === 1, 'no request started');
      expect(calls[0]!.signal.aborted).to.equal(false);
      root.unmount();
      expect(calls[0]!.signal.aborted).to.equal(true);
      root = bundle.ReactDOM.createRoot(container); // for afterEach
    });

    it('in StrictMode (mount, unmount, mount again) sends one request and reports the load and each impression once', async () => {
      const { transport, calls } = recordingTransport(answerWith(ITEMS));
      const loads: CustomEvent[] = [];
      const seen: string[] = [];
      root.render(bundle.React.createElement(bundle.React.StrictMode, null, bundle.React.createElement(components.RecsList, {
        transport, productId: 'p1', lazy: false,
        onRecsLoad: (event) => loads.push(event),
        onRecsImpression: (event) => seen.push(...event.detail.items.map((item) => item.id)),
      })));
      await waitUntil(() => seen.length >= 2, 'no impressions reported', { timeout: 5000 });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(calls).to.have.length(1);
      expect(loads).to.have.length(1);
      expect(seen.sort()).to.deep.equal(['sku-1', 'sku-2']);
    });

    it('takes a prop set to undefined, or no longer given, as not set: lazy and events stay on', async () => {
      const { transport, calls } = recordingTransport(answerWith(ITEMS));
      // Far below the fold: a lazy widget waits, one that fetches at once does not.
      container.style.marginTop = '5000px';
      renderList({ transport, productId: 'p1', lazy: undefined, events: undefined });
      await waitUntil(() => element('recs-list'), 'never mounted');
      const list = element<RecsListElement>('recs-list')!;
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect([list.lazy, list.events]).to.deep.equal([true, true]);
      expect(calls, '`lazy={undefined}` fetched at once').to.have.length(0);
      renderList({ transport, productId: 'p1', lazy: false, events: false });
      await waitUntil(() => calls.length === 1, 'lazy={false} did not fetch');
      expect([list.lazy, list.events]).to.deep.equal([false, false]);
      renderList({ transport, productId: 'p1' });
      await waitUntil(() => !list.hasAttribute('lazy'), 'the lazy attribute stayed');
      expect([list.lazy, list.events], 'props taken away').to.deep.equal([true, true]);
      renderList({ transport, productId: 'p1', lazy: null as unknown as undefined, events: null as unknown as undefined });
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect([list.lazy, list.events], 'null props').to.deep.equal([true, true]);
    });

    // Server HTML as renderToString prints it (test/node/react-ssr.test.ts): the element upgrades and fetches as soon as
    // the wrapper's module defines it, before hydration attaches the handlers.
    describe('hydrating server-rendered HTML', () => {
      /** Puts the server's HTML in a container no root has rendered into yet (afterEach unmounts the hydrated root). */
      const serverHtml = (html: string) => {
        root.unmount();
        container.remove();
        container = document.body.appendChild(document.createElement('div'));
        container.innerHTML = html;
      };
      const hydrate = (element: ReactNamespace.ReactElement) => (root = bundle.ReactDOM.hydrateRoot(container, element));

      it('hands an answer that came before hydration to onRecsLoad, once, with no second request', async () => {
        const { transport, calls } = recordingTransport(answerWith(ITEMS));
        const name = `hydrate-load-${major}`;
        registerTransport(name, () => transport);
        serverHtml(`<recs-list transport="${name}" product-id="p1" lazy="false"></recs-list>`);
        const list = element<RecsListElement>('recs-list')!;
        await waitUntil(() => list.state === 'ready', 'the server-rendered element never loaded');
        const loads: CustomEvent[] = [];
        hydrate(bundle.React.createElement(components.RecsList, { transport: name, productId: 'p1', lazy: false, onRecsLoad: (event) => loads.push(event) }));
        await waitUntil(() => loads.length > 0, 'onRecsLoad never heard of the answer on screen');
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(loads).to.have.length(1);
        expect(loads[0]!.detail.items.map((item: { id: string }) => item.id)).to.deep.equal(['sku-1', 'sku-2']);
        expect(element('recs-list')).to.equal(list);
        expect(calls).to.have.length(1);
      });

      it('waits, skeletons up and no error, for a transport object that only hydration sets', async () => {
        const { transport, calls } = recordingTransport(answerWith(ITEMS));
        // A transport object is `transport="custom"` in the server's HTML (test/node/react-ssr.test.ts).
        serverHtml('<recs-list transport="custom" product-id="p1" lazy="false"></recs-list>');
        const list = element<RecsListElement>('recs-list')!;
        const errors: unknown[] = [];
        const listening = new AbortController();
        document.addEventListener('recs-error', (event) => errors.push(event), { signal: listening.signal });
        after(() => listening.abort());
        await waitUntil(() => list.shadowRoot?.querySelector('[part=skeleton]'), 'expected skeletons while the element waits');
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect([list.state, errors.length]).to.deep.equal(['loading', 0]);
        const seen: string[] = [];
        hydrate(bundle.React.createElement(components.RecsList, {
          transport, productId: 'p1', lazy: false, onRecsError: () => seen.push('error'), onRecsLoad: () => seen.push('load'),
        }));
        await waitUntil(() => seen.length > 0, 'the hydrated element never loaded');
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(seen).to.deep.equal(['load']);
        expect([errors.length, list.transport, list.getAttribute('transport')]).to.deep.equal([0, transport, 'custom']);
        expect(calls).to.have.length(1);
      });
    });

    // dist/recs.css (src/elements/reserve.css) sizes the space from attributes, before the element's first render:
    // @lit/react alone set only properties, in a layout effect, so a <RecsList limit={4} heading> reserved ten cards.
    /** Renders `child` and calls `check` in a layout effect around it: after the wrapper's own, before the first paint and the element's first render. */
    const Check = ({ check, children }: { check: () => void; children?: ReactNamespace.ReactNode }) => (bundle.React.useLayoutEffect(() => void check(), []), children);
    const renderChecked = (child: ReactNamespace.ReactElement, check: () => void) => root.render(bundle.React.createElement(Check, { check }, child));

    it('writes the attributes recs.css reads before the first paint and the element\'s first render', async () => {
      const { transport } = recordingTransport(hang);
      const atFirstRender: Record<string, string | null>[] = [];
      const names = ['transport', 'product-id', 'limit', 'heading', 'add-to-cart', 'slides-per-view', 'lazy', 'dedupe-page', 'labels', 'state'];
      const snapshot = (node: Element) => Object.fromEntries(names.map((name) => [name, node.getAttribute(name)]));
      renderChecked(bundle.React.createElement(components.RecsCarousel, {
        transport: 'proxy', endpoint: '/recs/pdp', productId: 'sku-1', limit: 8, heading: 'Dazu passt', addToCart: true,
        slidesPerView: 3, lazy: false, dedupePage: false, labels: { next: 'Weiter' },
      }), () => atFirstRender.push(snapshot(element('recs-carousel')!)));
      await waitUntil(() => element('recs-carousel[state]'), 'never rendered');
      const expected = { transport: 'proxy', 'product-id': 'sku-1', limit: '8', heading: 'Dazu passt', 'add-to-cart': '', 'slides-per-view': '3', lazy: 'false', 'dedupe-page': null, labels: null, state: null };
      expect(atFirstRender).to.deep.equal([expected]);
      const carousel = element<RecsCarouselElement>('recs-carousel')!;
      expect(snapshot(carousel)).to.deep.equal({ ...expected, state: carousel.state });
      expect([carousel.limit, carousel.addToCart, carousel.lazy, carousel.slidesPerView]).to.deep.equal([8, true, false, 3]);
      // A transport object is the property, its attribute the element's name for it; a prop taken away takes its attribute along.
      renderChecked(bundle.React.createElement(components.RecsCarousel, { transport, productId: 'sku-1', lazy: false }), () => {});
      await waitUntil(() => !carousel.hasAttribute('limit'), 'the limit attribute stayed');
      expect(snapshot(carousel)).to.deep.equal({ ...expected, state: carousel.state, transport: 'custom', limit: null, heading: null, 'add-to-cart': null, 'slides-per-view': null });
      expect([carousel.transport, carousel.limit, carousel.heading]).to.deep.equal([transport, undefined, undefined]);
    });

    describe('with recs.css', () => {
      withRecsCss();

      const images = Array.from({ length: 4 }, (_, index) => ({
        id: `sku-${index + 1}`, title: index % 2 ? `Product ${index + 1}` : `A product with a long name that needs two lines or more ${index + 1}`,
        url: `/products/sku-${index + 1}`, image: `/demo/public/images/sku-0${index + 1}.svg`, brand: 'Acme', price: { amount: 10 + index, currency: 'EUR' },
      }));
      type Shared = { transport: Transport; limit: number; heading: string; lazy: boolean };
      const cases: [string, string, (props: Shared) => ReactNamespace.ReactElement][] = [
        ['<RecsList limit={4} heading>', 'recs-list', (props) => bundle.React.createElement(components.RecsList, props)],
        ['<RecsCarousel limit={4} heading addToCart slidesPerView={3}>', 'recs-carousel',
          (props) => bundle.React.createElement(components.RecsCarousel, { ...props, addToCart: true, slidesPerView: 3 })],
      ];
      for (const [name, tag, make] of cases) {
        it(`${name} reserves the height it renders`, async () => {
          container.style.width = '800px';
          const { transport } = recordingTransport(answerWith(images));
          let reserved = 0;
          let rendered: string | null = 'unknown';
          renderChecked(make({ transport, limit: 4, heading: 'You may also like', lazy: false }), () => {
            rendered = element(tag)!.getAttribute('state');
            reserved = element(tag)!.getBoundingClientRect().height;
          });
          await waitUntil(() => element(`${tag}[state="ready"]`), 'never loaded');
          const shown = element<HTMLElement>(tag)!;
          await waitUntil(() => [...shown.shadowRoot!.querySelectorAll('img')].every((img) => img.complete), 'images never loaded');
          await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
          expect(rendered, 'recs.css reserves space only before the first render').to.equal(null);
          expect(reserved).to.be.greaterThan(0);
          expect(Math.abs(shown.getBoundingClientRect().height - reserved), `reserved ${reserved}px, rendered ${shown.getBoundingClientRect().height}px`).to.be.below(0.5);
        });
      }
    });

    it('sets every declared property as a property', () => {
      // @lit/react sets a prop as a property when the name is on the prototype, else as an attribute.
      for (const element of [RecsCarouselElement, RecsListElement]) {
        const declared = [...element.elementProperties.keys()].map(String);
        expect(declared).to.include.members(['productId', 'transport', 'labels', 'limit', 'lazy']);
        for (const name of declared) expect(name in element.prototype, name).to.equal(true);
      }
    });
  });
}
