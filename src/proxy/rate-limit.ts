/**
 * Per-client token buckets, so one client cannot run up the vendor bill (issue 13).
 *
 * Each client has a bucket of `burst` tokens that refills at `ratePerSecond`; a call that
 * would reach a vendor takes one token, and a client with an empty bucket is told how many
 * seconds until the next token. Web APIs only (no node:*): app.ts also runs on edge runtimes.
 *
 * The buckets live in this process's memory, so the limit holds per instance: N instances
 * let a client make N times as many calls. With many instances use the edge platform's rate
 * limiting instead or as well (docs/proxy.md, "Limits and hardening").
 */

export interface RateLimiterOptions {
  /** Tokens added per second (fractions allowed): the sustained rate per client. */
  ratePerSecond: number;
  /** Bucket size: the calls a client that has been idle may make at once. */
  burst: number;
  /** Buckets kept at most; past it the least recently seen client's bucket is dropped. */
  maxClients: number;
  /** Milliseconds, for tests. */
  now?: () => number;
}

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

export interface RateLimiter {
  /**
   * Takes `count` tokens (default one) from `key`'s bucket, all or none, or says how long until
   * there are enough. A count above the burst takes the whole burst, so it is not refused for ever.
   */
  take(key: string, count?: number): RateDecision;
  /** Buckets held now (for tests and metrics). */
  readonly size: number;
}

interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date. */
  at: number;
}

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { ratePerSecond, burst, maxClients } = options;
  const now = options.now ?? Date.now;
  // A Map iterates in insertion order: re-inserting on every take keeps the least recently
  // seen client first, so eviction is O(1) and memory stays at maxClients buckets whatever
  // number of addresses a client cycles through. An evicted client comes back with a full
  // bucket, which it would have had anyway once idle for burst / ratePerSecond seconds.
  const buckets = new Map<string, Bucket>();

  return {
    take(key, count = 1) {
      const cost = Math.min(count, burst);
      const time = now();
      const bucket = buckets.get(key) ?? { tokens: burst, at: time };
      buckets.delete(key);
      // Date.now() can step back (NTP): time before `at` counts as none, and `at` never moves back,
      // so stepping back and forth again grants no extra tokens.
      bucket.tokens = Math.min(burst, bucket.tokens + (Math.max(0, time - bucket.at) / 1000) * ratePerSecond);
      bucket.at = Math.max(bucket.at, time);
      buckets.set(key, bucket);
      if (buckets.size > maxClients) buckets.delete(buckets.keys().next().value!);
      if (bucket.tokens >= cost) {
        bucket.tokens -= cost;
        return { ok: true };
      }
      // Whole seconds, as Retry-After carries them; never 0, which would invite an immediate retry.
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((cost - bucket.tokens) / ratePerSecond)) };
    },
    get size() {
      return buckets.size;
    },
  };
}

/**
 * The key a client is limited by: its IP address, as far as it can be trusted.
 *
 * - `trustProxy` false (or 0): the socket's peer address. Right when clients connect
 *   directly; behind a load balancer or CDN every shopper would share its address.
 * - `trustProxy` N (true is 1): N proxies sit in front of this one, each appending the
 *   address it received the request from to X-Forwarded-For. The client is then the N-th
 *   address from the right of `X-Forwarded-For, socket address`, that is the right-most
 *   address no trusted proxy vouches for. Addresses further left were written by the
 *   client (anyone can send `X-Forwarded-For: 1.2.3.4`) and are never used. When the
 *   header holds fewer addresses than that (a request that bypassed a proxy), the
 *   left-most one there is counts.
 *
 * IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`) count as their IPv4 address, and an IPv6
 * address by its /64 prefix: one subscriber is usually given a whole /64, so counting each
 * address separately would give a single client 2^64 buckets. An entry that is not an IP
 * address (a misconfigured proxy) is not trusted: the socket address is used.
 */
export function clientKey(forwardedFor: string | undefined, socketAddress: string | undefined, trustProxy: boolean | number): string {
  const socket = normalizeAddress(socketAddress ?? '') ?? 'unknown';
  const hops = trustProxy === true ? 1 : trustProxy === false ? 0 : Math.max(0, Math.floor(trustProxy));
  if (hops === 0) return socket;
  const forwarded = (forwardedFor ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (forwarded.length === 0) return socket;
  const entry = forwarded[Math.max(0, forwarded.length - hops)]!;
  return normalizeAddress(entry) ?? socket;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** An address as a bucket key: bare IPv4, or an IPv6 /64 prefix; undefined when it is not an IP address. */
function normalizeAddress(value: string): string | undefined {
  // Proxies may write `[2001:db8::1]:443` or `192.0.2.1:5678`.
  let address = value.trim().toLowerCase();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed) address = bracketed[1]!;
  else if (/^[\d.]+:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(':'));
  address = address.replace(/%.*$/, ''); // zone id (fe80::1%eth0)
  const mapped = /^(?:0{0,4}:){0,5}:?ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(address);
  if (mapped) address = mapped[1]!;
  const v4 = IPV4.exec(address);
  if (v4) return v4.slice(1).every((part) => Number(part) <= 255) ? v4.slice(1).map(Number).join('.') : undefined;
  return ipv6Prefix64(address);
}

/** The first four groups of an IPv6 address, expanded (`2001:db8:0:1::/64`); undefined when it is not one. */
function ipv6Prefix64(address: string): string | undefined {
  if (!/^[0-9a-f:]+$/.test(address) || !address.includes(':') || address.split('::').length > 2) return undefined;
  const [head = '', tail] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return undefined;
  const groups = [...left, ...Array<string>(Math.max(0, missing)).fill('0'), ...right];
  if (groups.some((group) => !/^[0-9a-f]{1,4}$/.test(group))) return undefined;
  return `${groups
    .slice(0, 4)
    .map((group) => parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}

/**
 * What one provider's vendor calls are held to, whoever asks (config `limits.vendor`): calls in
 * flight at once, and calls started in any 60 seconds. The per-client buckets above bound each
 * client; this bounds their sum, which N addresses (an IPv6 /48 is 65,536 clients) would
 * otherwise multiply without end. In this process's memory (an isolate's on Workers).
 */
export interface VendorLimitOptions {
  /** Calls in flight at once; past it a call is refused, not queued. */
  maxInFlight: number;
  /** Calls started in any 60 s window; 0: no budget. */
  callsPerMinute: number;
  /**
   * The longest a call can be in flight (its deadline, and a margin): a slot not released by then
   * is taken back. Under Node the deadline always ends the call; on Workers a request whose client
   * went away may be cancelled with its call, its `finally` never run, and its slot held for ever.
   */
  maxHoldMs: number;
  /** Milliseconds, for tests. */
  now?: () => number;
}

export type VendorDecision =
  | { ok: true; release: () => void }
  | { ok: false; reason: 'maxInFlight' | 'callsPerMinute'; retryAfterSeconds: number };

export interface VendorLimit {
  /**
   * A slot for one vendor call, counted against both limits, or which limit refuses it (a refused
   * call counts against neither). `release()` when the call settles; a second release does nothing.
   */
  start(): VendorDecision;
  /** Calls in flight now (for tests and metrics). */
  readonly inFlight: number;
}

const WINDOW_MS = 60_000;

export function createVendorLimit(options: VendorLimitOptions): VendorLimit {
  const { maxInFlight, callsPerMinute, maxHoldMs } = options;
  const now = options.now ?? Date.now;
  // Each slot in flight by when it is taken back at the latest; a Set iterates in insertion order,
  // so the first is the oldest. Looked at only when every slot is taken.
  const held = new Set<{ until: number }>();
  // When each of the last callsPerMinute calls started, as a ring (8 bytes a call allowed): the
  // slot about to be overwritten is the oldest, and a call may start once that one is 60 s old.
  // Exact (never more than callsPerMinute in any 60 s), unlike a bucket, which lets twice through
  // across a window's edge; O(1) a call.
  const starts = callsPerMinute > 0 ? new Float64Array(callsPerMinute).fill(-Infinity) : undefined;
  let oldest = 0;
  // Date.now() can step back (NTP): time never moves back here, so a step back refuses nothing for longer.
  let latest = -Infinity;
  return {
    start() {
      if (held.size >= maxInFlight) {
        const time = now();
        for (const slot of held) {
          if (slot.until > time) break;
          held.delete(slot);
        }
        if (held.size >= maxInFlight) return { ok: false, reason: 'maxInFlight', retryAfterSeconds: 1 };
      }
      if (starts) {
        latest = Math.max(latest, now());
        const free = starts[oldest]! + WINDOW_MS;
        if (latest < free) return { ok: false, reason: 'callsPerMinute', retryAfterSeconds: Math.max(1, Math.ceil((free - latest) / 1000)) };
        starts[oldest] = latest;
        oldest = (oldest + 1) % starts.length;
      }
      const slot = { until: now() + maxHoldMs };
      held.add(slot);
      // Deleting twice (or after the slot was taken back) changes nothing.
      return { ok: true, release: () => void held.delete(slot) };
    },
    get inFlight() {
      return held.size;
    },
  };
}
