/**
 * Registers <recs-carousel> and <recs-list>. Safe to load more than once, even as
 * two copies of the bundle: a name that is already defined is left alone.
 *
 * On a server without a DOM (Node, an edge runtime) it defines nothing, so server code
 * can import it, or the React wrapper, freely. Lit's Node build puts a shim registry on
 * `globalThis.customElements` but no `HTMLElement`, which is what tells them apart; a
 * server that installs a full DOM shim (@lit-labs/ssr's install-global-dom-shim) has
 * `HTMLElement` and gets the elements defined for server rendering.
 */
import { RecsCarousel } from './elements/recs-carousel.js';
import { RecsList } from './elements/recs-list.js';

if (typeof HTMLElement == 'function') {
  for (const [name, element] of [
    ['recs-carousel', RecsCarousel],
    ['recs-list', RecsList],
  ] as const) {
    if (!customElements.get(name)) customElements.define(name, element);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'recs-carousel': RecsCarousel;
    'recs-list': RecsList;
  }
}
