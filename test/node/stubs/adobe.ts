/**
 * Adobe partner API Fetch Recommendations: POST /v3/recommendations
 * (adobe-partner-api-recommendations.txt), with the partner API's request headers.
 * Answers 401 for a bad token and 403 for a bad API key, as documented.
 */
import { fixture, reject, startStub, type Stub } from './stub-server.js';

export const ADOBE_API_KEY = 'adobe-test-api-key-11aa22';
export const ADOBE_TOKEN = 'adobe-test-ims-token-33bb44';
export const ADOBE_TRACKER_ID = '85v9S4NAv2eLKmJ11LY7yxDwGrIvU94S';
const CONTEXTS = ['GENERIC', 'ORDER_PREVIEW', 'RENEWAL_ORDER_PREVIEW'];

export function startAdobeStub(responseFixture = 'adobe/fetch-recommendations.json'): Promise<Stub> {
  return startStub((request) => {
    if (request.method !== 'POST' || request.path !== '/v3/recommendations') return reject(404, `no route ${request.method} ${request.path}`);
    const headers = request.headers;
    if (headers.authorization !== `Bearer ${ADOBE_TOKEN}`) return { status: 401, body: { code: '401', message: 'Invalid Authorization token' } };
    if (headers['x-api-key'] !== ADOBE_API_KEY) return { status: 403, body: { code: '403', message: 'Invalid API Key' } };
    if (!headers['x-correlation-id'] || !headers['x-request-id']) return reject(400, 'X-Correlation-Id and X-Request-Id are required');
    if (headers.accept !== 'application/json' || headers['content-type'] !== 'application/json') return reject(400, 'Accept and Content-Type must be application/json');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(request.body);
    } catch {
      return reject(400, 'body is not JSON');
    }
    if (typeof body.customerId !== 'string' || !body.customerId) return reject(400, 'customerId is mandatory');
    if (body.recommendationContext !== undefined && !CONTEXTS.includes(String(body.recommendationContext))) return reject(400, 'unknown recommendationContext');
    // Offers object: offerId a String, quantity an Integer, both optional.
    const isOffer = (offer: { offerId?: unknown; quantity?: unknown } | null) =>
      typeof offer === 'object' && offer !== null && (offer.offerId === undefined || typeof offer.offerId === 'string') && (offer.quantity === undefined || Number.isInteger(offer.quantity));
    if (body.offers !== undefined && !(Array.isArray(body.offers) && body.offers.every(isOffer))) {
      return reject(400, 'offers must be a list of { offerId, quantity }');
    }
    if (body.language !== undefined && !['EN', 'MULT'].includes(String(body.language))) return reject(400, 'language must be EN or MULT');
    return { status: 200, body: fixture(responseFixture), headers: { 'x-recommendation-tracker-id': ADOBE_TRACKER_ID } };
  });
}
