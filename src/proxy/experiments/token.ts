/**
 * Signed request ids: every answer of a placement with events carries one, and
 * `POST /events` counts an event only when its request id was signed by this proxy for
 * the same placement, variant and (interleaved) team, at a rank the answer had, and is not
 * too old. A script on the page can still act like a shopper, but it cannot invent page
 * views, give one page view more ranks than it showed, move an event to another placement
 * or variant, or credit the other team.
 *
 *   v1.<nonce>.<issued>.<ranks>[.s<bucket>-<split>].<signature>
 *
 * nonce: 12 random bytes (base64url); issued: seconds since 1970 (base 36); ranks: the
 * interleaved team of each rank as letters (`a` = the first of the placement's two
 * variants by name, `b` the other, `n` an item placed after one list ran out, which
 * belongs to no team), or `-` and the number of items when not interleaved (`-8`; a bare
 * `-`, from proxies before 0.5, bounds no rank and ages out); split answers only: the
 * shopper's bucket (0 to 999, the report's unit of variance) and the split's config
 * fingerprint (8 hex digits; earlier ids have neither and still verify); signature:
 * HMAC-SHA256 over those fields plus the placement and variant names, truncated to 128
 * bits (base64url).
 *
 * Rotation (docs/experiments.md): new ids are signed with RECS_EVENTS_SECRET; ids signed
 * with RECS_EVENTS_SECRET_PREVIOUS still verify, until they are older than the maximum age.
 */
const encoder = new TextEncoder();
const TOKEN = /^v1\.([A-Za-z0-9_-]{16})\.([0-9a-z]{1,10})\.(-\d{0,4}|[abn]{1,100})(?:\.s(\d{1,3})-([0-9a-f]{8}))?\.([A-Za-z0-9_-]{22})$/;
export const TEAM_LETTERS = ['a', 'b'] as const;
/** The rank letter of an item that belongs to no team (team draft after one list ran out). */
export const NO_TEAM = 'n';

/** Where a split answer's shopper falls: a coarse bucket of the assignment hash, and the split's config fingerprint. */
export interface SplitUnit {
  bucket: number;
  fingerprint: string;
}

export type Verdict = 'ok' | 'forged' | 'stale' | 'malformed';

export interface RequestIdClaim {
  placement: string;
  variant: string;
  /** The team credited (interleaved answers only), and the item's 1-based rank. */
  team?: string | undefined;
  rank: number;
}

export interface RequestIdSigner {
  /** `ranks`: the answer's number of items, or for an interleaved answer the team letter of each rank; `unit`: a split answer's. */
  sign(placement: string, variant: string, ranks: number | string, unit?: SplitUnit): Promise<string>;
  /** `teamNames`: an interleaved placement's two variants, in name order (team letters a and b). */
  verify(token: string, claim: RequestIdClaim, teamNames?: readonly string[]): Promise<Verdict>;
  /** A client's unit, 0 to 999: a keyed hash of its address (rate-limit.ts clientKey), which names no one. */
  clientUnit(client: string): Promise<number>;
}

/** Units a client's address is hashed into (events/ingest.ts). */
export const CLIENT_UNITS = 1000;

/**
 * An IPv6 client (rate-limit.ts clientKey: its /64) by its /48. One subscriber may hold a whole /48
 * (65,536 /64s; a tunnel broker gives one away) and would otherwise pose as a client in every unit.
 * Shoppers sharing a /48 (an office, a carrier's pool) then weigh as one: a wider interval, not a false winner.
 */
const unitAddress = (client: string) => (/^[\da-f]{1,4}(?::[\da-f]{1,4}){3}::\/64$/.test(client) ? `${client.split(':', 3).join(':')}::/48` : client);

/** When a well-formed id says it was issued (ms since 1970); verify it first. */
export function issuedAt(token: string): number {
  return parseInt(token.split('.')[2] ?? '', 36) * 1000;
}

/** A verified split id's bucket and config fingerprint; undefined for other ids and earlier ones. */
export function splitUnitOf(token: string): SplitUnit | undefined {
  const match = TOKEN.exec(token);
  return match?.[4] === undefined ? undefined : { bucket: Number(match[4]), fingerprint: match[5]! };
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Byte-wise comparison without an early exit, so timing says nothing about where strings differ. */
function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

/** HMAC-SHA256 of `text` with `secret`, the first 16 bytes. */
export type Hmac128 = (secret: string, text: string) => Uint8Array | Promise<Uint8Array>;

/** WebCrypto, on every runtime; Node passes node:crypto's synchronous HMAC instead (server.ts), 3 to 4 times cheaper per answer. */
function webCryptoHmac(): Hmac128 {
  const keys = new Map<string, Promise<CryptoKey>>();
  return async (secret, text) => {
    let key = keys.get(secret);
    if (!key) keys.set(secret, (key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])));
    return new Uint8Array(await crypto.subtle.sign('HMAC', await key, encoder.encode(text))).subarray(0, 16);
  };
}

export function createRequestIdSigner(options: { secret: string; previousSecret?: string | undefined; maxAgeMs: number; now: () => number; hmac?: Hmac128 | undefined }): RequestIdSigner {
  const secrets = [options.secret, options.previousSecret].filter((secret): secret is string => Boolean(secret));
  const hmac = options.hmac ?? webCryptoHmac();
  const mac = async (secret: string, text: string) => base64url(await hmac(secret, text));

  return {
    async sign(placement, variant, ranks, unit) {
      const nonce = base64url(crypto.getRandomValues(new Uint8Array(12)));
      const issued = Math.floor(options.now() / 1000).toString(36);
      const split = unit ? `.s${unit.bucket}-${unit.fingerprint}` : '';
      const body = `v1.${nonce}.${issued}.${typeof ranks === 'number' ? `-${ranks}` : ranks}${split}`;
      return `${body}.${await mac(secrets[0]!, `${body}.${placement}.${variant}`)}`;
    },

    async verify(token, claim, teamNames) {
      const match = TOKEN.exec(token);
      if (!match) return 'malformed';
      const [, , issued, teams, , , signature] = match as unknown as [string, string, string, string, string, string, string];
      const body = token.slice(0, token.length - signature.length - 1);
      let valid = false;
      for (const secret of secrets) valid = sameText(await mac(secret, `${body}.${claim.placement}.${claim.variant}`), signature) || valid;
      if (!valid) return 'forged';
      // The rank must be one the signed answer had, and an interleaved rank's team the one it gave that rank.
      if (teams[0] === '-') {
        if (claim.team !== undefined || (teams.length > 1 && claim.rank > Number(teams.slice(1)))) return 'forged';
      } else {
        // An item placed after one list ran out belongs to no team: its events carry none.
        const teamLetter = teams[claim.rank - 1];
        const team = teamLetter === NO_TEAM ? undefined : teamNames?.[TEAM_LETTERS.indexOf(teamLetter as 'a' | 'b')];
        if (teamLetter === undefined || (teamLetter !== NO_TEAM && team === undefined) || team !== claim.team) return 'forged';
      }
      const age = options.now() - parseInt(issued, 36) * 1000;
      // A little skew between proxy instances' clocks is tolerated; a future id is not real.
      if (age > options.maxAgeMs || age < -60_000) return 'stale';
      return 'ok';
    },

    async clientUnit(client) {
      // Keyed, so a unit says nothing of an address without the secret; a rotation moves every client.
      const bytes = await hmac(secrets[0]!, `client\n${unitAddress(client)}`);
      return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0) % CLIENT_UNITS;
    },
  };
}
