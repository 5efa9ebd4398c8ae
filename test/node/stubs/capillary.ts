/**
 * Capillary v1.1: GET /v1.1/customer/recommendations?format=json&<one identifier>&limit
 * with Basic authentication (capillary-v1.1-customer-recommendations.md).
 */
import { fixture, reject, startStub, type Stub } from './stub-server.js';

export const CAPILLARY_USER = 'till.recs';
export const CAPILLARY_PASSWORD = 'capillary-test-password-55cc';
/** Customers the stub does not know (item-level failure, as v1.1 reports it). */
export const CAPILLARY_UNKNOWN_EMAIL = 'nobody@example.com';
const IDENTIFIERS = ['mobile', 'email', 'external_id', 'id'];

export function startCapillaryStub(): Promise<Stub> {
  return startStub((request) => {
    if (request.method !== 'GET' || request.path !== '/v1.1/customer/recommendations') return reject(404, `no route ${request.method} ${request.path}`);
    const expected = `Basic ${Buffer.from(`${CAPILLARY_USER}:${CAPILLARY_PASSWORD}`).toString('base64')}`;
    if (request.headers.authorization !== expected) return { status: 401, body: { response: { status: { success: false, code: 401, message: 'Unauthorized' } } } };
    if (request.query.get('format') !== 'json') return reject(400, 'format=json expected');
    // "Any one of the customer identifiers is required."
    if (!IDENTIFIERS.some((name) => request.query.has(name))) return reject(400, 'a customer identifier is required');
    if (request.query.get('email') === CAPILLARY_UNKNOWN_EMAIL) return { status: 200, body: fixture('capillary/customer-not-found.json') };
    return { status: 200, body: fixture('capillary/customer-recommendations.json') };
  });
}
