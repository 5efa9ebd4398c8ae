import { html, nothing, type TemplateResult } from 'lit';
import type { RecItem } from '../model/schema.js';
import { safeUrl } from '../format/safe-url.js';
import type { RecsLabels } from './labels.js';

export interface CardOptions {
  labels: RecsLabels;
  /** Formatted price, computed by the element (Intl formatter reuse). */
  price: (item: RecItem) => string;
  addToCart: boolean;
  /** Fills a designer's `<template>`, replacing the built-in card markup. */
  template?: ((item: RecItem, price: string) => DocumentFragment) | null | undefined;
  /** Carousel only: each card is a slide group labelled "n of N". */
  slides?: { total: number; tabbable: (rank: number) => boolean };
  onClick: (event: MouseEvent, item: RecItem, rank: number) => void;
}

function builtInCard(item: RecItem, options: CardOptions, price: string, tabindex: number | typeof nothing): TemplateResult {
  const image = safeUrl(item.image);
  return html`<a part="link" class="link" href=${safeUrl(item.url) ?? nothing} tabindex=${tabindex}>
      <span class="media">${image ? html`<img part="image" src=${image} alt=${item.title} loading="lazy" />` : nothing}</span>
      <span part="brand" class="brand line">${item.brand ?? ''}</span>
      <span part="title" class="title">${item.title}</span>
      <span class="line meta">
        <span part="price" class="price">${price}</span>
        ${item.inStock === false ? html`<span part="badge" class="badge">${options.labels.outOfStock}</span>` : nothing}
      </span>
    </a>
    ${options.addToCart
      ? html`<button part="add-to-cart" class="add" type="button" data-add-to-cart tabindex=${tabindex} ?disabled=${item.inStock === false}>${options.labels.addToCart}</button>`
      : nothing}`;
}

/**
 * One product card. Text only ever reaches the DOM as text and every URL through
 * safeUrl(), so vendor data can never become markup or script.
 */
export function renderCard(item: RecItem, rank: number, options: CardOptions): TemplateResult {
  const price = options.price(item);
  const slides = options.slides;
  const tabindex = slides && !slides.tabbable(rank) ? -1 : nothing;
  return html`<li
    part="card"
    tabindex=${slides ? -1 : nothing}
    class="card"
    data-rank=${rank}
    role=${slides ? 'group' : nothing}
    aria-roledescription=${slides ? 'slide' : nothing}
    aria-label=${slides ? options.labels.slide.replace('{n}', `${rank}`).replace('{total}', `${slides.total}`) : nothing}
    @click=${(event: MouseEvent) => options.onClick(event, item, rank)}
  >${options.template ? options.template(item, price) : builtInCard(item, options, price, tabindex)}</li>`;
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
