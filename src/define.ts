/**
 * Registers <recs-carousel> and <recs-list>. Safe to load more than once, even as
 * two copies of the bundle: a name that is already defined is left alone.
 */
import { RecsCarousel } from './elements/recs-carousel.js';
import { RecsList } from './elements/recs-list.js';

for (const [name, element] of [
  ['recs-carousel', RecsCarousel],
  ['recs-list', RecsList],
] as const) {
  if (!customElements.get(name)) customElements.define(name, element);
}

declare global {
  interface HTMLElementTagNameMap {
    'recs-carousel': RecsCarousel;
    'recs-list': RecsList;
  }
}
