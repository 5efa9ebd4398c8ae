/**
 * Snappy v3 related products: GET {endpoint}/v3/products/{productId}/recommendations.
 * Built from ../shared/vendor-docs/snappy-v3-openapi.yaml. Snappy returns no product
 * URL: card links come from the element's `product-url` template.
 */
import * as z from 'zod/mini';
import type { RecsRequest, RecsResult } from '../model/schema.js';
import { RecsFailure } from '../model/errors.js';
import { cleanItems, type RawItem } from '../model/clean-item.js';
import { fetchJson } from '../data/http.js';
import type { Transport } from './registry.js';

export const SNAPPY_DEFAULT_ENDPOINT = 'https://api.snappy.com/public-api';
const SNAPPY_MAX_LIMIT = 20;
const SNAPPY_INCLUDES = ['brand', 'tags'];

// ---- request ---------------------------------------------------------------

export function buildSnappyRequest(request: RecsRequest): { url: string; headers: Record<string, string> } {
  const productId = request.productIds?.[0];
  if (!productId || !/^[A-Za-z0-9]{8,}$/.test(productId)) {
    throw new RecsFailure('invalid-request', 'snappy: product-id must be a Snappy product id (8 or more letters and digits)');
  }
  const location = request.location?.toUpperCase();
  if (!location || !/^[A-Z]{2}$/.test(location)) {
    throw new RecsFailure('invalid-request', 'snappy: location must be an ISO 3166-1 alpha-2 country code, such as US');
  }
  const { priceMin, priceMax } = request;
  if ((priceMin === undefined) !== (priceMax === undefined)) {
    throw new RecsFailure('invalid-request', 'snappy: price-min and price-max must be set together');
  }
  const base = (request.endpoint || SNAPPY_DEFAULT_ENDPOINT).replace(/\/+$/, '');
  const url = new URL(`${base}/v3/products/${encodeURIComponent(productId)}/recommendations`, globalThis.document?.baseURI);
  url.searchParams.set('location', location);
  url.searchParams.set('page[limit]', String(Math.min(Math.max(request.limit, 0), SNAPPY_MAX_LIMIT)));
  if (priceMin !== undefined && priceMax !== undefined) {
    url.searchParams.set('filter[price][gte]', String(priceMin));
    url.searchParams.set('filter[price][lte]', String(priceMax));
  }
  if (request.collectionId) url.searchParams.set('collectionId', request.collectionId);
  const include = request.include?.filter((entry) => SNAPPY_INCLUDES.includes(entry));
  if (include?.length) url.searchParams.set('include', include.join(','));
  const headers: Record<string, string> = { accept: 'application/json' };
  if (request.apiKey) headers['x-api-key'] = request.apiKey;
  return { url: url.href, headers };
}

// ---- response schema (ProductRecommendationsResponseV3) ----------------------

const SnappyPrice = z.object({ amount: z.number(), currency: z.string() });
const SnappyMedia = z.object({ type: z.string(), src: z.string() });

export const SnappyProduct = z.object({
  id: z.optional(z.string()),
  title: z.optional(z.string()),
  media: z.array(SnappyMedia),
  category: z.object({ fullName: z.string() }),
  catalog: z.string(),
  type: z.string(),
  brand: z.optional(z.nullable(z.object({ id: z.string(), name: z.string() }))),
  priceRange: z.optional(z.object({ min: SnappyPrice, max: SnappyPrice })),
});
export type SnappyProduct = z.infer<typeof SnappyProduct>;

const SnappyEnvelope = z.object({ data: z.array(z.unknown()) });
const SnappyError = z.object({ message: z.string(), errorCode: z.string() });

// ---- normalization -----------------------------------------------------------

export function normalizeSnappyItem(product: SnappyProduct): RawItem {
  return {
    id: product.id,
    title: product.title,
    image: product.media.find((media) => media.type === 'image')?.src,
    amount: product.priceRange?.min.amount,
    currency: product.priceRange?.min.currency,
    brand: product.brand?.name,
    category: product.category.fullName.split(' / '),
  };
}

/**
 * A body that breaks the documented envelope is `invalid-response`; single products
 * that break their schema, or lack an id or title, are dropped and the rest kept.
 */
export function normalizeSnappyResponse(body: unknown): RecsResult {
  const envelope = SnappyEnvelope.safeParse(body);
  if (!envelope.success) throw new RecsFailure('invalid-response', 'snappy: response does not match ProductRecommendationsResponseV3');
  const products = envelope.data.data.flatMap((entry) => {
    const product = SnappyProduct.safeParse(entry);
    return product.success ? [normalizeSnappyItem(product.data)] : [];
  });
  if (envelope.data.data.length > 0 && products.length === 0) {
    throw new RecsFailure('invalid-response', 'snappy: no product in the response matches ProductV3');
  }
  return { items: cleanItems(products) };
}

/** Snappy's documented error codes, in words a merchant can act on. */
function describeSnappyError(failure: RecsFailure, body: unknown): RecsFailure | undefined {
  const error = SnappyError.safeParse(body);
  if (!error.success) return undefined;
  const { errorCode, message } = error.data;
  if (errorCode === '404_PROD_001') return new RecsFailure('not-found', `snappy: source product not found (404_PROD_001)`, failure);
  if (errorCode === '422_PBLC_003') return new RecsFailure('invalid-request', `snappy: collection-id does not exist or is not accessible (422_PBLC_003)`, failure);
  return new RecsFailure(failure.code, `snappy: ${message.slice(0, 200)} (${errorCode})`, failure);
}

export const snappyTransport: Transport = {
  async fetch(request, { signal }) {
    const { url, headers } = buildSnappyRequest(request);
    return normalizeSnappyResponse(await fetchJson('snappy', url, { headers, signal }, describeSnappyError));
  },
};
