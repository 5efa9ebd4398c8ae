/** Yespo: GET /api/v2/contacts/recoms/{dataSourceId} with exactly one contact identifier, Basic auth (yespo-contact-recoms.md). */
import { fixture, reject, startStub, type Stub } from './stub-server.js';

export const YESPO_KEY = 'yespo-test-key-4c3b2a';
const IDENTIFIERS = ['contactId', 'email', 'phone', 'externalCustomerId', 'webId'];

export function startYespoStub(): Promise<Stub> {
  return startStub((request) => {
    if (request.method !== 'GET' || !/^\/api\/v2\/contacts\/recoms\/\d+$/.test(request.path)) return reject(404, `no route ${request.method} ${request.path}`);
    const [scheme, credentials = ''] = String(request.headers.authorization ?? '').split(' ');
    if (scheme !== 'Basic' || !Buffer.from(credentials, 'base64').toString().endsWith(`:${YESPO_KEY}`)) return { status: 401, body: 'Unauthorized' };
    const given = IDENTIFIERS.filter((name) => request.query.has(name));
    if (given.length < 1) return reject(400, 'one of contactId, email, phone, externalCustomerId, webId is required');
    // The document's types: contactId is a Long.
    const contactId = request.query.get('contactId');
    if (contactId !== null && !(/^\d{1,19}$/.test(contactId) && BigInt(contactId) <= 2n ** 63n - 1n)) return reject(400, 'contactId must be a Long');
    return { status: 200, body: fixture('yespo/contact-recoms.json') };
  });
}
