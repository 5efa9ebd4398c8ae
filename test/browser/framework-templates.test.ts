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
