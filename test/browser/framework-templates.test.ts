/**
 * A designer's card template (README, Card templates) written in a framework's own template: React and Vue render a
 * `<template>`'s children into the element itself, not into its `content`, where HTML puts them. The cards must be
 * filled all the same (they were blank: the content was empty).
 */
import { expect, waitUntil } from '@open-wc/testing';
import type * as ReactNamespace from 'react';
import type * as ReactDOMClient from 'react-dom/client';
import { createRecsComponents } from '../../src/react/factory.js';
import type { RecsList } from '../../src/elements/recs-list.js';
import type { Transport } from '../../src/transports/registry.js';
import { withRecsCss } from './helpers.js';
// @ts-expect-error Vue's browser build with its template compiler, served from node_modules (no declarations at this path)
import * as Vue from '/node_modules/vue/dist/vue.esm-browser.js';

const ITEMS = [
  { id: 'sku-1', title: 'Trail shoe', url: 'https://shop.example/p/sku-1', price: { amount: 89.5, currency: 'EUR' } },
  { id: 'sku-2', title: 'Rain jacket', url: 'https://shop.example/p/sku-2', price: { amount: 120, currency: 'EUR' } },
];
const transport: Transport = { fetch: () => Promise.resolve({ items: ITEMS }) };

/** What each card shows: its title field's text and its link. */
const cards = (list: RecsList) =>
  [...list.shadowRoot!.querySelectorAll('[part="card"]')].map((card) => ({
    title: card.querySelector('[data-field="title"]')?.textContent ?? null,
    href: card.querySelector('[data-href]')?.getAttribute('href') ?? null,
  }));
const filled = [{ title: 'Trail shoe', href: 'https://shop.example/p/sku-1' }, { title: 'Rain jacket', href: 'https://shop.example/p/sku-2' }];

let container: HTMLElement;
beforeEach(() => (container = document.body.appendChild(document.createElement('div'))));
afterEach(() => container.remove());

for (const major of ['18', '19'] as const) {
  describe(`a card template in JSX, React ${major}`, () => {
    it('fills each card from the <template> child', async () => {
      const { React, ReactDOM } = (await import(/* @vite-ignore */ `/react-bundle/${major}.js`)) as { React: typeof ReactNamespace; ReactDOM: typeof ReactDOMClient };
      const { RecsList } = createRecsComponents(React);
      const root = ReactDOM.createRoot(container);
      let loaded = false;
      root.render(React.createElement(RecsList, { transport, productId: 'p1', lazy: false, onRecsLoad: () => (loaded = true) },
        React.createElement('template', null,
          React.createElement('a', { 'data-href': '' }, React.createElement('span', { 'data-field': 'title' })))));
      await waitUntil(() => loaded, 'never loaded');
      expect(cards(container.querySelector('recs-list')!)).to.deep.equal(filled);
      root.unmount();
    });
  });
}

describe('a card template in a Vue template', () => {
  it('fills each card from the <template> child', async () => {
    let loaded = false;
    const app = Vue.createApp({
      template: `<recs-list :transport="transport" product-id="p1" :lazy="false" @recs-load="loaded">
        <template><a data-href><span data-field="title"></span></a></template>
      </recs-list>`,
      setup: () => ({ transport, loaded: () => (loaded = true) }),
    });
    app.config.compilerOptions.isCustomElement = (tag: string) => tag.startsWith('recs-');
    app.mount(container);
    await waitUntil(() => loaded, 'never loaded');
    expect(cards(container.querySelector('recs-list')!)).to.deep.equal(filled);
    app.unmount();
  });
});

/**
 * Vue writes a bound prop in kebab case as an attribute with the value's text (there is no `add-to-cart` property),
 * so `:add-to-cart="false"` is the attribute add-to-cart="false": off, like the camelCase `:addToCart="false"`, in the
 * element and in dist/recs.css (src/elements/reserve.css), which reserves the space before the first render.
 */
describe('two-word booleans bound in a Vue template in kebab case', () => {
  withRecsCss();
  const ten: Transport = { fetch: () => Promise.resolve({ items: Array.from({ length: 10 }, (_, index) => ({ id: `sku-${index}`, title: `Product ${index}`, price: 10 + index })) }) };

  for (const tag of ['recs-list', 'recs-carousel']) {
    for (const bound of [false, true]) {
      it(`<${tag} :add-to-cart="${bound}" :dedupe-page="${bound}"> is ${bound ? 'on' : 'off'}, and reserves the height it renders`, async () => {
        container.style.width = '800px';
        let loaded = false;
        const app = Vue.createApp({
          // Ten cards, as many as recs.css holds without a limit attribute (Vue sets `limit` as the property).
          template: `<${tag} :transport="ten" product-id="p1" :lazy="false" :add-to-cart="bound" :dedupe-page="bound" @recs-load="loaded"></${tag}>`,
          setup: () => ({ ten, bound, loaded: () => (loaded = true) }),
        });
        app.config.compilerOptions.isCustomElement = (name: string) => name.startsWith('recs-');
        app.mount(container);
        const element = container.querySelector<RecsList>(tag)!;
        // Before the element's first render (it waits for the answer): the space recs.css holds.
        const reserved = element.getBoundingClientRect().height;
        expect(element.getAttribute('state'), 'recs.css holds the space only before the first render').to.equal(null);
        expect([element.getAttribute('add-to-cart'), element.getAttribute('dedupe-page')], 'Vue wrote the attributes').to.deep.equal([`${bound}`, `${bound}`]);
        expect([element.addToCart, element.dedupePage]).to.deep.equal([bound, bound]);
        await waitUntil(() => loaded, 'never loaded');
        await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
        expect(element.shadowRoot!.querySelectorAll('[part="add-to-cart"]')).to.have.length(bound ? 10 : 0);
        const rendered = element.getBoundingClientRect().height;
        expect(reserved).to.be.greaterThan(100);
        expect(Math.abs(rendered - reserved), `reserved ${reserved}px, rendered ${rendered}px`).to.be.below(0.5);
        app.unmount();
      });
    }
  }
});
