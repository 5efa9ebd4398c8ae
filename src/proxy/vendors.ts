/**
 * Every vendor the proxy speaks, by the `provider` name a placement uses: its adapter
 * (src/transports/) and its placement's settings in recs.config.json. Adding a vendor
 * is one entry here; the config schema (config.ts) and the runner (runner.ts) follow.
 *
 * Secrets never appear in the config: a field named `…Env` holds the NAME of an
 * environment variable, and the runner hands the adapter its value under the name
 * without `Env` (`apiKeyEnv` -> `apiKey`). The settings live here, not beside the
 * adapters, because Snappy's and Yespo's adapters also ship to browsers.
 */
import * as z from 'zod/mini';
import { snappyAdapter } from '../transports/snappy.js';
import { yespoAdapter } from '../transports/yespo.js';
import { ADOBE_CONTEXTS, ADOBE_LANGUAGES, adobeAdapter } from '../transports/adobe.js';
import { AWS_MAX_RESULTS, awsAdapter } from '../transports/aws.js';
import { capillaryAdapter } from '../transports/capillary.js';

const secretName = z.string().check(
  z.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be the NAME of an environment variable, such as SNAPPY_API_KEY (never the secret itself)'),
);
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const countryCode = z.string().check(z.regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code in capitals, such as US'));
const awsName = (what: string) => z.string().check(z.regex(/^[a-zA-Z0-9_-]{1,64}$/, `must be a ${what}`));

export const VENDORS = {
  snappy: {
    adapter: snappyAdapter,
    /** `location` is used when the widget sends none. */
    placement: { apiKeyEnv: secretName, endpoint: z.optional(httpUrl), location: z.optional(countryCode) },
  },
  yespo: {
    adapter: yespoAdapter,
    placement: {
      /** Holds the API key, or `user:key`. */
      apiKeyEnv: secretName,
      endpoint: z.optional(httpUrl),
      /** The data source is the recommendation type, so the placement fixes it when set. */
      sourceId: z.optional(z.string().check(z.regex(/^\d+$/, 'must be the numeric Yespo data source id'))),
    },
  },
  adobe: {
    adapter: adobeAdapter,
    placement: {
      endpoint: z._default(httpUrl, 'https://partners.adobe.io'),
      apiKeyEnv: secretName,
      accessTokenEnv: secretName,
      recommendationContext: z._default(z.enum(ADOBE_CONTEXTS), 'GENERIC'),
      country: z.optional(countryCode),
      language: z.optional(z.enum(ADOBE_LANGUAGES)),
    },
  },
  aws: {
    adapter: awsAdapter,
    /** Credentials come from the proxy's AWS_* environment or the AWS default chain (README, proxy: aws). */
    placement: {
      region: z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region, such as us-east-1')),
      /** Only for tests and private endpoints; by default the region's service endpoint. */
      endpoint: z.optional(httpUrl),
      domainName: awsName('Customer Profiles domain name'),
      recommenderName: awsName('recommender name'),
      maxResults: z._default(z.number().check(z.int(), z.minimum(1, 'must be from 1 to 10'), z.maximum(AWS_MAX_RESULTS, 'must be from 1 to 10')), 10),
    },
  },
  capillary: {
    adapter: capillaryAdapter,
    /** `endpoint` is the cluster host, such as https://eu.api.capillarytech.com. */
    placement: { endpoint: httpUrl, usernameEnv: secretName, passwordEnv: secretName },
  },
};

export type VendorName = keyof typeof VENDORS;
