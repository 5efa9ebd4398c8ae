/**
 * Adobe partner API (VIP Marketplace) Fetch Recommendations: POST {endpoint}/v3/recommendations.
 * Built from ../shared/vendor-docs/adobe-partner-api-recommendations.txt; the headers are
 * the partner API's request headers (X-Api-Key, Bearer token, X-Request-Id, X-Correlation-Id,
 * Accept and Content-Type as application/json). Proxy only: it needs a partner token.
 *
 * Adobe answers with bare base offer ids in three groups; the catalog feed supplies titles
 * and images. The x-recommendation-tracker-id response header becomes `trackerId`, which
 * the widget passes on in its events so the storefront can send it back on order creation.
 */
import * as z from 'zod/mini';
import type { RecsRequest } from '../model/types.js';
import { RecsFailure } from '../model/errors.js';
import type { RawItem } from '../model/clean-item.js';
import { parseEntries, vendorUrl, type VendorAdapter } from './adapter.js';

export const ADOBE_CONTEXTS = ['GENERIC', 'ORDER_PREVIEW', 'RENEWAL_ORDER_PREVIEW'] as const;
export const ADOBE_LANGUAGES = ['EN', 'MULT'] as const;
type AdobeContext = (typeof ADOBE_CONTEXTS)[number];
type AdobeLanguage = (typeof ADOBE_LANGUAGES)[number];

export interface AdobeSettings {
  endpoint: string;
  apiKey: string;
  accessToken: string;
  recommendationContext: AdobeContext;
  country?: string | undefined;
  language?: AdobeLanguage | undefined;
}

// ---- request ---------------------------------------------------------------

interface AdobeRequestBody {
  recommendationContext: AdobeContext;
  customerId: string;
  offers?: { offerId: string; quantity?: number }[];
  country?: string;
  language?: AdobeLanguage;
}

const isOneOf = <T extends string>(list: readonly T[], value: string): value is T => (list as readonly string[]).includes(value);

function buildAdobeBody(request: RecsRequest, settings: AdobeSettings): AdobeRequestBody {
  if (!request.customerId) throw new RecsFailure('invalid-request', 'adobe: customerId is required (the Adobe customer id)');
  const context = request.context?.toUpperCase() ?? settings.recommendationContext;
  if (!isOneOf(ADOBE_CONTEXTS, context)) throw new RecsFailure('invalid-request', `adobe: context must be one of ${ADOBE_CONTEXTS.join(', ')}`);
  const language = request.language?.toUpperCase() ?? settings.language;
  if (language !== undefined && !isOneOf(ADOBE_LANGUAGES, language)) throw new RecsFailure('invalid-request', 'adobe: language must be EN or MULT');
  const body: AdobeRequestBody = { recommendationContext: context, customerId: request.customerId };
  // Offers come from the cart (with quantities); on a product page, from the product ids.
  const offers = request.cart?.length
    ? request.cart.map((line) => (line.quantity ? { offerId: line.id, quantity: line.quantity } : { offerId: line.id }))
    : request.productIds?.map((offerId) => ({ offerId }));
  if (offers?.length) body.offers = offers;
  const country = request.country?.toUpperCase() ?? settings.country;
  if (country) body.country = country;
  if (language) body.language = language;
  return body;
}

// ---- response schema -----------------------------------------------------------

const AdobeRecommendation = z.object({
  rank: z.optional(z.number()),
  product: z.object({ baseOfferId: z.string() }),
  source: z.optional(z.object({ sourceType: z.optional(z.string()), offerIds: z.optional(z.array(z.string())) })),
});
type AdobeRecommendation = z.infer<typeof AdobeRecommendation>;

const ADOBE_GROUPS = ['upsells', 'crossSells', 'addOns'] as const;

/** 200 comes "with or without recommendations": an absent group is an empty one. */
const AdobeResponse = z.object({
  productRecommendations: z.optional(
    z.object({ upsells: z.optional(z.array(z.unknown())), crossSells: z.optional(z.array(z.unknown())), addOns: z.optional(z.array(z.unknown())) }),
  ),
});

// ---- parsing -------------------------------------------------------------------

const normalizeAdobeItem = (group: string) => (recommendation: AdobeRecommendation): RawItem => ({
  id: recommendation.product.baseOfferId,
  group,
  rank: recommendation.rank,
  sourceIds: recommendation.source?.offerIds,
});

/** The tracker id, when it is a sane token; anything else is not passed on to the page. */
function readTrackerId(headers: Headers): string | undefined {
  const value = headers.get('x-recommendation-tracker-id')?.trim();
  return value && /^[\x21-\x7e]{1,200}$/.test(value) ? value : undefined;
}

const byRank = (a: RawItem, b: RawItem) => ((a.rank as number | undefined) ?? Infinity) - ((b.rank as number | undefined) ?? Infinity);

export const adobeAdapter: VendorAdapter<AdobeSettings> = {
  vendor: 'adobe',
  buildRequest(request, settings) {
    return {
      method: 'POST',
      url: vendorUrl(settings.endpoint, '/v3/recommendations').href,
      headers: {
        'x-api-key': settings.apiKey,
        authorization: `Bearer ${settings.accessToken}`,
        // A fresh id per call for both: a retry of ours is a new request, never a replay.
        'x-request-id': crypto.randomUUID(),
        'x-correlation-id': crypto.randomUUID(),
        accept: 'application/json',
        'content-type': 'application/json',
      },
      body: JSON.stringify(buildAdobeBody(request, settings)),
    };
  },
  /** Upsells, then cross-sells, then add-ons, each in Adobe's rank order. */
  parseResponse(body, headers) {
    const parsed = AdobeResponse.safeParse(body);
    if (!parsed.success) throw new RecsFailure('invalid-response', 'adobe: response does not match the Fetch Recommendations schema');
    const groups = parsed.data.productRecommendations ?? {};
    const items = ADOBE_GROUPS.flatMap((group) => parseEntries(groups[group] ?? [], AdobeRecommendation, normalizeAdobeItem(group)).sort(byRank));
    return { items, trackerId: readTrackerId(headers) };
  },
};
