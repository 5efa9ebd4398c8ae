/**
 * From an element's properties to the request, and from a result to the cards shown:
 * pure functions, so the elements only hold state and render.
 */
import type { PageContext, RecItem, RecsRequest } from '../model/types.js';
import { FIELD_ENTRIES, fieldFromText, propertyOf } from '../model/fields.js';
import { urlFromTemplate } from '../format/safe-url.js';

const MAX_LIMIT = 100;
const DEFAULT_LIMIT = 10;

/** Cards a widget shows: its `limit` (1 to 100), 10 when unset or unreadable. */
export function displayLimit(limit: unknown): number {
  const value = fieldFromText('number', limit) as number;
  // A whole number from 1; anything else (0, -1, 4.5, "abc") is the default, as dist/recs.css reads it.
  return Number.isInteger(value) && value > 0 ? Math.min(value, MAX_LIMIT) : DEFAULT_LIMIT;
}

/** Product ids never to show: the page's current product(s), the cart and the widget's `exclude`. */
export function excludedIds(request: Partial<RecsRequest>, exclude: string | undefined): Set<string> {
  return new Set([...(request.productIds ?? []), ...(request.cart ?? []).map((line) => line.id), ...((fieldFromText('list', exclude) as string[]) ?? [])]);
}

/**
 * The canonical request for an element's properties and the page context, field by
 * field in table order: a set attribute wins, an empty one is unset and lets the page
 * context speak. The limit asks for as many more as will be left out, so a row stays full.
 */
export function buildRequest(properties: object, context: PageContext, transport: string, exclude?: string): RecsRequest {
  const request: Record<string, unknown> = { transport };
  for (const [field, spec] of FIELD_ENTRIES) {
    const own = spec.kind === 'cart' ? undefined : fieldFromText(spec.kind, (properties as Record<string, unknown>)[propertyOf(field)]);
    const value = own ?? (spec.context ? context[field as keyof PageContext] : undefined);
    if (value !== undefined) request[field] = value;
  }
  request.limit = Math.min(displayLimit(request.limit) + excludedIds(request, exclude).size, MAX_LIMIT);
  return request as RecsRequest;
}

export interface Selection {
  excluded: Set<string>;
  limit: number;
  /** Link template for items without a URL, e.g. `/products/{id}`. */
  productUrl?: string | undefined;
}

/** The items a widget shows, in rank order: excluded ones left out, cut to the limit, links from the template. */
export function selectItems(items: readonly RecItem[], { excluded, limit, productUrl }: Selection): RecItem[] {
  const selected: RecItem[] = [];
  for (const item of items) {
    if (selected.length >= limit) break;
    if (!excluded.has(item.id)) selected.push(item.url ? item : { ...item, url: urlFromTemplate(productUrl, item.id) });
  }
  return selected;
}
