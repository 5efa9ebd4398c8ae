/** Snappy v3: GET /v3/products/{productId}/recommendations with X-Api-Key (snappy-v3-openapi.yaml). */
import { fixture, reject, startStub, type Reply, type Stub } from './stub-server.js';

export const SNAPPY_KEY = 'snappy-test-key-9f8e7d';
/** A product id for which the stub answers like a vendor that echoes the caller's key in its error. */
export const SNAPPY_ECHOING_PRODUCT = 'echokey00000';
/** A product id for which the stub's error text carries markup and a secret-looking token the proxy cannot know. */
export const SNAPPY_LEAKY_PRODUCT = 'leakytext000';
export const SNAPPY_LEAKED_TOKEN = 'sk_live_51HxQ2eLkdIw9Zr8vA7';
/** A source product that does not exist (404_PROD_001). */
export const SNAPPY_MISSING_PRODUCT = 'missing00000';
/** A collection that does not exist or is not accessible (422_PBLC_003). */
export const SNAPPY_MISSING_COLLECTION = 'nosuchcollection';

const INVALID = { status: 400, body: { message: 'Request validation failed.', errorCode: '400_PBLC_001' } } as const;
const INCLUDES = ['brand', 'tags'];
const price = (value: string | null) => value === null || (value.trim() !== '' && Number(value) >= 0);

/**
 * The document's 400 (`400_PBLC_001`, "Invalid path or query parameters") and 422 (`422_PBLC_003`) for a request
 * that breaks the parameters' schemas: the productId and location patterns, page[limit] an integer 0..20, price
 * bounds numbers of 0 or more sent together, include entries from ProductIncludeV3.
 */
export function snappyRequestError(productId: string, query: URLSearchParams): Reply | undefined {
  const limit = query.get('page[limit]');
  const [gte, lte] = [query.get('filter[price][gte]'), query.get('filter[price][lte]')];
  const include = query.get('include');
  if (
    !/^[A-Za-z0-9]{8,}$/.test(productId) ||
    !/^[A-Z]{2}$/.test(query.get('location') ?? '') ||
    (limit !== null && !/^(?:1?\d|20)$/.test(limit)) ||
    (gte === null) !== (lte === null) ||
    !price(gte) ||
    !price(lte) ||
    (include !== null && !include.split(',').every((entry) => INCLUDES.includes(entry)))
  ) {
    return INVALID;
  }
  if (query.get('collectionId') === SNAPPY_MISSING_COLLECTION) return { status: 422, body: fixture('snappy/collection-not-found.json') };
  return undefined;
}

/** ProductV3's fields that come back only when asked for, and the parameter that asks (the document's descriptions). */
const ASKED_BY: Record<string, string> = { brand: 'include', tags: 'include', priceRange: 'fields' };

/**
 * The related-products answer to this query: at most `page[limit]` (default 10) products, with `brand` and `tags`
 * only when `include` names them and `priceRange` only when `fields` does, a parameter this endpoint does not
 * document: the widget never sends it, so its answers carry no price.
 */
export function relatedProductsAnswer(query: URLSearchParams): { data: Record<string, unknown>[] } {
  const related = fixture('snappy/related-products.json') as { data: Record<string, unknown>[] };
  const asked = (name: string) => query.get(ASKED_BY[name]!)?.split(',').includes(name) ?? false;
  const data = related.data
    .slice(0, Number(query.get('page[limit]') ?? 10))
    .map((product) => Object.fromEntries(Object.entries(product).filter(([name]) => !(name in ASKED_BY) || asked(name))));
  return { data };
}

export function startSnappyStub(): Promise<Stub> {
  return startStub((request) => {
    const match = /^\/v3\/products\/([^/]+)\/recommendations$/.exec(request.path);
    if (request.method !== 'GET' || !match) return reject(404, `no route ${request.method} ${request.path}`);
    if (request.headers['x-api-key'] !== SNAPPY_KEY) return { status: 401, body: { message: 'Unauthorized', errorCode: '401_AUTH_001' } };
    const productId = decodeURIComponent(match[1]!);
    const invalid = snappyRequestError(productId, request.query);
    if (invalid) return invalid;
    if (productId === SNAPPY_ECHOING_PRODUCT) {
      return { status: 400, body: { message: `API key ${request.headers['x-api-key']} may not read this product`, errorCode: '400_PBLC_001' } };
    }
    if (productId === SNAPPY_LEAKY_PRODUCT) {
      return { status: 500, body: { message: `<img src=x onerror=alert(1)> upstream token ${SNAPPY_LEAKED_TOKEN} failed`, errorCode: '500_PBLC_009' } };
    }
    if (productId === SNAPPY_MISSING_PRODUCT) return { status: 404, body: fixture('snappy/product-not-found.json') };
    return { status: 200, body: relatedProductsAnswer(request.query) };
  });
}
