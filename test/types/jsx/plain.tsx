// Plain JSX (a custom factory; Preact and Solid work alike through RecsIntrinsicElements).
import type { RecsHostAttributes } from 'recs-widget/jsx';
import type { RecItem } from 'recs-widget';

declare function h(tag: string, props: unknown, ...children: unknown[]): unknown;
// The factory's own elements; the recs-* ones come from recs-widget/jsx.
declare global {
  namespace JSX {
    interface IntrinsicElements {
      div: RecsHostAttributes;
      p: RecsHostAttributes;
    }
  }
}

let clicked: RecItem | undefined;
export const page = (
  <div>
    <recs-carousel
      transport="proxy"
      endpoint="/recs/also-bought"
      product-id="sku-1"
      limit={8}
      timeout="4000"
      lazy={false}
      add-to-cart
      labels={{ next: 'Weiter' }}
      class="recs"
      onrecs-click={(event) => {
        event.preventDefault();
        clicked = event.detail.item;
      }}
      onrecs-error={(event) => console.log(event.detail.error.code)}
    >
      <p slot="empty">Nothing yet</p>
    </recs-carousel>
    <recs-list transport={{ fetch: async () => ({ items: [] }) }} slot="aside" onrecs-load={(event) => console.log(event.detail.items.length, clicked)} />
  </div>
);
