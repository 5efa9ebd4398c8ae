/**
 * The canonical model, as zod/mini schemas with inferred types.
 *
 * Only code that validates data at an edge imports these values (vendor transports,
 * the proxy server). The script-tag core imports the *types* only (`import type`),
 * so zod never reaches dist/recs.js.
 */
import * as z from 'zod/mini';

const text = z.string().check(z.minLength(1));

/** A price as shown on a card. `currency` is an ISO 4217 code. */
export const Price = z.object({
  amount: z.number().check(z.refine(Number.isFinite, 'must be a finite number')),
  currency: z.optional(z.string()),
});
export type Price = z.infer<typeof Price>;

/** One recommended product, normalized from any vendor. Also the proxy wire format item. */
export const RecItem = z.object({
  id: text,
  title: text,
  url: z.optional(z.string()),
  image: z.optional(z.string()),
  price: z.optional(Price),
  brand: z.optional(z.string()),
  category: z.optional(z.array(z.string())),
  description: z.optional(z.string()),
  inStock: z.optional(z.boolean()),
  /** The vendor's relevance score, where it gives one. */
  score: z.optional(z.number()),
  /** The vendor's grouping of the item (Adobe: upsells, crossSells, addOns). */
  group: z.optional(z.string()),
  /** The vendor's own rank within its group, where it gives one. */
  rank: z.optional(z.number()),
  /** Ids of the products this item was recommended for (Adobe's source offer ids). */
  sourceIds: z.optional(z.array(z.string())),
  /** Free-form vendor attributes (Yespo's tags_* fields), as strings. */
  attributes: z.optional(z.record(z.string(), z.string())),
});
export type RecItem = z.infer<typeof RecItem>;

/** What every transport resolves to. */
export const RecsResult = z.object({
  items: z.array(RecItem),
  /** Vendor tracking id (Adobe's x-recommendation-tracker-id), passed on in events. */
  trackerId: z.optional(z.string()),
});
export type RecsResult = z.infer<typeof RecsResult>;

export const CartLine = z.object({
  id: text,
  quantity: z.optional(z.number().check(z.int(), z.positive())),
});
export type CartLine = z.infer<typeof CartLine>;

/**
 * The one canonical request, built from element attributes and page context.
 * Every field but `transport` and `limit` is optional; transports say which they need.
 */
export const RecsRequest = z.object({
  transport: text,
  endpoint: z.optional(z.string()),
  apiKey: z.optional(z.string()),
  productIds: z.optional(z.array(text)),
  customerId: z.optional(z.string()),
  webId: z.optional(z.string()),
  contactId: z.optional(z.string()),
  email: z.optional(z.string()),
  phone: z.optional(z.string()),
  externalCustomerId: z.optional(z.string()),
  sourceId: z.optional(z.string()),
  location: z.optional(z.string()),
  collectionId: z.optional(z.string()),
  priceMin: z.optional(z.number()),
  priceMax: z.optional(z.number()),
  include: z.optional(z.array(z.string())),
  /** Yespo: category ids for category-based algorithms. */
  category: z.optional(z.array(z.string())),
  context: z.optional(z.string()),
  country: z.optional(z.string()),
  language: z.optional(z.string()),
  locale: z.optional(z.string()),
  currency: z.optional(z.string()),
  cart: z.optional(z.array(CartLine)),
  limit: z.number().check(z.int(), z.minimum(0), z.maximum(100)),
});
export type RecsRequest = z.infer<typeof RecsRequest>;

export const RecsErrorCode = z.enum([
  'network',
  'timeout',
  'http',
  'rate-limited',
  'not-found',
  'invalid-request',
  'invalid-response',
  'aborted',
]);
export type RecsErrorCode = z.infer<typeof RecsErrorCode>;

/** An error as a value: what `recs-error` carries and what the proxy answers with. */
export const RecsError = z.object({
  code: RecsErrorCode,
  message: z.string(),
  status: z.optional(z.number()),
});
export type RecsError = z.infer<typeof RecsError>;
