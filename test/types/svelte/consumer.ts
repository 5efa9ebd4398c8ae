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
