/**
 * Adobe partner API (VIP Marketplace) Fetch Recommendations: POST {endpoint}/v3/recommendations.
 * Built from ../shared/vendor-docs/adobe-partner-api-recommendations.txt; the headers are
 * the partner API's request headers (X-Api-Key, Bearer token, X-Request-Id, X-Correlation-Id,
 * Accept and Content-Type as application/json).
 *
 * Adobe answers with bare base offer ids in three groups; the catalog feed supplies titles
 * and images. The x-recommendation-tracker-id response header becomes `trackerId`, which
 * the widget passes on in its events so the storefront can send it back on order creation.
 */
import * as z from 'zod/mini';
import type { RecsRequest } from '../../model/schema.js';
import { RecsFailure } from '../../model/errors.js';
import type { RawItem } from '../../model/clean-item.js';
import { ADOBE_CONTEXTS, ADOBE_LANGUAGES, type PlacementOf } from '../config.js';
import { fetchVendorJson } from '../upstream.js';
import type { Provider, ProviderDeps } from './registry.js';

type AdobeContext = (typeof ADOBE_CONTEXTS)[number];
type AdobeLanguage = (typeof ADOBE_LANGUAGES)[number];

// ---- request ---------------------------------------------------------------

export interface AdobeRequestBody {
  recommendationContext: AdobeContext;
  customerId: string;
  offers?: { offerId: string; quantity?: number }[];
  country?: string;
  language?: AdobeLanguage;
}

const isOneOf = <T extends string>(list: readonly T[], value: string): value is T => (list as readonly string[]).includes(value);

export function buildAdobeBody(request: RecsRequest, placement: PlacementOf<'adobe'>): AdobeRequestBody {
  if (!request.customerId) throw new RecsFailure('invalid-request', 'adobe: customerId is required (the Adobe customer id)');
  const context = request.context?.toUpperCase() ?? placement.recommendationContext;
  if (!isOneOf(ADOBE_CONTEXTS, context)) throw new RecsFailure('invalid-request', `adobe: context must be one of ${ADOBE_CONTEXTS.join(', ')}`);
  const language = request.language?.toUpperCase() ?? placement.language;
  if (language !== undefined && !isOneOf(ADOBE_LANGUAGES, language)) throw new RecsFailure('invalid-request', 'adobe: language must be EN or MULT');
  const body: AdobeRequestBody = { recommendationContext: context, customerId: request.customerId };
  // Offers come from the cart (with quantities); on a product page, from the product ids.
  const offers = request.cart?.length
    ? request.cart.map((line) => (line.quantity ? { offerId: line.id, quantity: line.quantity } : { offerId: line.id }))
    : request.productIds?.map((offerId) => ({ offerId }));
  if (offers?.length) body.offers = offers;
  const country = request.country?.toUpperCase() ?? placement.country;
  if (country) body.country = country;
  if (language) body.language = language;
  return body;
}

export function buildAdobeHeaders(apiKey: string, accessToken: string): Record<string, string> {
  return {
    'x-api-key': apiKey,
    authorization: `Bearer ${accessToken}`,
    // A fresh id per call for both: a retry of ours is a new request, never a replay.
    'x-request-id': crypto.randomUUID(),
    'x-correlation-id': crypto.randomUUID(),
    accept: 'application/json',
    'content-type': 'application/json',
  };
}

// ---- response schema -----------------------------------------------------------

export const AdobeRecommendation = z.object({
  rank: z.optional(z.number()),
  product: z.object({ baseOfferId: z.string() }),
  source: z.optional(z.object({ sourceType: z.optional(z.string()), offerIds: z.optional(z.array(z.string())) })),
});
export type AdobeRecommendation = z.infer<typeof AdobeRecommendation>;

const ADOBE_GROUPS = ['upsells', 'crossSells', 'addOns'] as const;

/** 200 comes "with or without recommendations": an absent group is an empty one. */
const AdobeResponse = z.object({
  productRecommendations: z.optional(
    z.object({ upsells: z.optional(z.array(z.unknown())), crossSells: z.optional(z.array(z.unknown())), addOns: z.optional(z.array(z.unknown())) }),
  ),
});

// ---- normalization -------------------------------------------------------------

export function normalizeAdobeItem(recommendation: AdobeRecommendation, group: string): RawItem {
  return {
    id: recommendation.product.baseOfferId,
    group,
    rank: recommendation.rank,
    sourceIds: recommendation.source?.offerIds,
  };
}

/** Upsells, then cross-sells, then add-ons, each in Adobe's rank order; malformed entries are dropped. */
export function normalizeAdobeResponse(body: unknown): RawItem[] {
  const parsed = AdobeResponse.safeParse(body);
  if (!parsed.success) throw new RecsFailure('invalid-response', 'adobe: response does not match the Fetch Recommendations schema');
  const groups = parsed.data.productRecommendations ?? {};
  return ADOBE_GROUPS.flatMap((group) =>
    (groups[group] ?? [])
      .flatMap((entry) => {
        const recommendation = AdobeRecommendation.safeParse(entry);
        return recommendation.success ? [recommendation.data] : [];
      })
      .sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity))
      .map((recommendation) => normalizeAdobeItem(recommendation, group)),
  );
}

/** The tracker id, when it is a sane token; anything else is not passed on to the page. */
export function readTrackerId(headers: Headers): string | undefined {
  const value = headers.get('x-recommendation-tracker-id')?.trim();
  return value && /^[\x21-\x7e]{1,200}$/.test(value) ? value : undefined;
}

export function createAdobeProvider(placement: PlacementOf<'adobe'>, deps: ProviderDeps): Provider {
  const apiKey = deps.secrets.require(placement.apiKeyEnv, `${deps.path}.apiKeyEnv`);
  const accessToken = deps.secrets.require(placement.accessTokenEnv, `${deps.path}.accessTokenEnv`);
  const url = `${placement.endpoint.replace(/\/+$/, '')}/v3/recommendations`;
  return {
    async recommend(request, signal) {
      const body = JSON.stringify(buildAdobeBody(request, placement));
      const response = await fetchVendorJson('adobe', url, { method: 'POST', headers: buildAdobeHeaders(apiKey, accessToken), body, signal });
      const trackerId = readTrackerId(response.headers);
      const items = normalizeAdobeResponse(response.body);
      return trackerId ? { items, trackerId } : { items };
    },
  };
}
