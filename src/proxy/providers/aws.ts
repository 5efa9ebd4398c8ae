/**
 * Amazon Connect Customer Profiles GetProfileRecommendations, through the AWS SDK (which
 * signs the call with SigV4). Built from
 * ../shared/vendor-docs/aws-customer-profiles-get-profile-recommendations.rst.
 *
 * DomainName and RecommenderName come from the placement, ProfileId from the widget's
 * customer id, Context from the page context the widget sends. Credentials: the
 * AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN the proxy was given,
 * else the SDK's default chain (instance roles and the like).
 */
import * as z from 'zod/mini';
import type { CustomerProfilesClient, GetProfileRecommendationsCommandInput } from '@aws-sdk/client-customer-profiles';
import type { RecsRequest } from '../../model/schema.js';
import { RecsFailure, failureForStatus } from '../../model/errors.js';
import type { RawItem } from '../../model/clean-item.js';
import { parseRetryAfter } from '../../data/http.js';
import type { PlacementOf } from '../config.js';
import type { Provider, ProviderDeps } from './registry.js';

/** The service returns 1..10 recommendations per call. */
const AWS_MAX_RESULTS = 10;

// ---- request ---------------------------------------------------------------

/** The page context as the recommender's runtime Context: each field the widget set, under its widget name. */
export function awsContext(request: RecsRequest): Record<string, string> {
  const fields: Record<string, string | undefined> = {
    productId: request.productIds?.join(','),
    category: request.category?.join(','),
    context: request.context,
    country: request.country,
    language: request.language,
    locale: request.locale,
    currency: request.currency,
  };
  return Object.fromEntries(Object.entries(fields).filter((entry): entry is [string, string] => Boolean(entry[1])));
}

export function buildAwsInput(request: RecsRequest, placement: PlacementOf<'aws'>): GetProfileRecommendationsCommandInput {
  if (!request.customerId) throw new RecsFailure('invalid-request', 'aws: customerId is required (the Customer Profiles ProfileId)');
  const input: GetProfileRecommendationsCommandInput = {
    DomainName: placement.domainName,
    ProfileId: request.customerId,
    RecommenderName: placement.recommenderName,
    MaxResults: Math.min(Math.max(request.limit, 1), placement.maxResults, AWS_MAX_RESULTS),
  };
  const context = awsContext(request);
  if (Object.keys(context).length) input.Context = context;
  return input;
}

// ---- response schema -----------------------------------------------------------

export const AwsRecommendation = z.object({
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
export type AwsRecommendation = z.infer<typeof AwsRecommendation>;

const AwsResponse = z.object({ Recommendations: z.optional(z.array(z.unknown())) });

// ---- normalization -------------------------------------------------------------

export function normalizeAwsItem({ CatalogItem: item, Score }: AwsRecommendation): RawItem {
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

export function normalizeAwsResponse(output: unknown): RawItem[] {
  const parsed = AwsResponse.safeParse(output);
  if (!parsed.success) throw new RecsFailure('invalid-response', 'aws: response does not match GetProfileRecommendations');
  return (parsed.data.Recommendations ?? []).flatMap((entry) => {
    const recommendation = AwsRecommendation.safeParse(entry);
    return recommendation.success ? [normalizeAwsItem(recommendation.data)] : [];
  });
}

/** SDK errors carry the HTTP status in $metadata; its message text is AWS's and stays out of ours. */
export function failureFromAws(error: unknown, signal: AbortSignal): unknown {
  if (signal.aborted) return signal.reason;
  if (error instanceof RecsFailure) return error;
  const details = error as { $metadata?: { httpStatusCode?: number }; $response?: { headers?: Record<string, string> } };
  const status = details?.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 400) return failureForStatus(status, 'aws', parseRetryAfter(details.$response?.headers?.['retry-after'] ?? null));
  if (status !== undefined) return new RecsFailure('invalid-response', 'aws: response does not match GetProfileRecommendations');
  return new RecsFailure('network', 'aws: network error, no response');
}

export function createAwsProvider(placement: PlacementOf<'aws'>, deps: ProviderDeps): Provider {
  const accessKeyId = deps.secrets.optional('AWS_ACCESS_KEY_ID');
  const secretAccessKey = deps.secrets.optional('AWS_SECRET_ACCESS_KEY');
  const sessionToken = deps.secrets.optional('AWS_SESSION_TOKEN');
  // Loaded on first use: configs without an AWS placement never pay for the SDK.
  let client: Promise<{ client: CustomerProfilesClient; sdk: typeof import('@aws-sdk/client-customer-profiles') }> | undefined;
  const connect = () =>
    (client ??= import('@aws-sdk/client-customer-profiles').then(
      (sdk) => ({
        sdk,
        client: new sdk.CustomerProfilesClient({
          region: placement.region,
          ...(placement.endpoint ? { endpoint: placement.endpoint } : {}),
          ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } } : {}),
          // One attempt: the proxy's timeout bounds the call and the widget owns retries.
          maxAttempts: 1,
        }),
      }),
      () => {
        client = undefined;
        throw new RecsFailure('network', 'aws: the @aws-sdk/client-customer-profiles package is not installed');
      },
    ));
  return {
    async recommend(request, signal) {
      const input = buildAwsInput(request, placement);
      try {
        const { sdk, client } = await connect();
        const output = await client.send(new sdk.GetProfileRecommendationsCommand(input), { abortSignal: signal });
        return { items: normalizeAwsResponse(output) };
      } catch (error) {
        throw failureFromAws(error, signal);
      }
    },
  };
}
