import { LitElement, html, nothing, type PropertyDeclaration, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import type { RecItem, RecsError, RecsRequest } from '../model/types.js';
import { FIELD_ENTRIES, attributeOf, fieldFromText, propertyOf, type RequestProperties } from '../model/fields.js';
import { RecsFailure, toRecsError } from '../model/errors.js';
import { $context, setContext } from '../data/context.js';
import { loadRecs, type LoadedRecs } from '../data/load-recs.js';
import { buildRequest, displayLimit, excludedIds, selectItems } from '../data/request.js';
import { claim, claimedByOthers, release } from '../data/page-claims.js';
import { loadTransport, registerTransport, type Transport } from '../transports/registry.js';
import { emit } from './events.js';
import type { CardOptions, KeptCards } from './card.js';
import { DEFAULT_LABELS, type RecsLabels } from './labels.js';
import { NearViewportController } from './visibility-controller.js';
import { FetchController, type Run } from './fetch-controller.js';
import { shopperKey } from '../data/consent.js';
import { trackOrder, watchEvents } from '../data/events-hook.js';

export type RecsState = 'idle' | 'loading' | 'ready' | 'empty' | 'error';

/** Numbers from attributes: empty or unreadable text is unset (a CMS renders `limit=""`), never 0. */
const numberAttribute = { fromAttribute: (value: string | null) => fieldFromText('number', value) };
/** `lazy` is on unless the attribute says off: false, 0, off or no, in any case. */
const lazyAttribute = { fromAttribute: (value: string | null) => !/^\s*(false|0|off|no)\s*$/i.test(value ?? '') };
/**
 * Boolean attributes: on when present (`add-to-cart`, `add-to-cart=""`) unless the text is `false`, in any case, as a
 * framework writes a bound false (Vue's `:add-to-cart="false"`); styles.ts and reserve.css read them the same way.
 */
const flagAttribute = (value: string | null) => value != null && !/^false$/i.test(value);

/**
 * Property declarations whose attributes are their names in kebab case (`productUrl`: `product-url`) unless they say
 * otherwise, instead of Lit's lowercased names (custom-elements-manifest.config.mjs reads them the same way). @internal
 */
export const kebabAttributes = (properties: PropertyDeclarations): PropertyDeclarations => {
  for (const name in properties) (properties[name] as { attribute?: unknown }).attribute ??= attributeOf(name);
  return properties;
};

/** The request fields' properties, from the field table (src/model/fields.ts). */
const requestProperties: Record<string, PropertyDeclaration> = {};
for (const [field, spec] of FIELD_ENTRIES) {
  const property = propertyOf(field);
  if (spec.kind !== 'cart' && spec.element !== 0) requestProperties[property] = { converter: spec.kind === 'number' ? numberAttribute : undefined };
}

/**
 * A card image that fails to load gets the `error` class, which hides it (CSS, not a style attribute, for strict
 * CSPs) and leaves the plain media background instead of a broken-image icon. A card's image never gets another src
 * (a new item is a new card, card.ts), so nothing needs to listen for loads. Error events do not bubble: one
 * capturing listener serves every card.
 */
const onImageError = { handleEvent: (event: Event) => (event.target as Element).classList.add('error'), capture: true };

/** A placeholder with the exact box of a card (drawn by styles.ts), so nothing shifts when data arrives. */
const renderSkeleton = () => html`<li part="skeleton" class="card skeleton" aria-hidden="true"></li>`;

/** How long the first render waits for data before it shows skeletons: about what a shopper does not notice. */
const SKELETON_DELAY = 100;

let widgetCount = 0;
/**
 * Elements whose request is up to date with their properties and the page: willUpdate adds them, a property-less
 * requestUpdate takes them out. (Not a private field: Lit's constructor calls requestUpdate before fields exist.)
 */
const requested = new WeakSet<RecsElement>();
/** How cards are made (card.ts): a chunk, fetched beside the first request so it is here before the answer. */
let cardChunk: typeof import('./card.js') | undefined;
let cardsLoading: Promise<typeof import('./card.js')> | undefined;
/** Loads the card chunk once. @internal */
export const loadCards = () =>
  (cardsLoading ??= import('./card.js').then(
    (chunk) => (cardChunk = chunk),
    (error) => {
      cardsLoading = undefined; // the next request tries again
      throw error;
    },
  ));
let shownChunk: Promise<typeof import('./shown.js')> | undefined;
/**
 * The chunk of what a widget needs once its cards show (src/elements/shown.ts), loaded once,
 * after the frame that paints the first cards: its fetch, evaluation and first measure would delay that frame. @internal
 */
export const whenShown = () =>
  (shownChunk ??= new Promise<void>((paint) => requestAnimationFrame(() => afterPaint(() => paint()))).then(() => import('./shown.js')));
/** After the frame, when the page has nothing more urgent (within half a second); a timer where there are no idle callbacks (Safari). */
const afterPaint = (run: () => void) => ('requestIdleCallback' in self ? requestIdleCallback(run, { timeout: 500 }) : setTimeout(run));

/** The request field properties (`productId`, `limit`, ...) come from the field table. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface RecsElement extends RequestProperties {}

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
 * @cssproperty --recs-heading-color - Heading colour (default: the text colour, `--recs-color-text`).
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
 * @csspart card - Each product card (an `li` in the list, a `div` slide in the carousel), in rank order.
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
  static override properties: PropertyDeclarations = kebabAttributes({
    transport: {},
    ...requestProperties,
    timeout: { converter: numberAttribute },
    heading: {},
    productUrl: {},
    lazy: { converter: lazyAttribute },
    events: { converter: lazyAttribute },
    exclude: {},
    fallback: {},
    cacheTtl: { converter: numberAttribute },
    // type: Boolean for how the React wrapper writes them (src/react/factory.ts): `add-to-cart=""` or none.
    dedupePage: { type: Boolean, converter: flagAttribute },
    addToCart: { type: Boolean, converter: flagAttribute },
    labels: { attribute: false },
    prevLabel: {},
    nextLabel: {},
    outOfStockLabel: {},
    slideLabel: {},
    emptyLabel: {},
    addToCartLabel: {},
    state: { reflect: true },
    items: { attribute: false },
  });

  /**
   * The page API of the copy of the bundle that defined the elements: a second copy's
   * `setContext` and `registerTransport` reach the elements through it.
   */
  static pageApi = { setContext, registerTransport, trackOrder };

  /** `snappy`, `yespo`, `proxy` or a registered name; or a one-off `{ fetch(request, { signal }) }` object. */
  declare transport: string | Transport | undefined;
  /** Milliseconds before a request is abandoned, retries included (default 8000). */
  declare timeout: number | undefined;
  /** Visible heading; also the accessible name of the carousel region. */
  declare heading: string | undefined;
  /** Link template for vendors that return no URL, e.g. `/products/{id}`. */
  declare productUrl: string | undefined;
  /** Fetch only near the viewport; `lazy="false"` fetches at once. */
  declare lazy: boolean;
  /** Send first-party events (impressions, clicks, add-to-cart) to the proxy when its answer has a request id; `events="false"` turns them off. */
  declare events: boolean;
  /** Product ids never to show, comma-separated. The page's current product and cart are left out anyway. */
  declare exclude: string | undefined;
  /** A second source for when the first errors or is empty: a proxy route URL or JSON of attributes. */
  declare fallback: string | undefined;
  /** Seconds results stay fresh in the session cache (0: no cache). Stale results show at once while revalidating. */
  declare cacheTtl: number | undefined;
  /** Skip products another widget on the page already shows; `dedupe-page="false"` is off. */
  declare dedupePage: boolean;
  /** Show an add-to-cart button on each card; it fires `recs-add-to-cart`. `add-to-cart="false"` is off. */
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
  /** The result on screen, so the same result (a stale cache entry kept after a failed refresh) is announced once. */
  #shown: LoadedRecs | undefined;
  /** Shows the result on screen again, selected anew. */
  #reselect: (() => void) | undefined;

  /** The element's id, or a generated one: which widget an event came from. */
  get widgetId(): string {
    return this.id || this.#autoId;
  }

  /** The words in use: label attributes, then the `labels` property, then the defaults. */
  get resolvedLabels(): RecsLabels {
    const labels: Record<string, string> = { ...DEFAULT_LABELS, ...this.labels };
    // Each word's attribute property is its name and "Label" (prevLabel for previous); the region has none.
    // An empty or blank one is unset, as every empty attribute (a CMS field left blank must not leave a button unnamed);
    // so is a word the labels property leaves undefined (a framework's missing translation): the default, not "undefined".
    for (const key in labels) labels[key] = `${(this as unknown as Record<string, string | undefined>)[`${key === 'previous' ? 'prev' : key}Label`] ?? ''}`.trim() || labels[key] || (DEFAULT_LABELS as unknown as Record<string, string>)[key]!;
    return labels as unknown as RecsLabels;
  }

  /** Stops re-rendering on page context changes (setContext), which it does while on the page. */
  #unlisten: (() => void) | undefined;
  #nearViewport = new NearViewportController(this);
  /** The impression controller, made once the `shown` chunk is here. */
  #impressions: Promise<unknown> | undefined;
  #fetch = new FetchController(this, () => {
    // A request abandoned by leaving the page starts again when the element comes back.
    if (this.state === 'loading') this.state = 'idle';
  });
  #lastTransport: RecsElement['transport'];
  /** The cards of the last render, kept for the next (card.ts). */
  #cards: KeptCards = { byItem: new WeakMap() };
  /** The run whose request keeps the cards of the last one on screen while it waits (#load). */
  #keeping: Run | undefined;
  /** Ends the first render's wait for data (scheduleUpdate). */
  #renderNow: (() => void) | undefined;
  /** The first update's pass that only takes back properties set before the upgrade (scheduleUpdate). */
  #holding = false;

  constructor() {
    super();
    this.limit = 10;
    this.timeout = 8000;
    // One assignment each: the manifest (custom-elements.json) reads the defaults from here.
    this.lazy = true;
    this.events = true;
    this.state = 'idle';
    this.items = [];
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#unlisten = $context.listen(() => this.requestUpdate());
    // Start the vendor chunk and card chunk downloads now, so they are ready before the request and its answer
    // (a one-off transport object's name, `custom`, and an unset one's are not registered: they load nothing).
    loadTransport(this.#transportName()).catch(() => {});
    loadCards().catch(() => {});
    // Back on the page: an abandoned request starts again, shown cards are watched for impressions again.
    this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#unlisten?.();
    release(this);
  }

  /** `state` is the element's to say: a copied `state="ready"` (cloneNode, server HTML) is not believed. */
  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    if (name !== 'state') super.attributeChangedCallback(name, old, value);
  }

  /** The canonical request for the current attributes and page context (attributes win). */
  buildRequest(): RecsRequest {
    const request = buildRequest(this, $context.get(), this.#transportName(), this.exclude);
    // The proxy keeps a split's variant per shopper (src/data/consent.ts); measuring is what the key is for, so no events, no key.
    if (request.transport === 'proxy' && this.events && $context.get().events !== false) request.shopper = shopperKey();
    return request;
  }

  /** A property-less update (page context, back on the page, near the viewport) may need a new request. */
  override requestUpdate(name?: PropertyKey, oldValue?: unknown, options?: PropertyDeclaration): void {
    if (name === undefined) requested.delete(this);
    super.requestUpdate(name, oldValue, options);
  }

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    // An update of only what loading itself set (state, items) has the request already made: not built again.
    if (!requested.has(this) || [...changed.keys()].some((key) => key !== 'state' && key !== 'items')) this.#request();
    // What only decides which of the result's products show and where they link: the result on screen is selected again
    // (unless the request changed with it: its own result is selected then).
    if (changed.has('exclude') || changed.has('productUrl') || changed.has('dedupePage')) this.#reselect?.();
    requested.add(this);
  }

  /** Starts the request for the current attributes and context, unless it is under way or the element waits to come near the viewport. */
  #request(): void {
    if (!this.isConnected) return;
    if (this.lazy && !this.#nearViewport.near) return this.#nearViewport.watch();
    const request = this.buildRequest();
    const timeout = this.#timeout();
    // A one-off transport object is part of the request: a new object is a new request.
    this.#run(request, timeout, (run) => this.#load(request, timeout, run), this.transport !== this.#lastTransport);
  }

  /**
   * The timeout in use: a positive `timeout`, at most 1e9 ms (11 days: AbortSignal.timeout throws past 2^53 ms, and
   * timers hold 2^31 - 1), else 8000 ms.
   */
  #timeout(): number {
    return Math.min(this.timeout! > 0 ? this.timeout! : 8000, 1e9);
  }

  /** Starts `work` for this request unless it is the run under way already (FetchController). */
  #run(request: RecsRequest, timeout: number, work: (run: Run) => Promise<void>, force?: boolean): void {
    this.#lastTransport = this.transport;
    this.#fetch.run(`${JSON.stringify(request)}|${timeout}|${this.fallback}|${this.cacheTtl}`, work, force);
  }

  async #load(request: RecsRequest, timeout: number, run: Run): Promise<void> {
    // A new request (a single-page app's next product) keeps the cards on screen, busy, until its answer or for
    // SKELETON_DELAY, as the first render waits: a fast answer goes from cards to cards, no skeletons between.
    // Their clicks still report the items shown (items and trackerId change with the cards, #show).
    if (this.state == 'ready') {
      this.#keeping = run;
      setTimeout(() => {
        if (this.#keeping == run) this.requestUpdate('state', (this.#keeping = undefined));
      }, SKELETON_DELAY);
    }
    this.state = 'loading';
    this.error = undefined;
    try {
      if (!request.transport) throw new RecsFailure('invalid-request', 'No transport attribute');
      const loading = loadRecs(request, {
        signal: run.signal,
        timeout,
        transport: typeof this.transport === 'object' ? this.transport : undefined,
        fallback: this.fallback,
        cacheTtl: this.cacheTtl,
        onStale: (stale) => this.#show(stale, request, run).catch(() => {}),
      });
      // While the page is idle waiting for the answer (never ahead of it): the first Intl.NumberFormat (10-60 ms), then
      // the card chunk's first run on a sample (card.ts). An answer that is back first makes the formatter in its own
      // render, one task: queued at once, the formatter held such an answer 30-50 ms and a task hop (docs/bench.md).
      // No idle callbacks (Safari): the formatter in a timer task, no card warm-up. None where the proxy writes the
      // prices (for a request with a locale, src/proxy/price-text.ts): then the page never makes a formatter at all.
      // Prices are formatted by the card chunk's formatPrice (only cards show them): both wait for that chunk.
      loadCards().then((chunk) => {
        if (request.transport != 'proxy' || !request.locale) afterPaint(() => chunk.formatPrice({ amount: 0, currency: request.currency ?? 'USD' }, request.locale));
        self.requestIdleCallback?.(() => this.state === 'loading' && chunk.warmUp(this.ownerDocument));
      }, () => {});
      await this.#show(await loading, request, run);
    } catch (thrown) {
      if (!run.isLatest()) return;
      const error = toRecsError(thrown);
      release(this);
      // No answer is shown: the error's event and later clicks carry no tracker id of the answer it replaced.
      this.#shown = this.#reselect = this.trackerId = undefined;
      this.items = [];
      this.error = error;
      this.state = 'error';
      this.#renderNow?.();
      await this.updateComplete;
      if (!run.isLatest()) return;
      emit(this, 'recs-error', { error, ...this.eventContext() });
    }
  }

  /** Shows a result unless a newer request has taken over (or it is on screen already), then tells the page. */
  async #show(result: LoadedRecs, request: RecsRequest, run: Run): Promise<void> {
    if (!run.isLatest() || result === this.#shown) return;
    this.#shown = result;
    this.#reselect = () => {
      this.#shown = undefined;
      this.#show(result, request, run).catch(() => {});
    };
    const excluded = excludedIds(request, this.exclude);
    if (this.dedupePage) for (const id of claimedByOthers(this)) excluded.add(id);
    const items = selectItems(result.items, { excluded, limit: displayLimit(this.limit), productUrl: this.productUrl });
    if (this.dedupePage) claim(this, items.map((item) => item.id));
    if (!cardChunk) {
      await loadCards();
      if (!run.isLatest()) return;
    }
    this.trackerId = result.trackerId;
    this.items = items;
    this.state = items.length ? 'ready' : 'empty';
    this.#renderNow?.();
    await this.updateComplete;
    if (!run.isLatest()) return;
    watchEvents(this, result, request.endpoint);
    const context = { ...this.eventContext(), transport: result.transport, source: result.source };
    // A copy: a page sorting or filtering the detail's list in place must not reorder what clicks and impressions report.
    if (items.length) emit(this, 'recs-load', { items: [...items], ...context });
    else emit(this, 'recs-empty', context);
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    if (this.state !== 'ready') return;
    // Impressions are counted from then on by the controller itself (src/elements/impression-controller.ts).
    this.#impressions ??= whenShown().then(({ ImpressionController }) => new ImpressionController(this));
  }

  /** One listener for all cards (on `.keep`, which holds no slotted content): the add-to-cart button or the card's link. */
  #onClick = (event: MouseEvent): void => {
    const target = event.target as Element;
    const rank = Number(target.closest<HTMLElement>('[data-rank]')?.dataset.rank);
    const item = this.items[rank - 1];
    if (!item) return;
    const detail = { item, rank, ...this.eventContext() };
    if (target.closest('[data-add-to-cart]')) {
      event.preventDefault();
      emit(this, 'recs-add-to-cart', detail, true);
    } else if (target.closest('a') && !emit(this, 'recs-click', detail, true)) {
      event.preventDefault();
    }
  };

  /** What every event's detail says about the widget. @internal */
  eventContext() {
    return { widgetId: this.widgetId, transport: this.#transportName(), trackerId: this.trackerId };
  }

  /** The transport's registry name (stray spaces from a CMS left out); `custom` for a one-off object, empty when unset. */
  #transportName(): string {
    return typeof this.transport === 'string' ? this.transport.trim() : this.transport ? 'custom' : '';
  }

  /** Whether the render shows cards: when ready, and while a new request keeps the last cards (#load). @internal */
  protected get showsCards(): boolean {
    return this.state == 'ready' || (this.state == 'loading' && !!this.#keeping);
  }

  /** The cards (or skeletons while waiting) as list items, for the layout to place. */
  protected renderItems(slides?: CardOptions['slides']): TemplateResult[] | DocumentFragment {
    if (!this.showsCards || !cardChunk) {
      // One per card to come: the skeletons hold the card's exact space (as dist/recs.css did before the script ran).
      return Array.from({ length: displayLimit(this.limit) }, renderSkeleton);
    }
    const page = $context.get();
    const locale = this.locale ?? page.locale;
    const currency = this.currency ?? page.currency;
    const { formatPrice } = cardChunk;
    const options: CardOptions = {
      labels: this.resolvedLabels,
      price: (item) => formatPrice(item.price, locale, currency),
      addToCart: this.addToCart,
      // A designer's card template: the element's `<template>` child.
      template: this.querySelector<HTMLTemplateElement>(':scope > template'),
      slides,
    };
    return cardChunk.buildCards(this.ownerDocument, this.items, options, this.#cards);
  }

  protected renderHeading(): TemplateResult | typeof nothing {
    // A blank heading is none (the carousel's region is then named by its label); a number (a framework's property) is its text.
    return `${this.heading ?? ''}`.trim() ? html`<h2 part="heading" class="heading" id="heading">${this.heading}</h2>` : nothing;
  }

  protected override shouldUpdate(): boolean {
    return !this.#holding;
  }

  /** Each element's own layout around the cards. */
  protected abstract renderLayout(): TemplateResult;

  protected override render(): TemplateResult {
    const { state } = this;
    const empty = this.resolvedLabels.empty;
    // The empty and error states show the merchant's slot (the empty one with the optional empty label)
    // over the skeletons, hidden, which keep the space unless the element has `collapse` (styles.ts).
    // The inner root carries layout, so a host page restyling the element itself (all: unset) changes nothing inside.
    // The layout stays in place from skeletons to cards (only its list's content changes, the cards in one fragment):
    // a new layout for the cards (as until 0.4.1) made their first frame about 5 ms longer for 100 cards (docs/bench.md).
    const layout = this.renderLayout();
    // Busy only while loading: the empty and error states are final, and their slot is read out.
    return html`<div class="root" aria-busy=${state == 'loading'}>${state === 'empty' || state === 'error'
      ? html`<slot name=${state}>${state === 'empty' && empty ? html`<p part="empty">${empty}</p>` : nothing}</slot>`
      : nothing}<div class="keep" @click=${this.#onClick} @error=${onImageError}>${layout}</div></div>`;
  }

  // ---- Server-rendered placements (src/proxy/html-answer.ts, src/elements/hydrate.ts) ----

  /**
   * The server's answer beside its cards (declarative shadow DOM): the hydration chunk,
   * loaded only then, adopts that answer as the result of this element's request, so
   * nothing is fetched, and makes the first update keep the server's cards.
   */
  protected override scheduleUpdate(): void | Promise<unknown> {
    if (this.hasUpdated) return super.scheduleUpdate();
    const data = this.querySelector(':scope>[data-recs]');
    if (!data) {
      // A state attribute copied with the markup (a Turbo snapshot put back, a saved page) is not this element's: while
      // it stayed, dist/recs.css held no space (it holds it until the element has a state) for up to SKELETON_DELAY.
      this.removeAttribute('state');
      // Properties set before the element was defined (a framework, a script ahead of recs.js) are Lit's to give back,
      // at the start of an update: a first one that renders nothing (shouldUpdate) does only that, so the request sees them.
      this.#holding = true;
      super.scheduleUpdate();
      this.#holding = false;
      // The request goes out now; the first render waits for its answer, up to SKELETON_DELAY. So data that comes
      // in time is rendered as cards straight away, with no skeletons built, laid out and painted first, and a slow
      // answer gets its skeletons then. Meanwhile dist/recs.css holds the space (until the element has a state).
      this.#request();
      return new Promise<void>((render) => {
        this.#renderNow = render;
        setTimeout(render, SKELETON_DELAY);
      }).then(() => {
        this.requestUpdate();
        super.scheduleUpdate();
      });
    }
    return Promise.all([import('./hydrate.js'), loadCards()]).then(([{ adopt }]) => {
      const result = adopt(this, data);
      if (result) {
        const request = this.buildRequest();
        // willUpdate's run for this request, so it finds this run and fetches nothing.
        this.#run(request, this.#timeout(), async (run) => {
          await this.updateComplete;
          await this.#show(result, request, run);
        });
      }
      return super.scheduleUpdate();
    }, () => {}); // without the chunk, the server's cards stay as they are: plain links, never rendered twice
  }
}
