import { LitElement, html, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import type { RecItem, RecsError, RecsRequest } from '../model/schema.js';
import { RecsFailure, toRecsError } from '../model/errors.js';
import { $context } from '../data/context.js';
import { loadRecs, type LoadedRecs } from '../data/load-recs.js';
import { loadTransport, type Transport } from '../transports/registry.js';
import { urlFromTemplate } from '../format/safe-url.js';
import { formatPrice } from '../format/price.js';
import { emit } from './events.js';
import { renderCard, renderSkeleton, type CardOptions } from './card.js';
import { DEFAULT_LABELS, type RecsLabels } from './labels.js';
import { claim, claimedByOthers, release } from './page-claims.js';
import { NearViewportController } from './visibility-controller.js';
import { ImpressionController } from './impression-controller.js';

export type RecsState = 'idle' | 'loading' | 'ready' | 'empty' | 'error';

const list = (value: string | undefined) => value?.split(',').map((entry) => entry.trim()).filter(Boolean);

/** Attributes copied as they are into the request; the page context fills what they leave unset. */
const REQUEST_ATTRIBUTES = ['endpoint', 'apiKey', 'customerId', 'webId', 'contactId', 'email', 'phone', 'externalCustomerId', 'sourceId', 'location', 'collectionId', 'context', 'country', 'language', 'locale', 'currency'] as const;
const numberAttribute = { type: Number };
const stringAttribute = (attribute: string) => ({ attribute });

// Loading skeletons shown at most, so a large limit never paints a wall of placeholders.
const MAX_SKELETONS = 12;
let widgetCount = 0;
let templates: typeof import('./card-template.js') | undefined;

/**
 * The behaviour both elements share: attributes and page context become one
 * RecsRequest, the data layer answers it, the element holds a state and renders
 * cards. `<recs-list>` and `<recs-carousel>` only add their layout.
 *
 * @fires recs-load - Results arrived and cards are rendered. detail: { items, source, widgetId, transport, trackerId }
 * @fires recs-empty - The source answered with no usable items.
 * @fires recs-error - The request failed. detail: { error: { code, message, status? } }
 * @fires recs-click - A card was clicked; cancel it to handle navigation yourself. detail: { item, rank, widgetId, transport, trackerId }
 * @fires recs-impression - Cards were at least half visible for one second, each once. detail: { items, widgetId, transport, trackerId }
 * @fires recs-add-to-cart - The add-to-cart button of a card was pressed (cancelable). detail: { item, rank, widgetId, transport, trackerId }
 * @slot empty - Shown instead of the cards when there are no recommendations.
 * @slot error - Shown instead of the cards when loading failed.
 * @cssproperty --recs-gap - Space between cards (default 16px).
 * @cssproperty --recs-radius - Corner radius of images, links and buttons (default 8px).
 * @cssproperty --recs-font - Font shorthand of the cards (default 400 14px/20px system-ui, sans-serif).
 * @cssproperty --recs-heading-font - Font shorthand of the heading (default 600 18px/24px system-ui, sans-serif).
 * @cssproperty --recs-heading-color - Heading colour (default: inherited).
 * @cssproperty --recs-color-text - Text colour (default #1a1a1a).
 * @cssproperty --recs-color-muted - Brand line and empty message colour (default #5c5c5c).
 * @cssproperty --recs-price-color - Price colour (default: the text colour).
 * @cssproperty --recs-color-accent - Focus ring and add-to-cart background (default #2f5bd3).
 * @cssproperty --recs-button-text - Add-to-cart button text colour (default #fff).
 * @cssproperty --recs-image-ratio - Image aspect ratio (default 1 / 1).
 * @cssproperty --recs-image-fit - object-fit of the images (default cover).
 * @cssproperty --recs-image-background - Behind the images (default #f2f2f2).
 * @cssproperty --recs-skeleton-color - Placeholder colour while loading (default #ececec).
 * @cssproperty --recs-badge-color - Out-of-stock mark text colour (default #7a1d1d).
 * @cssproperty --recs-badge-background - Out-of-stock mark background (default #fbe9e9).
 * @csspart heading - The visible heading.
 * @csspart card - Each product card (an `li`), in rank order.
 * @csspart link - The card's link (`a`).
 * @csspart image - The product image.
 * @csspart brand - The brand line.
 * @csspart title - The product title.
 * @csspart price - The formatted price.
 * @csspart badge - The out-of-stock mark.
 * @csspart skeleton - A placeholder card while loading.
 * @csspart add-to-cart - The add-to-cart button (with the `add-to-cart` attribute).
 * @csspart empty - The built-in empty message (with `empty-label`).
 */
export abstract class RecsElement extends LitElement {
  static override properties: PropertyDeclarations = {
    transport: {},
    endpoint: {},
    apiKey: stringAttribute('api-key'),
    productId: stringAttribute('product-id'),
    customerId: stringAttribute('customer-id'),
    webId: stringAttribute('web-id'),
    contactId: stringAttribute('contact-id'),
    email: {},
    phone: {},
    externalCustomerId: stringAttribute('external-customer-id'),
    sourceId: stringAttribute('source-id'),
    location: {},
    collectionId: stringAttribute('collection-id'),
    priceMin: { attribute: 'price-min', type: Number },
    priceMax: { attribute: 'price-max', type: Number },
    include: {},
    category: {},
    context: {},
    country: {},
    language: {},
    limit: numberAttribute,
    timeout: numberAttribute,
    heading: {},
    locale: {},
    currency: {},
    productUrl: stringAttribute('product-url'),
    lazy: { converter: { fromAttribute: (value: string | null) => value !== 'false' } },
    exclude: {},
    fallback: {},
    cacheTtl: { attribute: 'cache-ttl', type: Number },
    dedupePage: { attribute: 'dedupe-page', type: Boolean },
    addToCart: { attribute: 'add-to-cart', type: Boolean },
    labels: { attribute: false },
    prevLabel: stringAttribute('prev-label'),
    nextLabel: stringAttribute('next-label'),
    outOfStockLabel: stringAttribute('out-of-stock-label'),
    slideLabel: stringAttribute('slide-label'),
    emptyLabel: stringAttribute('empty-label'),
    addToCartLabel: stringAttribute('add-to-cart-label'),
    state: { reflect: true },
    items: { attribute: false },
  };

  /** `snappy`, `yespo`, `proxy` or a registered name; or a one-off `{ fetch(request, { signal }) }` object. */
  declare transport: string | Transport | undefined;
  /** Base URL of the vendor API or of your proxy route. */
  declare endpoint: string | undefined;
  /** Vendor key, for trying things out: every shopper can read it. Production keys belong in the proxy. */
  declare apiKey: string | undefined;
  /** Source product id(s), comma-separated. Falls back to `setContext({ productIds })`. */
  declare productId: string | undefined;
  /** Customer id (any one identifier is enough); falls back to `setContext({ customerId })`. */
  declare customerId: string | undefined;
  /** Web (cookie) id of the shopper, e.g. Yespo's; falls back to the page context. */
  declare webId: string | undefined;
  /** Contact id of the shopper (Yespo); falls back to the page context. */
  declare contactId: string | undefined;
  /** Shopper e-mail as an identifier; sent only in a POST body, never in a URL. */
  declare email: string | undefined;
  /** Shopper phone number as an identifier; sent only in a POST body, never in a URL. */
  declare phone: string | undefined;
  /** Your own customer id as the vendor knows it (Yespo); falls back to the page context. */
  declare externalCustomerId: string | undefined;
  /** Yespo data source id. */
  declare sourceId: string | undefined;
  /** Snappy: ISO 3166-1 alpha-2 country, e.g. `US` (required by Snappy). */
  declare location: string | undefined;
  /** Snappy: recommend only from this collection. */
  declare collectionId: string | undefined;
  /** Snappy: lowest price; sent only together with `price-max`. */
  declare priceMin: number | undefined;
  /** Snappy: highest price; sent only together with `price-min`. */
  declare priceMax: number | undefined;
  /** Snappy: extra product fields, comma-separated (`brand`, `tags`). */
  declare include: string | undefined;
  /** Yespo category ids, comma-separated. */
  declare category: string | undefined;
  /** Adobe-style request context (e.g. a page type), sent through the proxy. */
  declare context: string | undefined;
  /** Shopper country for the request context, sent through the proxy. */
  declare country: string | undefined;
  /** Shopper language for the request context, sent through the proxy. */
  declare language: string | undefined;
  /** Number of cards. */
  declare limit: number;
  /** Milliseconds before a request is abandoned, retries included. */
  declare timeout: number;
  /** Visible heading; also the accessible name of the carousel region. */
  declare heading: string | undefined;
  /** Locale for prices (Intl), e.g. `de-DE`; falls back to `setContext({ locale })`, then the browser. */
  declare locale: string | undefined;
  /** ISO 4217 currency for prices, e.g. `EUR`; overrides the vendor's code (no conversion). */
  declare currency: string | undefined;
  /** Link template for vendors that return no URL, e.g. `/products/{id}`. */
  declare productUrl: string | undefined;
  /** Fetch only near the viewport; `lazy="false"` fetches at once. */
  declare lazy: boolean;
  /** Product ids never to show, comma-separated. The page's current product and cart are left out anyway. */
  declare exclude: string | undefined;
  /** A second source for when the first errors or is empty: a proxy route URL or JSON of attributes. */
  declare fallback: string | undefined;
  /** Seconds results stay fresh in the session cache (0: no cache). Stale results show at once while revalidating. */
  declare cacheTtl: number | undefined;
  /** Skip products another widget on the page already shows. */
  declare dedupePage: boolean;
  /** Show an add-to-cart button on each card; it fires `recs-add-to-cart`. */
  declare addToCart: boolean;
  /** Built-in words (previous, next, outOfStock, slide, empty, addToCart, region); label attributes win. */
  declare labels: Partial<RecsLabels> | undefined;
  /** Name of the carousel's previous button (default `Previous`). */
  declare prevLabel: string | undefined;
  /** Name of the carousel's next button (default `Next`). */
  declare nextLabel: string | undefined;
  /** Text of the out-of-stock mark (default `Out of stock`). */
  declare outOfStockLabel: string | undefined;
  /** Carousel slide label; `{n}` and `{total}` are filled in. */
  declare slideLabel: string | undefined;
  /** Text shown when empty and no `empty` slot content is given. */
  declare emptyLabel: string | undefined;
  /** Text of the add-to-cart button (default `Add to cart`). */
  declare addToCartLabel: string | undefined;
  /** Reflected: idle, loading, ready, empty or error. */
  declare state: RecsState;
  /** The items shown, in rank order (read-only). */
  declare items: RecItem[];
  /** The last error, when state is error (read-only; set together with state). */
  error: RecsError | undefined;
  /** The vendor's tracking id for the items shown (Adobe's x-recommendation-tracker-id). */
  trackerId: string | undefined;
  #autoId = `recs-${++widgetCount}`;

  /** The element's id, or a generated one: which widget an event came from. */
  get widgetId(): string {
    return this.id || this.#autoId;
  }

  /** The words in use: label attributes, then the `labels` property, then the defaults. */
  get resolvedLabels(): RecsLabels {
    const { prevLabel: previous, nextLabel: next, outOfStockLabel: outOfStock, slideLabel: slide, emptyLabel: empty, addToCartLabel: addToCart } = this;
    const labels: Record<string, string | undefined> = { ...DEFAULT_LABELS, ...this.labels };
    for (const [key, value] of Object.entries({ previous, next, outOfStock, slide, empty, addToCart })) if (value != null) labels[key] = value;
    return labels as unknown as RecsLabels;
  }

  #nearViewport = new NearViewportController(this);
  #impressions = new ImpressionController(this, (cards) => this.#reportImpressions(cards));
  #requestKey: string | undefined;
  #controller: AbortController | undefined;
  #unsubscribe: (() => void) | undefined;

  constructor() {
    super();
    this.limit = 10;
    this.timeout = 8000;
    this.lazy = true;
    this.state = 'idle';
    this.items = [];
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#unsubscribe = $context.listen(() => this.requestUpdate());
    // Start the vendor chunk download now, so it is ready before the request.
    if (typeof this.transport === 'string') loadTransport(this.transport).catch(() => {});
    // Cards already shown are watched for impressions again.
    if (this.state === 'ready') this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#unsubscribe?.();
    release(this);
    this.#controller?.abort();
    this.#controller = undefined;
    if (this.state === 'loading') {
      // The aborted request is started again if the element comes back.
      this.#requestKey = undefined;
      this.state = 'idle';
    }
  }

  /** The canonical request for the current attributes and page context (attributes win). */
  buildRequest(): RecsRequest {
    const request: Record<string, unknown> = { ...$context.get() };
    for (const name of REQUEST_ATTRIBUTES) if (this[name] != null && this[name] !== '') request[name] = this[name];
    for (const name of ['include', 'category'] as const) if (this[name]) request[name] = list(this[name]);
    if (this.productId) request.productIds = list(this.productId);
    for (const name of ['priceMin', 'priceMax'] as const) if (Number.isFinite(this[name])) request[name] = this[name];
    request.transport = this.#transportName();
    // Ask for as many more as will be left out, so the row stays full.
    request.limit = Math.min(this.#displayLimit() + this.#excludedIds(request).size, 100);
    return request as RecsRequest;
  }

  #displayLimit(): number {
    return Number.isFinite(this.limit) ? Math.min(Math.max(Math.trunc(this.limit), 0), 100) : 10;
  }

  /** The current product(s), the cart and `exclude`: never recommended. */
  #excludedIds(request: Partial<RecsRequest>): Set<string> {
    return new Set([...(request.productIds ?? []), ...(request.cart ?? []).map((line) => line.id), ...(list(this.exclude) ?? [])]);
  }

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    if (!this.isConnected || (this.lazy && !this.#nearViewport.near)) return;
    const request = this.buildRequest();
    const key = `${JSON.stringify(request)}|${this.timeout}`;
    if (key === this.#requestKey && !changed.has('transport')) return;
    this.#requestKey = key;
    void this.#load(request);
  }

  async #load(request: RecsRequest): Promise<void> {
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    this.state = 'loading';
    this.error = undefined;
    try {
      if (!request.transport) throw new RecsFailure('invalid-request', 'The transport attribute is required');
      const loading = loadRecs(request, {
        signal: controller.signal,
        timeout: this.timeout > 0 ? this.timeout : 8000,
        transport: typeof this.transport === 'object' ? this.transport : undefined,
        fallback: this.fallback,
        cacheTtl: this.cacheTtl,
        onStale: (stale) => void this.#show(stale, request, controller),
      });
      // The first Intl.NumberFormat costs 10-60 ms: pay it in its own task, once the request is out.
      setTimeout(formatPrice, 0, { amount: 0, currency: request.currency ?? 'USD' }, request.locale);
      await this.#show(await loading, request, controller);
    } catch (thrown) {
      if (controller !== this.#controller) return;
      const error = toRecsError(thrown);
      if (error.code === 'aborted') return;
      release(this);
      this.items = [];
      this.error = error;
      this.state = 'error';
      await this.updateComplete;
      emit(this, 'recs-error', { error, ...this.#eventContext() });
    }
  }

  /** Shows a result unless a newer request has taken over, then tells the page. */
  async #show(result: LoadedRecs, request: RecsRequest, controller: AbortController): Promise<void> {
    if (controller !== this.#controller) return;
    const excluded = this.#excludedIds(request);
    if (this.dedupePage) for (const id of claimedByOthers(this)) excluded.add(id);
    const items = result.items
      .filter((item) => !excluded.has(item.id))
      .slice(0, this.#displayLimit())
      .map((item) => (item.url ? item : { ...item, url: urlFromTemplate(this.productUrl, item.id) }));
    if (this.dedupePage) claim(this, items.map((item) => item.id));
    if (this.#template() && !templates) {
      templates = await import('./card-template.js');
      if (controller !== this.#controller) return;
    }
    this.#impressions.reset();
    this.trackerId = result.trackerId;
    this.items = items;
    this.state = items.length ? 'ready' : 'empty';
    await this.updateComplete;
    if (controller !== this.#controller) return;
    const context = { ...this.#eventContext(), transport: result.transport, source: result.source };
    if (items.length) emit(this, 'recs-load', { items, ...context });
    else emit(this, 'recs-empty', context);
  }



  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    if (this.state === 'ready') this.#impressions.observe(this.renderRoot.querySelectorAll('[part="card"]'));
  }

  /** One listener per card: the add-to-cart button or the card's link. */
  #onCardClick = (event: MouseEvent, item: RecItem, rank: number): void => {
    const target = event.target as Element;
    const detail = { item, rank, ...this.#eventContext() };
    if (target.closest('[data-add-to-cart]')) {
      event.preventDefault();
      emit(this, 'recs-add-to-cart', detail, true);
    } else if (target.closest('a') && !emit(this, 'recs-click', detail, true)) {
      event.preventDefault();
    }
  };

  #reportImpressions(cards: Element[]): void {
    const items = cards.map((card) => this.items[Number(card.getAttribute('data-rank')) - 1]).filter((item) => item !== undefined);
    if (items.length) emit(this, 'recs-impression', { items, ...this.#eventContext() });
  }

  #eventContext() {
    return { widgetId: this.widgetId, transport: this.#transportName(), trackerId: this.trackerId };
  }

  /** The transport's registry name; `custom` for a one-off object, empty when unset. */
  #transportName(): string {
    return typeof this.transport === 'string' ? this.transport : this.transport ? 'custom' : '';
  }

  /** The cards (or skeletons while waiting) as list items, for the layout to place. */
  protected renderItems(slides?: CardOptions['slides']): TemplateResult[] {
    if (this.state !== 'ready') {
      return Array.from({ length: Math.min(this.#displayLimit(), MAX_SKELETONS) }, renderSkeleton);
    }
    const page = $context.get();
    const locale = this.locale ?? page.locale;
    const currency = this.currency ?? page.currency;
    const labels = this.resolvedLabels;
    const template = this.#template();
    const options: CardOptions = {
      labels,
      price: (item) => formatPrice(item.price, locale, currency),
      addToCart: this.addToCart,
      template: template && templates && ((item, price) => templates!.stampTemplate(template, item, price, labels.outOfStock)),
      slides,
      onClick: this.#onCardClick,
    };
    return this.items.map((item, index) => renderCard(item, index + 1, options));
  }

  #template(): HTMLTemplateElement | null {
    return this.querySelector(':scope > template');
  }

  /** The card-template helpers, when this element has a template and they have loaded. */
  protected get templates(): typeof templates {
    return this.#template() ? templates : undefined;
  }

  protected renderHeading(): TemplateResult | typeof nothing {
    return this.heading ? html`<h2 part="heading" class="heading" id="heading">${this.heading}</h2>` : nothing;
  }

  /** Each element's own layout around the cards. */
  protected abstract renderLayout(): TemplateResult;

  protected override render(): TemplateResult {
    const { state } = this;
    const empty = this.resolvedLabels.empty;
    // The empty and error states show the merchant's slot (the empty one with the optional empty label).
    // The inner root carries layout, so a host page restyling the element itself (all: unset) changes nothing inside.
    return html`<div class="root" aria-busy=${state !== 'ready'}>${state === 'empty' || state === 'error'
      ? html`<slot name=${state}>${state === 'empty' && empty ? html`<p part="empty">${empty}</p>` : nothing}</slot>`
      : this.renderLayout()}</div>`;
  }

}
