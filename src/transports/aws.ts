/**
 * Amazon Connect Customer Profiles GetProfileRecommendations, as the REST-JSON call the
 * AWS SDK makes: POST /domains/{DomainName}/profiles/{ProfileId}/recommendations with
 * {RecommenderName, MaxResults, Context}, signed with SigV4 by the proxy runner
 * (src/proxy/aws-sigv4.ts). Built from
 * ../shared/vendor-docs/aws-customer-profiles-get-profile-recommendations.rst. Proxy only.
 *
 * DomainName and RecommenderName come from the placement, ProfileId from the widget's
 * customer id, Context from the page context the widget sends.
 */
import * as z from 'zod/mini';
import type { RecsRequest } from '../model/types.js';
import { RecsFailure } from '../model/errors.js';
import type { RawItem } from '../model/clean-item.js';
import { parseEntries, vendorUrl, type VendorAdapter } from './adapter.js';

/** The service returns 1..10 recommendations per call. */
export const AWS_MAX_RESULTS = 10;

export interface AwsSettings {
  region: string;
  endpoint?: string | undefined;
  domainName: string;
  recommenderName: string;
  maxResults: number;
}

// ---- request ---------------------------------------------------------------

/** The service's limits (API reference): a Context value is 1..255 characters, a ProfileId 32 hex digits. */
const AWS_CONTEXT_VALUE_MAX = 255;
const AWS_PROFILE_ID = /^[a-f0-9]{32}$/;

/** A list as one Context value: the leading entries that fit in 255 characters (a cart page can name 50 products; AWS refuses the whole call over the limit). */
function leadingList(values: string[] | undefined): string | undefined {
  let joined = '';
  for (const value of values ?? []) {
    const next = joined ? `${joined},${value}` : value;
    if (next.length > AWS_CONTEXT_VALUE_MAX) break;
    joined = next;
  }
  return joined || undefined;
}

/** The page context as the recommender's runtime Context: each field the widget set, under its widget name (the proxy's input checks keep the single fields short). */
function awsContext(request: RecsRequest): Record<string, string> {
  const fields: Record<string, string | undefined> = {
    productId: leadingList(request.productIds),
    category: leadingList(request.category),
    context: request.context,
    country: request.country,
    language: request.language,
    locale: request.locale,
    currency: request.currency,
  };
  return Object.fromEntries(Object.entries(fields).filter((entry): entry is [string, string] => Boolean(entry[1])));
}

// ---- response schema -----------------------------------------------------------

const AwsRecommendation = z.object({
  CatalogItem: z.object({
    Id: z.optional(z.string()),
    Name: z.optional(z.string()),
    Code: z.optional(z.string()),
    Type: z.optional(z.string()),
    Category: z.optional(z.string()),
    Description: z.optional(z.string()),
    AdditionalInformation: z.optional(z.string()),
    ImageLink: z.optional(z.string()),
    Link: z.optional(z.string()),
    Price: z.optional(z.string()),
    Attributes: z.optional(z.record(z.string(), z.string())),
  }),
  Score: z.optional(z.number()),
});
type AwsRecommendation = z.infer<typeof AwsRecommendation>;

const AwsResponse = z.object({ Recommendations: z.optional(z.array(z.unknown())) });

// ---- parsing -------------------------------------------------------------------

function normalizeAwsItem({ CatalogItem: item, Score }: AwsRecommendation): RawItem {
  return {
    id: item.Id,
    title: item.Name,
    url: item.Link,
    image: item.ImageLink,
    amount: item.Price,
    category: item.Category,
    description: item.Description,
    score: Score,
    attributes: item.Attributes,
  };
}

export const awsAdapter: VendorAdapter<AwsSettings> = {
  vendor: 'aws',
  buildRequest(request, settings) {
    if (!request.customerId) throw new RecsFailure('invalid-request', 'aws: customerId is required (the Customer Profiles ProfileId)');
    // Checked, not only encoded: `..` or `.` would move the signed call to another AWS operation's path.
    if (!AWS_PROFILE_ID.test(request.customerId)) throw new RecsFailure('invalid-request', 'aws: customerId must be a Customer Profiles ProfileId (32 hex digits)');
    const path = `/domains/${encodeURIComponent(settings.domainName)}/profiles/${encodeURIComponent(request.customerId)}/recommendations`;
    const body: Record<string, unknown> = {
      RecommenderName: settings.recommenderName,
      MaxResults: Math.min(Math.max(request.limit, 1), settings.maxResults, AWS_MAX_RESULTS),
    };
    const context = awsContext(request);
    if (Object.keys(context).length) body.Context = context;
    return {
      method: 'POST',
      url: vendorUrl(settings.endpoint ?? `https://profile.${settings.region}.amazonaws.com`, path).href,
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      sign: { service: 'profile', region: settings.region },
    };
  },
  parseResponse(body) {
    const parsed = AwsResponse.safeParse(body);
    if (!parsed.success) throw new RecsFailure('invalid-response', 'aws: response does not match GetProfileRecommendations');
    return { items: parseEntries(parsed.data.Recommendations ?? [], AwsRecommendation, normalizeAwsItem) };
  },
};
