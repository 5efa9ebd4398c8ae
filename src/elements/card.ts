import { html, nothing, type TemplateResult } from 'lit';
import type { RecItem } from '../model/types.js';
import type { RecsLabels } from './labels.js';

export interface CardOptions {
  labels: RecsLabels;
  /** Formatted price, computed by the element (Intl formatter reuse). */
  price: (item: RecItem) => string;
  addToCart: boolean;
  /** A designer's `<template>` filled, as a whole card (card-template.ts): replaces the built-in card. */
  template?: ((item: RecItem, price: string, rank: number, slide?: string) => Element) | null | undefined;
  /** Carousel only: each card is a slide group labelled "n of N" (the carousel keeps its tab stops in view). */
  slides?: { total: number };
}

/**
 * One product card: a list item, or in the carousel a `div` slide (a group labelled
 * "n of N"; ARIA in HTML allows no group role on an `li`). Text only ever reaches the
 * DOM as text. URLs are bound as they are: every item on screen came through cleanItem()
 * (src/model/clean-item.ts), whose safeUrl() let only http(s) and relative URLs through.
 *
 * One template per card, not a wrapper around a body: each template instance is a clone
 * and a walk, and a shopper's page renders every card once. So the built-in card is
 * written out for the list and for the carousel, and the image is always there (without
 * a src when the item has none, hidden by CSS). Clicks and image loads are listened to
 * once for all cards, on the element (recs-element.ts).
 *
 * The image's alt is empty: the link's own text (brand, title, price) already names the
 * product, and a screen reader would otherwise hear the title twice.
 */
export function renderCard(item: RecItem, rank: number, options: CardOptions): TemplateResult | Element {
  const price = options.price(item);
  const { slides, labels } = options;
  const slide = slides && labels.slide.replace('{n}', `${rank}`).replace('{total}', `${slides.total}`);
  if (options.template) return options.template(item, price, rank, slide);
  const badge = item.inStock === false ? html`<span part="badge" class="badge">${labels.outOfStock}</span>` : nothing;
  const add = options.addToCart
    ? html`<button part="add-to-cart" class="add" type="button" data-add-to-cart aria-label=${`${labels.addToCart}, ${item.title}`} ?disabled=${item.inStock === false}>${labels.addToCart}</button>`
    : nothing;
  return slide
    ? html`<div part="card" tabindex="-1" class="card" data-rank=${rank} role="group" aria-roledescription="slide" aria-label=${slide}>
        <a part="link" class="link" href=${item.url ?? nothing}>
          <span class="media"><img part="image" src=${item.image ?? nothing} alt="" loading="lazy"></span>
          <span part="brand" class="brand line">${item.brand}</span>
          <span part="title" class="title">${item.title}</span>
          <span class="line meta"><span part="price" class="price">${price}</span>${badge}</span>
        </a>${add}</div>`
    : html`<li part="card" class="card" data-rank=${rank}>
        <a part="link" class="link" href=${item.url ?? nothing}>
          <span class="media"><img part="image" src=${item.image ?? nothing} alt="" loading="lazy"></span>
          <span part="brand" class="brand line">${item.brand}</span>
          <span part="title" class="title">${item.title}</span>
          <span class="line meta"><span part="price" class="price">${price}</span>${badge}</span>
        </a>${add}</li>`;
}

/** A placeholder with the exact box of a card (drawn by styles.ts), so nothing shifts when data arrives. */
export function renderSkeleton(): TemplateResult {
  return html`<li part="skeleton" class="card skeleton" aria-hidden="true"></li>`;
}
