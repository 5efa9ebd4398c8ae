import { html, nothing, type TemplateResult } from 'lit';
import type { RecItem } from '../model/types.js';
import { safeUrl } from '../format/safe-url.js';
import type { RecsLabels } from './labels.js';

export interface CardOptions {
  labels: RecsLabels;
  /** Formatted price, computed by the element (Intl formatter reuse). */
  price: (item: RecItem) => string;
  addToCart: boolean;
  /** Fills a designer's `<template>`, replacing the built-in card markup. */
  template?: ((item: RecItem, price: string) => DocumentFragment) | null | undefined;
  /** Carousel only: each card is a slide group labelled "n of N" (the carousel keeps its tab stops in view). */
  slides?: { total: number };
  onClick: (event: MouseEvent, item: RecItem, rank: number) => void;
}

/**
 * The image's class is its last load event, `load` or `error`: a broken image is hidden
 * (CSS `img.error`, not a style attribute, for strict CSPs) and leaves the plain media
 * background instead of a broken-image icon; a new `src` that loads shows it again.
 */
const onImage = (event: Event): void => void ((event.target as Element).className = event.type);

/**
 * The image's alt is empty: the link's own text (brand, title, price) already names the
 * product, and a screen reader would otherwise hear the title twice.
 */
function builtInCard(item: RecItem, options: CardOptions, price: string): TemplateResult {
  const image = safeUrl(item.image);
  return html`<a part="link" class="link" href=${safeUrl(item.url) ?? nothing}>
      <span class="media">${image ? html`<img part="image" src=${image} alt="" loading="lazy" @load=${onImage} @error=${onImage} />` : nothing}</span>
      <span part="brand" class="brand line">${item.brand ?? ''}</span>
      <span part="title" class="title">${item.title}</span>
      <span class="line meta">
        <span part="price" class="price">${price}</span>
        ${item.inStock === false ? html`<span part="badge" class="badge">${options.labels.outOfStock}</span>` : nothing}
      </span>
    </a>
    ${options.addToCart
      ? html`<button part="add-to-cart" class="add" type="button" data-add-to-cart aria-label=${`${options.labels.addToCart}, ${item.title}`} ?disabled=${item.inStock === false}>${options.labels.addToCart}</button>`
      : nothing}`;
}

/**
 * One product card: a list item, or in the carousel a `div` slide (a group labelled
 * "n of N"; ARIA in HTML allows no group role on an `li`). Text only ever reaches the
 * DOM as text and every URL through safeUrl(), so vendor data can never become markup
 * or script.
 */
export function renderCard(item: RecItem, rank: number, options: CardOptions): TemplateResult {
  const price = options.price(item);
  const slides = options.slides;
  const content = options.template ? options.template(item, price) : builtInCard(item, options, price);
  const onClick = (event: MouseEvent) => options.onClick(event, item, rank);
  return slides
    ? html`<div
        part="card"
        tabindex="-1"
        class="card"
        data-rank=${rank}
        role="group"
        aria-roledescription="slide"
        aria-label=${options.labels.slide.replace('{n}', `${rank}`).replace('{total}', `${slides.total}`)}
        @click=${onClick}
      >${content}</div>`
    : html`<li part="card" class="card" data-rank=${rank} @click=${onClick}>${content}</li>`;
}

/** A placeholder with the exact box of a card, so nothing shifts when data arrives. */
export function renderSkeleton(): TemplateResult {
  return html`<li part="skeleton" class="card skeleton" aria-hidden="true">
    <span class="link">
      <span class="media"></span>
      <span class="line"><span class="bar short"></span></span>
      <span class="title"><span class="bar"></span></span>
      <span class="line"><span class="bar short"></span></span>
    </span>
  </li>`;
}
