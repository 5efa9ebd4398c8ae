// Card templates are a designer's option, so this module is a chunk loaded only
// by elements that have a <template> child.
import type { RecItem } from '../model/types.js';

const TEXT_FIELDS = ['id', 'title', 'brand', 'description', 'group'] as const;

/**
 * Fills a designer's template with one item: named fields get text (never markup),
 * `data-field="image"` the image's src, `data-href` the item's URL (both passed safeUrl in
 * cleanItem); missing URLs leave the attribute out. The element's one capturing
 * listener marks a broken image (recs-element.ts).
 */
function fillTemplate(template: HTMLTemplateElement, item: RecItem, price: string, outOfStock: string): DocumentFragment {
  const fragment = template.content.cloneNode(true) as DocumentFragment;
  for (const node of fragment.querySelectorAll<HTMLElement>('[data-field]')) {
    const field = node.dataset.field;
    if (field === 'image') {
      const src = item.image;
      if (src) node.setAttribute('src', src);
      else node.removeAttribute('src');
      // The title is the alt, unless the designer wrote alt="" or the image sits in the product
      // link beside the title: the link's text names the product, a second title is noise.
      if (node.getAttribute('alt') !== '') node.setAttribute('alt', node.closest('[data-href]')?.querySelector('[data-field="title"]') ? '' : item.title);
    } else if (field === 'price') node.textContent = price;
    else if (field === 'badge') node.textContent = item.inStock === false ? outOfStock : '';
    else if (field === 'category') node.textContent = item.category?.join(' / ') ?? '';
    else node.textContent = (TEXT_FIELDS as readonly string[]).includes(field!) ? String(item[field as (typeof TEXT_FIELDS)[number]] ?? '') : '';
  }
  const href = item.url;
  for (const node of fragment.querySelectorAll('[data-href]')) {
    if (href) node.setAttribute('href', href);
    else node.removeAttribute('href');
  }
  return fragment;
}

const stamped = new WeakMap<RecItem, { template: HTMLTemplateElement; key: string; card: Element }>();

/**
 * The card for an item from a designer's template: the wrapper the built-in card has (an
 * `li`, or in the carousel a `div` slide labelled "n of N", see card.ts) around the filled
 * template. The same node as last time when nothing changed: Lit then leaves the card's DOM
 * alone, so focus and state inside it survive re-renders.
 */
export function stampTemplate(template: HTMLTemplateElement, item: RecItem, price: string, outOfStock: string, rank: number, slide?: string): Element {
  const key = [price, outOfStock, rank, slide].join('|');
  let last = stamped.get(item);
  if (last?.template !== template || last.key !== key) {
    const card = document.createElement(slide ? 'div' : 'li');
    card.setAttribute('part', 'card');
    card.className = 'card';
    card.dataset.rank = `${rank}`;
    if (slide) {
      card.tabIndex = -1;
      card.setAttribute('role', 'group');
      card.setAttribute('aria-roledescription', 'slide');
      card.setAttribute('aria-label', slide);
    }
    card.append(fillTemplate(template, item, price, outOfStock));
    last = { template, key, card };
    stamped.set(item, last);
  }
  return last.card;
}
