/** Built-in words, replaceable per element through attributes or the `labels` property. */
export interface RecsLabels {
  previous: string;
  next: string;
  outOfStock: string;
  /** Slide label in the carousel; `{n}` and `{total}` are filled in. */
  slide: string;
  /** Shown in the empty state when no `empty` slot content is given; none by default. */
  empty: string;
  addToCart: string;
  /** Accessible name of the carousel region when there is no heading. */
  region: string;
}

export const DEFAULT_LABELS: RecsLabels = {
  previous: 'Previous',
  next: 'Next',
  outOfStock: 'Out of stock',
  slide: '{n} of {total}',
  empty: '',
  addToCart: 'Add to cart',
  region: 'Recommendations',
};
