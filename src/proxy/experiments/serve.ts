/**
 * How a placement answers: one source (`default`), a split (one variant per shopper) or
 * an interleave (both variants' lists merged by team draft). The route in app.ts loads
 * each variant's result through its cache; this module picks the variants, merges, and
 * signs the answer's request id when the placement has events.
 */
import type { RecItem, RecsRequest, RecsResult } from '../../model/types.js';
import type { LeafPlacement, Placement } from '../config.js';
import { assignShopper, splitFingerprint } from './assign.js';
import { teamDraft } from './interleave.js';
import { TEAM_LETTERS, type RequestIdSigner, type SplitUnit } from './token.js';

/** The proxy wire format with the experiment's fields (README, "Proxy wire format"). */
export interface RecsAnswer extends RecsResult {
  items: (RecItem & { team?: string })[];
  requestId?: string;
  variant?: string;
}

/** One variant's result, from the cache (`hit`) or its source. */
export type VariantLoader = (variant: string) => Promise<{ value: RecsResult; hit: boolean }>;

export interface ServedAnswer {
  body: RecsAnswer;
  hit: boolean;
  /** The variant counted as served, and whether the page view counts for the interleaving comparison. */
  variant: string;
  interleaved: boolean;
  /** A split's config fingerprint (salt and weights): answers are counted per configuration. */
  split?: string;
}

export interface ServedPlacement {
  /** The sources to build runners for, by variant name (`default` for a plain placement). */
  readonly leaves: ReadonlyMap<string, LeafPlacement>;
  /** Whether answers carry a signed request id (and so are one page view's each). */
  readonly measured: boolean;
  /** An interleave's two variant names, team `a` then `b` (name order, so reordering the config changes nothing). */
  readonly teams?: readonly string[];
  answer(request: RecsRequest, shopper: string | undefined, load: VariantLoader): Promise<ServedAnswer>;
}

export function servePlacement(name: string, placement: Placement, options: { signer?: RequestIdSigner | undefined; log: (line: string) => void }): ServedPlacement {
  const signer = placement.events ? options.signer : undefined;
  // A plain answer's id bounds its ranks by its item count; an interleaved one's by its teams.
  const sign = async (body: RecsAnswer, variant: string, teams?: string, unit?: SplitUnit): Promise<RecsAnswer> =>
    signer ? { ...body, requestId: await signer.sign(name, variant, teams ?? body.items.length, unit), variant } : body;

  if (placement.provider === 'split') {
    const variants = Object.entries(placement.variants).map(([variant, { weight }]) => ({ name: variant, weight }));
    const salt = placement.salt ?? name;
    const fingerprint = splitFingerprint(variants, salt);
    return {
      leaves: new Map(Object.entries(placement.variants)),
      measured: Boolean(signer),
      async answer(_request, shopper, load) {
        const { variant, bucket } = await assignShopper(variants, salt, shopper);
        const { value, hit } = await load(variant);
        const split = await fingerprint;
        return { body: { ...(await sign(value, variant, undefined, { bucket, fingerprint: split })), variant }, hit, variant, interleaved: false, split };
      },
    };
  }

  if (placement.provider === 'interleave') {
    // Team letters by name, not config order: a reordered config keeps old ids valid and teams right.
    const teams = Object.keys(placement.variants).sort();
    return {
      leaves: new Map(Object.entries(placement.variants)),
      measured: Boolean(signer),
      teams,
      async answer(request, _shopper, load) {
        const [a, b] = await Promise.allSettled(teams.map(load));
        if (a!.status === 'fulfilled' && b!.status === 'fulfilled') {
          const merged = teamDraft(a.value.value.items, b.value.value.items, request.limit);
          // An item placed after one list ran out belongs to no team, so it carries none.
          const items = merged.items.map((item, rank) => {
            const team = teams[TEAM_LETTERS.indexOf(merged.teams[rank] as 'a' | 'b')];
            return team === undefined ? item : { ...item, team };
          });
          // Two vendors' tracker ids cannot both be the answer's: an interleaved answer carries none.
          return { body: { ...(await sign({ items }, 'interleave', merged.teams)), variant: 'interleave' }, hit: a.value.hit && b.value.hit, variant: 'interleave', interleaved: true };
        }
        if (a!.status === 'rejected' && b!.status === 'rejected') throw a.reason;
        // One side failed or was slow past its timeout: the other's list alone, not counted as a comparison.
        const served = a!.status === 'fulfilled' ? 0 : 1;
        const failed = [a, b][1 - served] as PromiseRejectedResult;
        options.log(`interleave ${name}: ${teams[1 - served]} failed (${failed.reason instanceof Error ? failed.reason.message : String(failed.reason)}); serving ${teams[served]} alone`);
        const { value, hit } = ([a, b][served] as PromiseFulfilledResult<{ value: RecsResult; hit: boolean }>).value;
        return { body: { ...(await sign(value, teams[served]!)), variant: teams[served]! }, hit, variant: teams[served]!, interleaved: false };
      },
    };
  }

  return {
    leaves: new Map([['default', placement]]),
    measured: Boolean(signer),
    async answer(_request, _shopper, load) {
      const { value, hit } = await load('default');
      return { body: await sign(value, 'default'), hit, variant: 'default', interleaved: false };
    },
  };
}
