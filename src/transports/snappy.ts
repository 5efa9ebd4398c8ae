/**
 * Snappy v3 related products: GET {endpoint}/v3/products/{productId}/recommendations.
 * Built from ../shared/vendor-docs/snappy-v3-openapi.yaml. Snappy returns no product
 * URL: card links come from the element's `product-url` template.
 */
import * as z from 'zod/mini';
import type { RecsRequest } from '../model/types.js';
import { RecsFailure } from '../model/errors.js';
import type { RawItem } from '../model/clean-item.js';
import { parseEntries, vendorUrl, type VendorAdapter } from './adapter.js';

export const SNAPPY_DEFAULT_ENDPOINT = 'https://api.snappy.com/public-api';
const SNAPPY_MAX_LIMIT = 20;
const SNAPPY_INCLUDES = ['brand', 'tags'];

/** `location` is the proxy placement's default for widgets that send none. */
export interface SnappySettings {
  endpoint?: string | undefined;
  apiKey?: string | undefined;
  location?: string | undefined;
}

// ---- request ---------------------------------------------------------------

function buildSnappyRequest(request: RecsRequest, settings: SnappySettings) {
  const productId = request.productIds?.[0];
  if (!productId || !/^[A-Za-z0-9]{8,}$/.test(productId)) {
    throw new RecsFailure('invalid-request', 'snappy: product-id must be a Snappy product id (8 or more letters and digits)');
  }
  const location = (request.location ?? settings.location)?.toUpperCase();
  if (!location || !/^[A-Z]{2}$/.test(location)) {
    throw new RecsFailure('invalid-request', 'snappy: location must be an ISO 3166-1 alpha-2 country code, such as US');
  }
  const { priceMin, priceMax } = request;
  if ((priceMin === undefined) !== (priceMax === undefined)) {
    throw new RecsFailure('invalid-request', 'snappy: price-min and price-max must be set together');
  }
  // The document's bounds have `minimum: 0`; a range that ends below its start matches nothing.
  if (priceMin! < 0 || priceMin! > priceMax!) {
    throw new RecsFailure('invalid-request', 'snappy: price-min and price-max must be 0 or more, price-min no more than price-max');
  }
  const url = vendorUrl(settings.endpoint || SNAPPY_DEFAULT_ENDPOINT, `/v3/products/${encodeURIComponent(productId)}/recommendations`);
  url.searchParams.set('location', location);
  // `page[limit]` is an integer 0..20 (a fallback's or a property's limit may be 2.5).
  url.searchParams.set('page[limit]', String(Math.min(Math.max(Math.floor(request.limit), 0), SNAPPY_MAX_LIMIT)));
  if (priceMin !== undefined && priceMax !== undefined) {
    url.searchParams.set('filter[price][gte]', String(priceMin));
    url.searchParams.set('filter[price][lte]', String(priceMax));
  }
  if (request.collectionId) url.searchParams.set('collectionId', request.collectionId);
  // Only the endpoint's documented parameters go: it documents no `fields`, and `priceRange` comes back "only when
  // `fields` includes `priceRange`", so a card has Snappy's price only if an answer carries one anyway. brand and tags
  // come back only when `include` names them (the widget's `include`).
  const include = request.include?.filter((entry) => SNAPPY_INCLUDES.includes(entry));
  // The document's `style: form, explode: false`: one value, its entries joined by a literal comma (searchParams
  // would send `brand%2Ctags`, one entry to a strict server). The entries are from SNAPPY_INCLUDES: nothing to escape.
  if (include?.length) url.search += `&include=${include.join(',')}`;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (settings.apiKey) headers['x-api-key'] = settings.apiKey;
  return { method: 'GET' as const, url: url.href, headers };
}

// ---- response schema (ProductRecommendationsResponseV3) ----------------------

const SnappyPrice = z.object({ amount: z.number(), currency: z.string() });
const SnappyMedia = z.object({ type: z.string(), src: z.string() });

const SnappyProduct = z.object({
  id: z.optional(z.string()),
  title: z.optional(z.string()),
  media: z.array(SnappyMedia),
  category: z.object({ fullName: z.string() }),
  catalog: z.string(),
  type: z.string(),
  brand: z.optional(z.nullable(z.object({ id: z.string(), name: z.string() }))),
  priceRange: z.optional(z.object({ min: SnappyPrice, max: SnappyPrice })),
});
type SnappyProduct = z.infer<typeof SnappyProduct>;

const SnappyEnvelope = z.object({ data: z.array(z.unknown()) });
const SnappyError = z.object({ errorCode: z.string() });

// ---- parsing -----------------------------------------------------------------

function normalizeSnappyItem(product: SnappyProduct): RawItem {
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

/** Snappy's documented error codes, in words a merchant can act on; other codes are named, never their text. */
function describeSnappyError(failure: RecsFailure, body: unknown): RecsFailure | undefined {
  const error = SnappyError.safeParse(body);
  if (!error.success) return undefined;
  const { errorCode } = error.data;
  if (!/^\d{3}_[A-Z]{2,8}_\d{3}$/.test(errorCode)) return undefined;
  if (errorCode === '404_PROD_001') return new RecsFailure('not-found', `snappy: source product not found (404_PROD_001)`, failure);
  if (errorCode === '422_PBLC_003') return new RecsFailure('invalid-request', `snappy: collection-id does not exist or is not accessible (422_PBLC_003)`, failure);
  return new RecsFailure(failure.code, `${failure.message} (${errorCode})`, failure);
}

export const snappyAdapter: VendorAdapter<SnappySettings> = {
  vendor: 'snappy',
  buildRequest: buildSnappyRequest,
  parseResponse(body) {
    const envelope = SnappyEnvelope.safeParse(body);
    if (!envelope.success) throw new RecsFailure('invalid-response', 'snappy: response does not match ProductRecommendationsResponseV3');
    return { items: parseEntries(envelope.data.data, SnappyProduct, normalizeSnappyItem) };
  },
  describeError: describeSnappyError,
};
