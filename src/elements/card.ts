// How cards are made, as a chunk: every widget with cards needs it, none before its answer, so it is
// fetched beside the first request (recs-element.ts) and the script tag's own file stays small.
import type { RecItem } from '../model/types.js';
import { cleanResult } from '../model/clean-item.js';
import { DEFAULT_LABELS, type RecsLabels } from './labels.js';

/** Prices are formatted only for cards: in this chunk, not in the script tag's own file (recs-element.ts). */
export { formatPrice } from '../format/price.js';

/** What cards are made with: the element's document, or on the server a stand-in that writes HTML (src/ssr/server-dom.ts). */
export type CardDocument = Pick<Document, 'createElement' | 'createDocumentFragment'>;

export interface CardOptions {
  labels: RecsLabels;
  /** Formatted price, computed by the element (Intl formatter reuse). */
  price: (item: RecItem) => string;
  addToCart: boolean;
  /** A designer's `<template>`: filled (fillTemplate), it replaces the built-in card's content. */
  template?: HTMLTemplateElement | null | undefined;
  /** Carousel only: each card is a slide group labelled "n of N" (the carousel keeps its tab stops in view). */
  slides?: { total: number } | undefined;
}

/** An element with its attributes (an undefined value leaves the attribute out) and children; text only ever as text. */
function h(doc: CardDocument, tag: string, attributes: Record<string, string | number | undefined>, ...children: (Node | string)[]): Element {
  const node = doc.createElement(tag);
  for (const name in attributes) if (attributes[name] !== undefined) node.setAttribute(name, `${attributes[name]}`);
  node.append(...children);
  return node;
}

/**
 * One product card: a list item, or in the carousel a `div` slide (a group labelled
 * "n of N"; ARIA in HTML allows no group role on an `li`). Built with plain DOM calls, not a
 * Lit template: a shopper's page renders each card once, where a template instance's clone,
 * walk and parts cost several times the few elements they make. The same code writes the
 * server's HTML (src/ssr/render.ts), so there is one card markup. URLs are set as they are:
 * every item on screen came through cleanItem() (src/model/clean-item.ts), whose safeUrl()
 * let only http(s) and relative URLs through. Clicks and image errors are listened to once
 * for all cards, on the element (recs-element.ts).
 *
 * The image's alt is empty: the link's own text (brand, title, price) already names the
 * product, and a screen reader would otherwise hear the title twice. Without an image, the
 * img has no src and is not painted (styles.ts).
 */
function buildCard(doc: CardDocument, item: RecItem, rank: number, price: string, options: CardOptions): Element {
  const { slides, labels } = options;
  const card = slides
    ? h(doc, 'div', { part: 'card', class: 'card', 'data-rank': rank, tabindex: -1, role: 'group', 'aria-roledescription': 'slide', 'aria-label': labels.slide.replace('{n}', `${rank}`).replace('{total}', `${slides.total}`) })
    : h(doc, 'li', { part: 'card', class: 'card', 'data-rank': rank });
  if (options.template) card.append(fillTemplate(options.template, item, price, labels.outOfStock));
  else {
    const soldOut = item.inStock === false;
    card.append(linkFor(doc, item, price, soldOut ? labels.outOfStock : ''));
    if (options.addToCart) {
      card.append(h(doc, 'button', { part: 'add-to-cart', class: 'add', type: 'button', 'data-add-to-cart': '', 'aria-label': `${labels.addToCart}, ${item.title}`, disabled: soldOut ? '' : undefined }, labels.addToCart));
    }
  }
  return card;
}

/** A built-in card's link: image, brand, title, price and the out-of-stock mark (`badge`, when not empty). */
function cardLink(doc: CardDocument, item: RecItem, price: string, badge: string): Element {
  return h(doc, 'a', { part: 'link', class: 'link', href: item.url },
    h(doc, 'span', { class: 'media' }, h(doc, 'img', { part: 'image', alt: '', loading: 'lazy', src: item.image })),
    // Spaces between the lines (not rendered in the flex column): the link's text reads "brand title price".
    h(doc, 'span', { part: 'brand', class: 'brand line' }, item.brand ?? ''),
    ' ',
    h(doc, 'span', { part: 'title', class: 'title' }, item.title),
    ' ',
    h(doc, 'span', { class: 'line meta' }, h(doc, 'span', { part: 'price', class: 'price' }, price), ...(badge ? [h(doc, 'span', { part: 'badge', class: 'badge' }, badge)] : [])));
}

/** Per document, the link of a card with no data (cardLink), which the browser's cards are cloned from. */
const blanks = new WeakMap<CardDocument, Element>();
/** Per document, clones of that link made in idle time before the first answer (warmUp), which its cards take first. */
const spares = new WeakMap<CardDocument, Element[]>();

const blankLink = (doc: CardDocument): Element => {
  let blank = blanks.get(doc);
  if (!blank) blanks.set(doc, (blank = cardLink(doc, { id: '', title: '' }, '', '')));
  return blank;
};

/**
 * The link for an item: in the browser a clone of the blank one, filled (one native clone and five values
 * cost about half of making its six elements), made ahead while the page was idle where one is spare;
 * on the server, whose stand-in cannot clone, cardLink itself. The same markup either way: a test compares the two.
 */
function linkFor(doc: CardDocument, item: RecItem, price: string, badge: string): Element {
  const blank = blankLink(doc);
  if (!blank.cloneNode) return cardLink(doc, item, price, badge);
  const link = spares.get(doc)?.pop() ?? (blank.cloneNode(true) as Element);
  const [media, brand, title, meta] = link.children as unknown as Element[];
  if (item.url) link.setAttribute('href', item.url);
  if (item.image) media!.firstElementChild!.setAttribute('src', item.image);
  brand!.textContent = item.brand ?? '';
  title!.textContent = item.title;
  meta!.firstElementChild!.textContent = price;
  if (badge) meta!.append(h(doc, 'span', { part: 'badge', class: 'badge' }, badge));
  return link;
}

/** An element's cards from its last render: by item, with what each was made from, and all of them as placed. */
export interface KeptCards {
  byItem: WeakMap<RecItem, { key: string; template: CardOptions['template']; card: Element }>;
  placed?: { cards: Element[]; fragment: DocumentFragment };
}

/**
 * The cards for a render, in one fragment: Lit places it with one insertion, instead of a part
 * and two markers per card. The same card node as last time for an item whose card would come
 * out the same, and the same fragment when every card is and they are still placed, so Lit leaves the DOM alone and
 * focus and image state survive re-renders.
 */
export function buildCards(doc: CardDocument, items: RecItem[], options: CardOptions, kept: KeptCards): DocumentFragment {
  const { labels, addToCart, slides, template } = options;
  const made = JSON.stringify([labels, addToCart, slides?.total]);
  const cards = items.map((item, index) => {
    const price = options.price(item);
    const key = `${made}|${price}|${index}`;
    let last = kept.byItem.get(item);
    if (last?.key !== key || last.template !== template) {
      kept.byItem.set(item, (last = { key, template, card: buildCard(doc, item, index + 1, price, options) }));
    }
    return last.card;
  });
  const { placed } = kept;
  const same = placed?.cards.length === cards.length && placed.cards.every((card, index) => card === cards[index]);
  // The same fragment while its cards are on the page, or still in it (hydration keeps the server's nodes and never places
  // it); a new one when a card changed or the layout they were placed in was replaced.
  if (!same || !(cards[0]?.isConnected || placed.fragment.firstChild === cards[0])) {
    const fragment = doc.createDocumentFragment();
    fragment.append(...cards);
    kept.placed = { cards, fragment };
  }
  return kept.placed!.fragment;
}

/** The most cards dist/recs.css reserves space for: the first answer's cards up to that many find their links made. */
const SPARE_LINKS = 20;

/**
 * Once per document (a page has one), while the first request is out: a sample item cleaned and made into a card, so
 * the answer's first pass through that code is not the first on the page (on a fresh page, where
 * the code is not compiled and warmed up yet, that pass costs about twice as much); then the
 * links of the answer's cards cloned ahead, so its task only fills them (0.3 ms less for 20 cards, docs/bench.md).
 */
export function warmUp(doc: CardDocument): void {
  if (spares.has(doc)) return;
  const made: Element[] = [];
  spares.set(doc, made);
  // A few items, not one: enough runs through that code for V8 to compile it beyond its first, interpreted tier.
  // A plain loop: a storefront's old Prototype.js replaces Array.from with one that ignores a map function.
  const items = [];
  for (let id = 0; id < 8; id++) items.push({ id, title: '1', url: '/', image: '/', brand: '1', price: 1 });
  const sample = cleanResult({ items }, '').items;
  buildCards(doc, sample, { labels: DEFAULT_LABELS, price: () => '', addToCart: false }, { byItem: new WeakMap() });
  const blank = blankLink(doc);
  if (blank.cloneNode) for (let count = 0; count < SPARE_LINKS; count++) made.push(blank.cloneNode(true) as Element);
}

/** The fields a designer's template can name that are text as they are. */
const TEXT_FIELDS = ['id', 'title', 'brand', 'description', 'group'] as const;

/**
 * Fills a designer's card template (a `<template>` child of the element, docs/designer.md) with one item: named fields get text (never markup),
 * `data-field="image"` the image's src, `data-href` the item's URL (both passed safeUrl in
 * cleanItem); missing URLs leave the attribute out. The element's one capturing
 * listener marks a broken image (recs-element.ts). The card around it is the built-in
 * card's (buildCard).
 */
function fillTemplate(template: HTMLTemplateElement, item: RecItem, price: string, outOfStock: string): DocumentFragment {
  const fragment = template.content.cloneNode(true) as DocumentFragment;
  // React and Vue render a <template>'s children into the element, not its content.
  if (!fragment.hasChildNodes()) for (const node of template.childNodes) fragment.append(node.cloneNode(true));
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
