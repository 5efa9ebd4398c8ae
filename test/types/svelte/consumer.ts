// What svelte-check sees for `<recs-carousel product-id="sku-1" limit={8} onrecs-click={…}>`.
import type {} from 'recs-widget/svelte';
import type { SvelteHTMLElements } from 'svelte/elements';

export const carousel: SvelteHTMLElements['recs-carousel'] = {
  transport: 'proxy',
  'product-id': 'sku-1',
  limit: 8,
  labels: { next: 'Weiter' },
  class: 'recs',
  'onrecs-click': (event) => console.log(event.detail.item.id, event.detail.rank),
  'on:recs-load': (event) => console.log(event.detail.items.length),
};

// @ts-expect-error a wrong attribute type
export const wrongType: SvelteHTMLElements['recs-list'] = { limit: 'many' };
// @ts-expect-error an unknown event (object literals are checked for excess names)
export const unknownEvent: SvelteHTMLElements['recs-list'] = { 'onrecs-clik': () => {} };

// Two-word booleans: Svelte writes `add-to-cart={false}` as the attribute add-to-cart="false", which is on, so `false`
// goes to the property (`addToCart={false}`, which Svelte sets because the element has it).
export const booleans: SvelteHTMLElements['recs-list'] = { addToCart: false, dedupePage: true, 'add-to-cart': true, lazy: false };
// @ts-expect-error `add-to-cart={false}` would show the buttons: bind addToCart={false}
export const attributeFalse: SvelteHTMLElements['recs-list'] = { 'add-to-cart': false };
