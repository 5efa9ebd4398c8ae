/**
 * Capillary v1.1 customer recommendations (deprecated by Capillary, still served):
 * GET {endpoint}/v1.1/customer/recommendations?format=json&<identifier>=…&limit=…
 * with Basic authentication. Built from ../shared/vendor-docs/capillary-v1.1-customer-recommendations.md.
 * Proxy only: it needs the account's credentials.
 *
 * The document lists field names but no response example, so the shape below is an
 * assumption in Capillary's usual v1.1 envelope, documented in the README (proxy, capillary):
 *
 *   { "response": { "status": { "success", "code", "message" },
 *                   "customers": { "customer": [ { "mobile", "email", "external_id",
 *                     "firstname", "lastname", "count", "item_status": { "success", "code", "message" },
 *                     "recommendation": [ { "item_code", "description"?, "price"?, "image_url"?,
 *                                           "success", "code", "message" } ] } ] } } }
 *
 * - v1.1 JSON often carries booleans as strings ("true") and single elements as objects
 *   instead of one-element arrays; both are accepted.
 * - A customer whose item_status is not success (customer not found, say) contributes no
 *   items, and so does each recommendation whose own success is false.
 * - The customer's personal fields (mobile, email, names) are read by nobody and never
 *   leave the proxy.
 */
import * as z from 'zod/mini';
import type { RecsRequest } from '../model/types.js';
import { RecsFailure } from '../model/errors.js';
import type { RawItem } from '../model/clean-item.js';
import { MAX_ENTRIES } from '../model/clean-item.js';
import { basicAuthorization, parseEntries, vendorUrl, type VendorAdapter } from './adapter.js';

export interface CapillarySettings {
  endpoint: string;
  username: string;
  password: string;
}

// ---- request ---------------------------------------------------------------

/** Widget identifier -> Capillary query parameter, most exact first; exactly one is sent. */
const CAPILLARY_IDENTIFIERS = [
  ['customerId', 'id'],
  ['externalCustomerId', 'external_id'],
  ['phone', 'mobile'],
  ['email', 'email'],
] as const;

function buildCapillaryUrl(request: RecsRequest, endpoint: string): string {
  const identifier = CAPILLARY_IDENTIFIERS.find(([field]) => request[field]);
  if (!identifier) throw new RecsFailure('invalid-request', 'capillary: one of customerId, externalCustomerId, phone or email is required');
  const [field, parameter] = identifier;
  const url = vendorUrl(endpoint, '/v1.1/customer/recommendations');
  url.searchParams.set('format', 'json');
  url.searchParams.set(parameter, String(request[field]));
  url.searchParams.set('limit', String(Math.max(request.limit, 1)));
  return url.href;
}

// ---- response schema (assumed, see above) -------------------------------------------

const flag = z.union([z.boolean(), z.string(), z.number()]);
const isSuccess = (value: z.infer<typeof flag> | undefined) => value === true || value === 'true' || value === 1;
const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

const CapillaryStatus = z.object({
  success: z.optional(flag),
  code: z.optional(z.union([z.number(), z.string()])),
  message: z.optional(z.string()),
});

const CapillaryRecommendation = z.looseObject({
  item_code: z.union([z.string(), z.number()]),
  description: z.optional(z.string()),
  price: z.optional(z.union([z.number(), z.string()])),
  image_url: z.optional(z.string()),
  success: z.optional(flag),
  code: z.optional(z.union([z.number(), z.string()])),
  message: z.optional(z.string()),
});
type CapillaryRecommendation = z.infer<typeof CapillaryRecommendation>;

const CapillaryCustomer = z.looseObject({
  item_status: z.optional(CapillaryStatus),
  recommendation: z.optional(z.unknown()),
});

/** Customers are checked one by one as they are read (parseResponse): an answer of a million is not parsed whole. */
const CapillaryResponse = z.object({
  response: z.object({
    status: CapillaryStatus,
    customers: z.optional(z.object({ customer: z.unknown() })),
  }),
});

// ---- parsing -------------------------------------------------------------------

const notEnvelope = () => new RecsFailure('invalid-response', 'capillary: response does not match the v1.1 customer recommendations envelope');

/** A recommendation whose own status failed is no recommendation: it counts as no entry at all. */
const succeeded = (entry: unknown) => {
  const { success } = (entry ?? {}) as { success?: z.infer<typeof flag> };
  return success === undefined || isSuccess(success);
};

const normalizeCapillaryItem = (recommendation: CapillaryRecommendation): RawItem => ({
  id: recommendation.item_code,
  title: recommendation.description,
  amount: recommendation.price,
  image: recommendation.image_url,
});

export const capillaryAdapter: VendorAdapter<CapillarySettings> = {
  vendor: 'capillary',
  buildRequest(request, settings) {
    const headers = { authorization: basicAuthorization(`${settings.username}:${settings.password}`), accept: 'application/json' };
    return { method: 'GET', url: buildCapillaryUrl(request, settings.endpoint), headers };
  },
  parseResponse(body) {
    const parsed = CapillaryResponse.safeParse(body);
    if (!parsed.success) throw notEnvelope();
    const { status, customers } = parsed.data.response;
    const entries = list(customers?.customer);
    if (!isSuccess(status.success) && entries.length === 0) {
      const code = /^\d{1,6}$/.test(String(status.code)) ? ` (status code ${status.code})` : '';
      throw new RecsFailure('http', `capillary: request failed${code}`);
    }
    // Read no further than the entries parseEntries keeps (MAX_ENTRIES), customers or recommendations: 2 MB of
    // customers took seconds to parse whole. The request names one customer, so the answer has one.
    const recommendations: unknown[] = [];
    for (const entry of entries.slice(0, MAX_ENTRIES)) {
      if (recommendations.length >= MAX_ENTRIES) break;
      const customer = CapillaryCustomer.safeParse(entry);
      if (!customer.success) throw notEnvelope();
      const { item_status: itemStatus, recommendation: recommended } = customer.data;
      if (itemStatus !== undefined && !isSuccess(itemStatus.success)) continue;
      for (const recommendation of list(recommended)) {
        if (recommendations.length >= MAX_ENTRIES) break;
        if (succeeded(recommendation)) recommendations.push(recommendation);
      }
    }
    return { items: parseEntries(recommendations, CapillaryRecommendation, normalizeCapillaryItem) };
  },
};
