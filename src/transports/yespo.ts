/**
 * Yespo contact recommendations: GET {endpoint}/api/v2/contacts/recoms/{dataSourceId}
 * with exactly one contact identifier. Built from ../shared/vendor-docs/yespo-contact-recoms.md.
 */
import * as z from 'zod/mini';
import type { RecsRequest, RecsResult } from '../model/schema.js';
import { RecsFailure } from '../model/errors.js';
import { cleanItems, type RawItem } from '../model/clean-item.js';
import { fetchJson } from '../data/http.js';
import type { Transport } from './registry.js';

export const YESPO_DEFAULT_ENDPOINT = 'https://yespo.io';

/** Yespo's identifiers in the order we prefer them when a page sets several (webId is Yespo's advice for sites). */
const YESPO_IDENTIFIERS = ['webId', 'contactId', 'externalCustomerId', 'email', 'phone'] as const;

// ---- request ---------------------------------------------------------------

export function buildYespoRequest(request: RecsRequest): { url: string; headers: Record<string, string> } {
  if (!request.sourceId || !/^\d+$/.test(request.sourceId)) {
    throw new RecsFailure('invalid-request', 'yespo: source-id must be the numeric data source id');
  }
  const identifier = YESPO_IDENTIFIERS.find((name) => request[name]);
  if (!identifier) {
    throw new RecsFailure('invalid-request', 'yespo: one of web-id, contact-id, external-customer-id, email or phone is required');
  }
  const base = (request.endpoint || YESPO_DEFAULT_ENDPOINT).replace(/\/+$/, '');
  const url = new URL(`${base}/api/v2/contacts/recoms/${request.sourceId}`, globalThis.document?.baseURI);
  url.searchParams.set(identifier, String(request[identifier]));
  if (request.productIds?.length) url.searchParams.set('products', request.productIds.join(','));
  if (request.category?.length) url.searchParams.set('category', request.category.join(','));
  const headers: Record<string, string> = { accept: 'application/json' };
  if (request.apiKey) {
    // Yespo takes Basic auth with the API key as the password; "user:key" is passed as is.
    const credentials = request.apiKey.includes(':') ? request.apiKey : `recs-widget:${request.apiKey}`;
    headers.authorization = `Basic ${btoa(credentials)}`;
  }
  return { url: url.href, headers };
}

// ---- response schema ---------------------------------------------------------

const idLike = z.union([z.string(), z.number()]);

/** One recommended product; feed-specific extras arrive as tags_* fields. */
export const YespoProduct = z.looseObject({
  id: z.optional(idLike),
  name: z.optional(z.string()),
  url: z.optional(z.string()),
  price: z.optional(z.nullable(z.union([z.number(), z.string()]))),
  descr: z.optional(z.nullable(z.string())),
  brand: z.optional(z.nullable(z.string())),
  category: z.optional(z.nullable(z.union([z.array(z.string()), z.string()]))),
  isInStock: z.optional(z.nullable(z.union([z.number(), z.boolean()]))),
  picture: z.optional(z.nullable(z.string())),
  imageUrl: z.optional(z.nullable(z.string())),
});
export type YespoProduct = z.infer<typeof YespoProduct>;

const YespoResponse = z.array(z.unknown());

// ---- normalization -----------------------------------------------------------

export function normalizeYespoItem(product: YespoProduct): RawItem {
  const attributes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(product)) if (key.startsWith('tags_')) attributes[key.slice(5)] = value;
  return {
    id: product.id,
    title: product.name,
    url: product.url,
    // Yespo's documented fields carry no image; feeds commonly add one as picture or imageUrl.
    image: product.picture ?? product.imageUrl,
    amount: product.price,
    description: product.descr,
    brand: product.brand,
    category: product.category,
    inStock: product.isInStock === undefined || product.isInStock === null ? undefined : Boolean(product.isInStock),
    attributes,
  };
}

export function normalizeYespoResponse(body: unknown): RecsResult {
  const list = YespoResponse.safeParse(body);
  if (!list.success) throw new RecsFailure('invalid-response', 'yespo: response is not a list of products');
  const products = list.data.flatMap((entry) => {
    const product = YespoProduct.safeParse(entry);
    return product.success ? [normalizeYespoItem(product.data)] : [];
  });
  if (list.data.length > 0 && products.length === 0) throw new RecsFailure('invalid-response', 'yespo: no entry in the response is a product');
  return { items: cleanItems(products) };
}

export const yespoTransport: Transport = {
  async fetch(request, { signal }) {
    const { url, headers } = buildYespoRequest(request);
    return normalizeYespoResponse(await fetchJson('yespo', url, { headers, signal }));
  },
};
