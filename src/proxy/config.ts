/**
 * recs.config.json: the proxy's placements, validated with zod/mini at start.
 *
 * A placement is a name the widget's endpoint ends in (`/recs/pdp`) and the vendor
 * behind it. Secrets are never in this file: it names the environment variables that
 * hold them (`apiKeyEnv`), so the file can be committed.
 */
import * as z from 'zod/mini';

/** Placement names travel in URLs: keep them to a small, safe alphabet. */
export const PLACEMENT_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** A bad config file, with the dotted path of the field at fault (`placements.pdp.provider`). */
export class ConfigError extends Error {
  readonly path: string;

  constructor(path: string, message: string) {
    super(path ? `${path}: ${message}` : message);
    this.name = 'ConfigError';
    this.path = path;
  }
}

// ---- field types -------------------------------------------------------------

const envName = z.string().check(
  z.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be the NAME of an environment variable, such as SNAPPY_API_KEY (never the secret itself)'),
);
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const country = z.string().check(z.regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code in capitals, such as US'));
const seconds = z.number().check(z.int('must be a whole number of seconds'), z.minimum(0, 'must not be negative'));
const count = z.number().check(z.int('must be a whole number'), z.minimum(0, 'must not be negative'));
const origin = z.string().check(
  z.refine((value) => {
    try {
      return new URL(value).origin === value;
    } catch {
      return false;
    }
  }, 'must be an origin: scheme, host and optional port, no path or trailing slash (https://shop.example)'),
);
/** A catalog feed: a file path (relative to the config file) or an http(s) URL. */
const feedSource = z.string().check(z.minLength(1, 'must be a file path or an http(s) URL'));
const timeoutMs = z.number().check(z.int('must be whole milliseconds'), z.minimum(100, 'must be at least 100'), z.maximum(60_000, 'must be at most 60000'));

// ---- placements, one schema per provider ---------------------------------------

const common = { timeoutMs: z.optional(timeoutMs) };

const DemoPlacement = z.strictObject({
  provider: z.literal('demo'),
  /** The catalog the demo recommends from; defaults to the sample catalog. */
  catalog: z._default(feedSource, 'demo/catalog.json'),
  ...common,
});

const SnappyPlacement = z.strictObject({
  provider: z.literal('snappy'),
  apiKeyEnv: envName,
  endpoint: z.optional(httpUrl),
  /** Used when the widget sends no `location`. */
  location: z.optional(country),
  ...common,
});

const YespoPlacement = z.strictObject({
  provider: z.literal('yespo'),
  /** Holds the API key, or `user:key`. */
  apiKeyEnv: envName,
  endpoint: z.optional(httpUrl),
  /** The data source is the recommendation type, so the placement fixes it when set. */
  sourceId: z.optional(z.string().check(z.regex(/^\d+$/, 'must be the numeric Yespo data source id'))),
  ...common,
});

export const ADOBE_CONTEXTS = ['GENERIC', 'ORDER_PREVIEW', 'RENEWAL_ORDER_PREVIEW'] as const;
export const ADOBE_LANGUAGES = ['EN', 'MULT'] as const;

const AdobePlacement = z.strictObject({
  provider: z.literal('adobe'),
  endpoint: z._default(httpUrl, 'https://partners.adobe.io'),
  apiKeyEnv: envName,
  accessTokenEnv: envName,
  recommendationContext: z._default(z.enum(ADOBE_CONTEXTS), 'GENERIC'),
  country: z.optional(country),
  language: z.optional(z.enum(ADOBE_LANGUAGES)),
  ...common,
});

const AwsPlacement = z.strictObject({
  provider: z.literal('aws'),
  region: z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region, such as us-east-1')),
  /** Only for tests and private endpoints; the SDK derives the real one from the region. */
  endpoint: z.optional(httpUrl),
  domainName: z.string().check(z.regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be a Customer Profiles domain name')),
  recommenderName: z.string().check(z.regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be a recommender name')),
  /** GetProfileRecommendations returns 1..10 items. */
  maxResults: z._default(z.number().check(z.int(), z.minimum(1, 'must be from 1 to 10'), z.maximum(10, 'must be from 1 to 10')), 10),
  ...common,
});

const CapillaryPlacement = z.strictObject({
  provider: z.literal('capillary'),
  /** The cluster host, such as https://eu.api.capillarytech.com. */
  endpoint: httpUrl,
  usernameEnv: envName,
  passwordEnv: envName,
  ...common,
});

export const Placement = z.discriminatedUnion('provider', [
  DemoPlacement,
  SnappyPlacement,
  YespoPlacement,
  AdobePlacement,
  AwsPlacement,
  CapillaryPlacement,
]);
export type Placement = z.infer<typeof Placement>;
export type ProviderName = Placement['provider'];
export type PlacementOf<Name extends ProviderName> = Extract<Placement, { provider: Name }>;

// ---- the whole file ------------------------------------------------------------

export const ProxyConfig = z.strictObject({
  $schema: z.optional(z.string()),
  /** Storefront origins allowed to call the proxy from a browser. */
  allowedOrigins: z._default(z.array(origin), []),
  /** Upstream timeout; below the widget's 8000 ms default so the shopper sees our 504, not a hang. */
  timeoutMs: z._default(timeoutMs, 5000),
  maxBodyBytes: z._default(
    z.number().check(z.int(), z.minimum(256, 'must be at least 256'), z.maximum(1_048_576, 'must be at most 1048576')),
    8192,
  ),
  /** CDN caching of anonymous answers; sMaxAge also bounds the proxy's own in-memory cache. */
  cache: z._default(
    z.strictObject({ sMaxAge: z._default(seconds, 60), staleWhileRevalidate: z._default(seconds, 600), maxEntries: z._default(count, 1000) }),
    { sMaxAge: 60, staleWhileRevalidate: 600, maxEntries: 1000 },
  ),
  /** The product feed that completes items vendors return as bare ids. */
  catalog: z.optional(z.strictObject({ source: feedSource, refreshSeconds: z._default(seconds, 300) })),
  placements: z.record(z.string().check(z.regex(PLACEMENT_NAME, 'placement names use letters, digits, - and _ (1 to 64)')), Placement).check(
    z.refine((placements) => Object.keys(placements).length > 0, 'must name at least one placement'),
  ),
});
export type ProxyConfig = z.infer<typeof ProxyConfig>;

const english = z.locales.en();

function describeIssue(issue: z.core.$ZodIssue): ConfigError {
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    return new ConfigError(path ? `${path}.${key}` : key, 'is not a known field (check its spelling)');
  }
  if (issue.code === 'invalid_key') return new ConfigError(path, issue.issues[0]?.message ?? issue.message);
  if (issue.code === 'invalid_union' && path.endsWith('provider')) {
    return new ConfigError(path, 'must be one of demo, snappy, yespo, adobe, aws, capillary');
  }
  return new ConfigError(path, issue.message);
}

/** Validates parsed JSON (for runtimes that import the config as a module). Throws ConfigError. */
export function parseConfig(json: unknown): ProxyConfig {
  const result = ProxyConfig.safeParse(json, { error: english.localeError });
  if (!result.success) throw describeIssue(result.error.issues[0]!);
  return result.data;
}

/** Reads and validates a config file's text. Throws ConfigError naming the field at fault. */
export function parseConfigText(text: string): ProxyConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError('', `not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  return parseConfig(json);
}
