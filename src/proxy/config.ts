/**
 * recs.config.json: the proxy's placements, validated with zod/mini at start.
 *
 * A placement is a name the widget's endpoint ends in (`/recs/pdp`) and the vendor
 * behind it. Secrets are never in this file: it names the environment variables that
 * hold them (`apiKeyEnv`), so the file can be committed.
 */
import * as z from 'zod/mini';
import { VENDORS, type VendorName } from './vendors.js';
import { repeatedKey } from './repeated-key.js';

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
/**
 * Where browsers reach the proxy: an http(s) URL without query or trailing slash, its path
 * the prefix a reverse proxy puts before `/recs` (https://recs.shop.example, https://shop.example/api).
 */
const publicUrl = z.string().check(
  z.refine((value) => {
    try {
      const url = new URL(value);
      return /^https?:$/.test(url.protocol) && !url.username && !url.password && `${url.origin}${url.pathname === '/' ? '' : url.pathname}` === value;
    } catch {
      return false;
    }
  }, 'must be the http(s) URL browsers reach the proxy at, without query or trailing slash (https://recs.shop.example)'),
);
/** A catalog feed: a file path (relative to the config file) or an http(s) URL. */
const feedSource = z.string().check(z.minLength(1, 'must be a file path or an http(s) URL'));
const timeoutMs = z.number().check(z.int('must be whole milliseconds'), z.minimum(100, 'must be at least 100'), z.maximum(60_000, 'must be at most 60000'));

// ---- placements: the demo, and one schema per vendor (src/proxy/vendors.ts) ------

const common = { timeoutMs: z.optional(timeoutMs) };

const DemoPlacement = z.strictObject({
  provider: z.literal('demo'),
  /** The catalog the demo recommends from; defaults to the sample catalog. */
  catalog: z._default(feedSource, 'demo/catalog.json'),
  /** `related`: same category as the source products first; `popular`: by the catalog's score alone. */
  ranking: z._default(z.enum(['related', 'popular']), 'related'),
  ...common,
});

/** One source of items: the demo or a vendor. Splits and interleaves are made of these. */
type VendorPlacement = { [Name in VendorName]: { provider: Name; timeoutMs?: number } & z.infer<z.ZodMiniObject<(typeof VENDORS)[Name]['placement']>> }[VendorName];
export type LeafPlacement = z.infer<typeof DemoPlacement> | VendorPlacement;
export type LeafProvider = LeafPlacement['provider'];
export type PlacementOf<Name extends LeafProvider> = Extract<LeafPlacement, { provider: Name }>;

const leafShapes = [DemoPlacement.def.shape, ...Object.entries(VENDORS).map(([provider, vendor]) => ({ provider: z.literal(provider), ...vendor.placement, ...common }))];
const leafObjects = (extra: z.core.$ZodLooseShape) => leafShapes.map((shape) => z.strictObject({ ...shape, ...extra }));
const leafUnion = <Extra extends z.core.$ZodLooseShape>(extra: Extra) =>
  z.discriminatedUnion('provider', leafObjects(extra) as unknown as [z.ZodMiniObject]) as unknown as z.ZodMiniType<LeafPlacement & z.infer<z.ZodMiniObject<Extra>>>;

/**
 * Events (docs/experiments.md): on by default, so every answer carries a signed request id
 * and the widget reports impressions, clicks and add-to-carts. Such answers are one page
 * view's each, so they are never cached downstream (`private, no-store`); `false` makes a
 * placement's anonymous answers CDN-cacheable again, and unmeasured.
 */
const events = { events: z._default(z.boolean(), true) };

/** Variant names appear in answers, events and the report; `default` and `interleave` name answers of plain and interleaved placements. */
const VARIANT_NAME = z.string().check(
  z.regex(/^[A-Za-z0-9_-]{1,32}$/, 'variant names use letters, digits, - and _ (1 to 32)'),
  z.refine((name) => name !== 'default' && name !== 'interleave', 'default and interleave are reserved variant names'),
);

/** An A/B split: each shopper sees one variant, picked by weight and kept (src/proxy/experiments/assign.ts). */
const SplitPlacement = z.strictObject({
  provider: z.literal('split'),
  /** Mixed into the assignment hash; change it to reshuffle shoppers for a new experiment. Defaults to the placement's name. */
  salt: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  variants: z.record(VARIANT_NAME, leafUnion({ weight: z.number().check(z.positive('must be more than 0'), z.maximum(1_000_000, 'must be at most 1000000')) })).check(
    z.refine((variants) => Object.keys(variants).length >= 2, 'a split needs at least two variants'),
  ),
  ...events,
});

/** Team-draft interleaving of exactly two variants in one list (src/proxy/experiments/interleave.ts). */
const InterleavePlacement = z.strictObject({
  provider: z.literal('interleave'),
  variants: z.record(VARIANT_NAME, leafUnion({})).check(z.refine((variants) => Object.keys(variants).length === 2, 'an interleave needs exactly two variants')),
  ...events,
});

export type SplitPlacement = z.infer<typeof SplitPlacement>;
export type InterleavePlacement = z.infer<typeof InterleavePlacement>;
export type Placement = (LeafPlacement & { events: boolean }) | SplitPlacement | InterleavePlacement;
export const Placement = z.discriminatedUnion('provider', [...leafObjects(events), SplitPlacement, InterleavePlacement] as unknown as [z.ZodMiniObject]) as unknown as z.ZodMiniType<Placement>;
export type ProviderName = Placement['provider'];

// ---- limits (docs/proxy.md, "Limits and hardening") ----------------------------

const ms = (min: number, max: number) =>
  z.number().check(z.int('must be whole milliseconds'), z.minimum(min, `must be at least ${min}`), z.maximum(max, `must be at most ${max}`));
const whole = (min: number, max: number) =>
  z.number().check(z.int('must be a whole number'), z.minimum(min, `must be at least ${min}`), z.maximum(max, `must be at most ${max}`));

/**
 * The Node server's connection limits (src/proxy/server.ts). Node's own defaults let a
 * client take 60 s to send its headers and 5 minutes for its body, with no cap on
 * connections: a few slow clients can hold thousands of sockets. Edge runtimes ignore this block.
 */
const SERVER_DEFAULTS = { headersTimeoutMs: 10_000, requestTimeoutMs: 20_000, keepAliveTimeoutMs: 5_000, maxConnections: 1_000, maxConnectionsPerClient: 100 };
const ServerSettings = z
  .strictObject({
    /** From the connection (or the end of the previous answer) to the last header line. */
    headersTimeoutMs: z._default(ms(100, 300_000), SERVER_DEFAULTS.headersTimeoutMs),
    /** From the connection to the last byte of the body; the answer's own time is not counted. */
    requestTimeoutMs: z._default(ms(100, 300_000), SERVER_DEFAULTS.requestTimeoutMs),
    /** How long an idle keep-alive connection stays open; above a load balancer's own idle timeout when behind one. */
    keepAliveTimeoutMs: z._default(ms(100, 300_000), SERVER_DEFAULTS.keepAliveTimeoutMs),
    /** Open connections at once; more are closed as they arrive. Keep it below the process's open-file limit. */
    maxConnections: z._default(whole(1, 1_000_000), SERVER_DEFAULTS.maxConnections),
    /**
     * Open connections at once from one client address (an IPv6 /64), so one client cannot take all
     * of maxConnections. Not applied with limits.trustProxy: the connections then come from the proxy in front.
     */
    maxConnectionsPerClient: z._default(whole(1, 1_000_000), SERVER_DEFAULTS.maxConnectionsPerClient),
  })
  // Node refuses to start otherwise: the headers are part of the request.
  .check(z.refine((server) => server.headersTimeoutMs <= server.requestTimeoutMs, { message: 'must not be more than server.requestTimeoutMs', path: ['headersTimeoutMs'] }));

/** Per-client token buckets on every call that reaches a vendor (src/proxy/rate-limit.ts). */
const PER_CLIENT_DEFAULTS = { ratePerSecond: 10, burst: 20, maxClients: 10_000 };
const PerClientLimit = z.strictObject({
  /** Tokens added per second: the sustained rate. Fractions are allowed (0.5 is one call every 2 s). */
  ratePerSecond: z._default(z.number().check(z.positive('must be more than 0'), z.maximum(100_000, 'must be at most 100000')), PER_CLIENT_DEFAULTS.ratePerSecond),
  /** The bucket's size: calls a client may make at once after being idle. */
  burst: z._default(whole(1, 100_000), PER_CLIENT_DEFAULTS.burst),
  /** Buckets kept in memory; past it the least recently seen client's is dropped. */
  maxClients: z._default(whole(1, 1_000_000), PER_CLIENT_DEFAULTS.maxClients),
});
/**
 * Each vendor provider's calls, whoever asks (src/proxy/rate-limit.ts createVendorLimit): per provider, since a
 * bill and a quota are per vendor and a slow vendor must not take another's slots. maxInFlight 256: above the 200
 * identified shoppers at once that test/node/proxy-load.test.ts serves through a 2 s vendor, yet a bound on what
 * 1000 connections could hold. callsPerMinute off: the right budget is the merchant's contract and traffic.
 */
const VENDOR_DEFAULTS = { maxInFlight: 256, callsPerMinute: 0 };
const vendorMaxInFlight = whole(1, 100_000);
/** 0 is no budget; each allowed call takes 8 bytes of memory (8 MB at the maximum). */
const vendorCallsPerMinute = whole(0, 1_000_000);
const VendorLimit = z.strictObject({
  /** Calls to one provider in flight at once; more are answered 503 `overloaded` at once, never queued. */
  maxInFlight: z._default(vendorMaxInFlight, VENDOR_DEFAULTS.maxInFlight),
  /** Calls to one provider started in any 60 s; 0: no budget. */
  callsPerMinute: z._default(vendorCallsPerMinute, VENDOR_DEFAULTS.callsPerMinute),
  /** One provider's own limits, in place of the two above (`{ "adobe": { "callsPerMinute": 3000 } }`). */
  providers: z.optional(
    z.partialRecord(
      // Any other key (a misspelt name, the demo, which calls no vendor) is an unknown field.
      z.enum(Object.keys(VENDORS) as [VendorName, ...VendorName[]]),
      z.strictObject({ maxInFlight: z.optional(vendorMaxInFlight), callsPerMinute: z.optional(vendorCallsPerMinute) }),
    ),
  ),
});

const Limits = z.strictObject({
  perClient: z._default(PerClientLimit, () => ({ ...PER_CLIENT_DEFAULTS })),
  vendor: z._default(VendorLimit, () => ({ ...VENDOR_DEFAULTS })),
  /**
   * false: the client is the socket's address. true or N: N proxies (true is 1) sit in front
   * and each appends the address it saw to X-Forwarded-For; see clientKey().
   */
  trustProxy: z._default(
    z.union([z.boolean(), whole(0, 10)], { error: 'must be false, true or the number of proxies in front of this one (0 to 10)' }),
    false,
  ),
});

/** 32 MiB of JSON: 1000 answers of 10 cards of 1 kB take under a third of it; 1000 of 100 rich cards (575 kB each) held 617 MB. */
const CACHE_MAX_BYTES = 33_554_432;

// ---- the whole file ------------------------------------------------------------

export const ProxyConfig = z.strictObject({
  $schema: z.optional(z.string()),
  /** Storefront origins allowed to call the proxy from a browser. */
  allowedOrigins: z._default(z.array(origin), []),
  /**
   * The proxy's own URL in server-rendered HTML (the element's endpoint, css=link's stylesheet).
   * Without it they come from the request (its Host header, and http behind a TLS terminator),
   * so such HTML is then never shared by a cache.
   */
  publicUrl: z.optional(publicUrl),
  /** Upstream timeout; below the widget's 8000 ms default so the shopper sees our 504, not a hang. */
  timeoutMs: z._default(timeoutMs, 5000),
  maxBodyBytes: z._default(
    z.number().check(z.int(), z.minimum(256, 'must be at least 256'), z.maximum(1_048_576, 'must be at most 1048576')),
    8192,
  ),
  /** CDN caching of anonymous answers; sMaxAge also bounds the proxy's own in-memory cache. */
  cache: z._default(
    z.strictObject({
      sMaxAge: z._default(seconds, 60),
      staleWhileRevalidate: z._default(seconds, 600),
      maxEntries: z._default(count, 1000),
      /** The in-memory cache's keys and answers' JSON, in characters: clients choose the keys, so entries alone bound nothing. */
      maxBytes: z._default(whole(1024, 1_073_741_824), CACHE_MAX_BYTES),
    }),
    () => ({ sMaxAge: 60, staleWhileRevalidate: 600, maxEntries: 1000, maxBytes: CACHE_MAX_BYTES }),
  ),
  /** Largest vendor or catalog body read, counted after decompression; reading stops there. */
  maxResponseBytes: z._default(whole(1024, 268_435_456), 2_097_152),
  // Defaults as functions: each parsed config gets its own objects, never shared ones.
  server: z._default(ServerSettings, () => ({ ...SERVER_DEFAULTS })),
  limits: z._default(Limits, () => ({ perClient: { ...PER_CLIENT_DEFAULTS }, vendor: { ...VENDOR_DEFAULTS }, trustProxy: false })),
  /** The product feed that completes items vendors return as bare ids. */
  catalog: z.optional(z.strictObject({ source: feedSource, refreshSeconds: z._default(seconds, 300) })),
  placements: z.record(z.string().check(z.regex(PLACEMENT_NAME, 'placement names use letters, digits, - and _ (1 to 64)')), Placement).check(
    z.refine((placements) => Object.keys(placements).length > 0, 'must name at least one placement'),
  ),
});
export type ProxyConfig = z.infer<typeof ProxyConfig>;

/**
 * The longest `timeoutMs` of the config (top level or any placement or variant): no request's vendor
 * call and enrichment last longer (runner.ts's one deadline).
 */
export function longestTimeoutMs(config: ProxyConfig): number {
  const leaves = Object.values(config.placements).flatMap((placement) => ('variants' in placement ? Object.values(placement.variants) : [placement]));
  return Math.max(config.timeoutMs, ...leaves.map((placement) => placement.timeoutMs ?? config.timeoutMs));
}

const english = z.locales.en();

function describeIssue(issue: z.core.$ZodIssue): ConfigError {
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    return new ConfigError(path ? `${path}.${key}` : key, 'is not a known field (check its spelling)');
  }
  if (issue.code === 'invalid_key') return new ConfigError(path, issue.issues[0]?.message ?? issue.message);
  if (issue.code === 'invalid_union' && path.endsWith('provider')) {
    return new ConfigError(path, `must be one of demo, ${Object.keys(VENDORS).join(', ')}${issue.path.length > 3 ? '' : ', split, interleave'}`);
  }
  return new ConfigError(path, issue.message);
}

/**
 * Names JavaScript gives a meaning on every object: `__proto__` vanishes from a parsed
 * record (its placement and its environment variables were never checked), and the others
 * are one careless `placements[name]` away from Object.prototype.
 */
const RESERVED_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

/** Validates parsed JSON (for runtimes that import the config as a module). Throws ConfigError. */
export function parseConfig(json: unknown): ProxyConfig {
  const placements = typeof json === 'object' && json !== null && Object.hasOwn(json, 'placements') ? (json as { placements: unknown }).placements : undefined;
  if (typeof placements === 'object' && placements !== null) {
    const reserved = Object.keys(placements).find((name) => RESERVED_NAMES.has(name));
    if (reserved !== undefined) throw new ConfigError(`placements.${reserved}`, 'is a reserved name in JavaScript; choose another placement name');
  }
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
  const repeated = repeatedKey(text);
  if (repeated) {
    const path = repeated.join('.');
    if (repeated.length === 2 && repeated[0] === 'placements') throw new ConfigError(path, 'is defined twice: placement names must be unique (JSON keeps only the last)');
    throw new ConfigError(path, 'is given twice in the same object (JSON keeps only the last)');
  }
  return parseConfig(json);
}
