import { html, nothing, type TemplateResult } from 'lit';
import type { RecItem } from '../model/schema.js';
import { safeUrl } from '../format/safe-url.js';
import { formatPrice } from '../format/price.js';

export interface CardOptions {
  locale?: string | undefined;
  currency?: string | undefined;
  outOfStockLabel: string;
  onClick: (event: MouseEvent, item: RecItem, rank: number) => void;
}

/**
 * One product card. Text only ever reaches the DOM through Lit text bindings and
 * every URL through safeUrl(), so vendor data can never become markup or script.
 */
export function renderCard(item: RecItem, rank: number, options: CardOptions): TemplateResult {
  const href = safeUrl(item.url);
  const image = safeUrl(item.image);
  const price = formatPrice(item.price, options.locale, options.currency);
  return html`<li part="card" class="card" data-rank=${rank}>
    <a part="link" class="link" href=${href ?? nothing} @click=${(event: MouseEvent) => options.onClick(event, item, rank)}>
      <span class="media">${image
        ? html`<img part="image" src=${image} alt=${item.title} loading="lazy" decoding="async" />`
        : html`<span part="image" class="no-image" role="img" aria-label=${item.title}></span>`}</span>
      <span part="brand" class="brand line">${item.brand ?? ''}</span>
      <span part="title" class="title">${item.title}</span>
      <span class="line meta">
        <span part="price" class="price">${price}</span>
        ${item.inStock === false ? html`<span part="badge" class="badge">${options.outOfStockLabel}</span>` : nothing}
      </span>
    </a>
  </li>`;
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
