/** Snappy v3: GET /v3/products/{productId}/recommendations with X-Api-Key (snappy-v3-openapi.yaml). */
import { fixture, reject, startStub, type Stub } from './stub-server.js';

export const SNAPPY_KEY = 'snappy-test-key-9f8e7d';
/** A product id for which the stub answers like a vendor that echoes the caller's key in its error. */
export const SNAPPY_ECHOING_PRODUCT = 'echokey00000';
/** A product id for which the stub's error text carries markup and a secret-looking token the proxy cannot know. */
export const SNAPPY_LEAKY_PRODUCT = 'leakytext000';
export const SNAPPY_LEAKED_TOKEN = 'sk_live_51HxQ2eLkdIw9Zr8vA7';

export function startSnappyStub(): Promise<Stub> {
  return startStub((request) => {
    const match = /^\/v3\/products\/([^/]+)\/recommendations$/.exec(request.path);
    if (request.method !== 'GET' || !match) return reject(404, `no route ${request.method} ${request.path}`);
    if (request.headers['x-api-key'] !== SNAPPY_KEY) return { status: 401, body: { message: 'Unauthorized', errorCode: '401_AUTH_001' } };
    if (!/^[A-Z]{2}$/.test(request.query.get('location') ?? '')) return { status: 400, body: { message: 'Request validation failed.', errorCode: '400_PBLC_001' } };
    const limit = Number(request.query.get('page[limit]') ?? 10);
    if (!Number.isInteger(limit) || limit < 0 || limit > 20) return { status: 400, body: { message: 'Request validation failed.', errorCode: '400_PBLC_001' } };
    if (match[1] === SNAPPY_ECHOING_PRODUCT) {
      return { status: 400, body: { message: `API key ${request.headers['x-api-key']} may not read this product`, errorCode: '400_PBLC_001' } };
    }
    if (match[1] === SNAPPY_LEAKY_PRODUCT) {
      return { status: 500, body: { message: `<img src=x onerror=alert(1)> upstream token ${SNAPPY_LEAKED_TOKEN} failed`, errorCode: '500_PBLC_009' } };
    }
    if (match[1] === 'missing00000') return { status: 404, body: fixture('snappy/product-not-found.json') };
    const related = fixture('snappy/related-products.json') as { data: unknown[] };
    return { status: 200, body: { data: related.data.slice(0, limit) } };
  });
}
