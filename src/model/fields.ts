/**
 * The request's fields, each named once. Everything else is derived from this table:
 * the elements' attributes and properties, request building, `setContext` (fields
 * marked `context`), the proxy wire format (GET query and POST body), the proxy's
 * input validation (src/proxy/input.ts keeps one rule per field, checked by the
 * compiler) and the `fallback` attribute mapping. It ships in the script tag, so it
 * stays a plain object; the comments on each field are the attribute docs
 * (custom-elements.json reads them).
 *
 * kind: `text` when not given (a string), `list` (comma-separated attribute, string[] in
 * the request), `number`, `cart` (page context only). `property`: the element property
 * when it is not the field's name; it is also the proxy parameter's name. `wire: 0`: the
 * field never leaves the browser. `personal`: an identifier (POST only, never cached).
 * `element: 0`: the widget fills the field in itself; no attribute, property or context key.
 */
export const REQUEST_FIELDS = {
  /** Base URL of the vendor API or of your proxy route. */
  endpoint: { wire: 0 },
  /** Vendor key, for trying things out: every shopper can read it. Production keys belong in the proxy. */
  apiKey: { wire: 0 },
  /** Source product id(s), comma-separated. Falls back to `setContext({ productIds })`. */
  productIds: { kind: 'list', property: 'productId', context: 1 },
  /** Customer id (any one identifier is enough); falls back to the page context. */
  customerId: { context: 1, personal: 1 },
  /** Web (cookie) id of the shopper, e.g. Yespo's; falls back to the page context. */
  webId: { context: 1, personal: 1 },
  /** Contact id of the shopper (Yespo); falls back to the page context. */
  contactId: { context: 1, personal: 1 },
  /** Shopper e-mail as an identifier; sent only in a POST body, never in a URL. */
  email: { context: 1, personal: 1 },
  /** Shopper phone number as an identifier; sent only in a POST body, never in a URL. */
  phone: { context: 1, personal: 1 },
  /** Your own customer id as the vendor knows it (Yespo); falls back to the page context. */
  externalCustomerId: { context: 1, personal: 1 },
  /** Yespo data source id. */
  sourceId: {},
  /** Snappy: ISO 3166-1 alpha-2 country, e.g. `US` (required by Snappy). */
  location: {},
  /** Snappy: recommend only from this collection. */
  collectionId: {},
  /** Snappy: lowest price; sent only together with `price-max`. */
  priceMin: { kind: 'number' },
  /** Snappy: highest price; sent only together with `price-min`. */
  priceMax: { kind: 'number' },
  /** Snappy: extra product fields, comma-separated (`brand`, `tags`). */
  include: { kind: 'list' },
  /** Yespo category ids, comma-separated. */
  category: { kind: 'list' },
  /** Adobe-style request context (e.g. a page type), sent through the proxy. */
  context: {},
  /** Shopper country for the request context, sent through the proxy. */
  country: { context: 1 },
  /** Shopper language for the request context, sent through the proxy. */
  language: { context: 1 },
  /** Locale for prices (Intl), e.g. `de-DE`; falls back to `setContext({ locale })`, then the browser. */
  locale: { context: 1 },
  /** ISO 4217 currency for prices, e.g. `EUR`; overrides the vendor's code (no conversion). */
  currency: { context: 1 },
  /** The shopper's cart (`setContext({ cart: [{ id, quantity }] })`); its products are never recommended. */
  cart: { kind: 'cart', context: 1 },
  /** Number of cards (0 to 100, default 10). */
  limit: { kind: 'number' },
  /**
   * The anonymous shopper key (random, src/data/consent.ts) that keeps a split's variant
   * per shopper. Not personal: it identifies no one and is never put in an event.
   */
  shopper: { element: 0 },
} as const;

type Fields = typeof REQUEST_FIELDS;
export type RequestField = keyof Fields;

/** One line of the shopper's cart. */
export interface CartLine {
  id: string;
  quantity?: number;
}

interface KindValue {
  text: string;
  list: string[];
  number: number;
  cart: CartLine[];
}
type KindOf<F extends RequestField> = Fields[F] extends { kind: infer K extends keyof KindValue } ? K : 'text';
type ValueOf<F extends RequestField> = KindValue[KindOf<F>];

/** The one canonical request, built from attributes and page context. Transports say which fields they need. */
export type RecsRequest = { [F in Exclude<RequestField, 'limit'>]?: ValueOf<F> } & {
  /** The transport's registry name (`custom` for a one-off object). */
  transport: string;
  limit: number;
};

/** Fields `setContext` accepts: what the page knows about the shopper and the page, shared by every widget. */
export type ContextField = { [F in RequestField]: Fields[F] extends { context: 1 } ? F : never }[RequestField];
export type PageContext = { [F in ContextField]?: ValueOf<F> };

/** Fields sent to the proxy route, by their wire names. */
export type WireField = { [F in RequestField]: Fields[F] extends { wire: 0 } ? never : F }[RequestField];

/** The element properties the table defines: lists and numbers as an attribute holds them. */
type PropertyOf<F extends RequestField> = Fields[F] extends { property: infer P extends string } ? P : F;
type ElementField = { [F in RequestField]: Fields[F] extends { kind: 'cart' } | { element: 0 } ? never : F }[RequestField];
export type RequestProperties = { [F in ElementField as PropertyOf<F>]: KindOf<F> extends 'number' ? number | undefined : string | undefined };

export interface FieldSpec {
  kind?: keyof KindValue;
  property?: string;
  wire?: 0;
  context?: 1;
  personal?: 1;
  element?: 0;
}

/** Every field with its spec, in table order. */
export const FIELD_ENTRIES = Object.entries(REQUEST_FIELDS) as [RequestField, FieldSpec][];

/** The element property (and so the attribute, kebab-cased) a field is set by. */
export const propertyOf = (field: RequestField): string => (REQUEST_FIELDS[field] as FieldSpec).property ?? field;
export const attributeOf = (property: string): string => property.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
/** The proxy parameter name of a field: its property's name (`productIds` travels as `productId`). */
export const wireNameOf = propertyOf;

/**
 * The personal identifiers: a request carrying any of them is never cached by a CDN or put in a URL. Marked pure so
 * dist/recs.js, which only asks hasPersonalIdentifier, leaves the list out.
 */
export const PERSONAL_FIELDS = /* @__PURE__ */ FIELD_ENTRIES.filter(([, spec]) => spec.personal).map(([field]) => field);

export function hasPersonalIdentifier(request: Partial<RecsRequest>): boolean {
  return FIELD_ENTRIES.some(([field, spec]) => spec.personal && request[field]);
}

/**
 * A field's value from an attribute's text (or a property set to text or a number): lists split on
 * commas, numbers parsed. Empty text is unset, as a CMS renders an attribute it has no
 * value for; so is a number that does not parse.
 */
export function fieldFromText(kind: FieldSpec['kind'], value: unknown): string | string[] | number | undefined {
  // A number is its text: a framework sets `productId={product.id}` as a property, and shop ids are often numbers.
  const text = typeof value === 'string' || Number.isFinite(value) ? `${value}`.trim() : undefined;
  if (kind === 'number') {
    const number = text ? Number(text) : value;
    // Number.isFinite is false for anything not a number (it does not convert).
    return Number.isFinite(number) ? (number as number) : undefined;
  }
  if (!text) return undefined;
  if (kind !== 'list') return text;
  const list = text.split(',').map((entry) => entry.trim()).filter(Boolean);
  return list.length ? list : undefined;
}
