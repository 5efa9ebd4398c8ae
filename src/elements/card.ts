import { html, nothing, type TemplateResult } from 'lit';
import type { RecItem } from '../model/schema.js';
import { safeUrl } from '../format/safe-url.js';
import type { RecsLabels } from './labels.js';

export interface CardOptions {
  labels: RecsLabels;
  /** Formatted price, computed by the element (Intl formatter reuse). */
  price: (item: RecItem) => string;
  addToCart: boolean;
  /** A designer's `<template>` replacing the built-in card markup. */
  template: HTMLTemplateElement | null;
  /** Carousel only: each card is a slide group labelled "n of N". */
  slides?: { total: number; tabbable: (rank: number) => boolean };
  onClick: (event: MouseEvent, item: RecItem, rank: number) => void;
}

const TEXT_FIELDS = ['id', 'title', 'brand', 'description', 'group'] as const;

/**
 * Fills a designer's template with one item: named fields get text (never markup),
 * `data-field="image"` a safe src, `data-href` a safe href; unsafe or missing URLs
 * leave the attribute out.
 */
export function fillTemplate(template: HTMLTemplateElement, item: RecItem, price: string, outOfStock: string): DocumentFragment {
  const fragment = template.content.cloneNode(true) as DocumentFragment;
  for (const node of fragment.querySelectorAll<HTMLElement>('[data-field]')) {
    const field = node.dataset.field;
    if (field === 'image') {
      const src = safeUrl(item.image);
      if (src) node.setAttribute('src', src);
      else node.removeAttribute('src');
      node.setAttribute('alt', item.title);
    } else if (field === 'price') node.textContent = price;
    else if (field === 'badge') node.textContent = item.inStock === false ? outOfStock : '';
    else if (field === 'category') node.textContent = item.category?.join(' / ') ?? '';
    else node.textContent = (TEXT_FIELDS as readonly string[]).includes(field!) ? String(item[field as (typeof TEXT_FIELDS)[number]] ?? '') : '';
  }
  const href = safeUrl(item.url);
  for (const node of fragment.querySelectorAll('[data-href]')) {
    if (href) node.setAttribute('href', href);
    else node.removeAttribute('href');
  }
  return fragment;
}

function builtInCard(item: RecItem, options: CardOptions, price: string, tabindex: number | typeof nothing): TemplateResult {
  const image = safeUrl(item.image);
  return html`<a part="link" class="link" href=${safeUrl(item.url) ?? nothing} tabindex=${tabindex}>
      <span class="media">${image
        ? html`<img part="image" src=${image} alt=${item.title} loading="lazy" decoding="async" />`
        : html`<span part="image" class="no-image" role="img" aria-label=${item.title}></span>`}</span>
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
    class="card"
    data-rank=${rank}
    role=${slides ? 'group' : nothing}
    aria-roledescription=${slides ? 'slide' : nothing}
    aria-label=${slides ? options.labels.slide.replace('{n}', String(rank)).replace('{total}', String(slides.total)) : nothing}
    @click=${(event: MouseEvent) => options.onClick(event, item, rank)}
  >${options.template ? fillTemplate(options.template, item, price, options.labels.outOfStock) : builtInCard(item, options, price, tabindex)}</li>`;
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
