/**
 * Sticky assignment of a shopper to a split's variant, with no shared state: the
 * variant follows from a SHA-256 of the split's salt and the shopper's anonymous key,
 * so every proxy instance picks the same one for the same shopper. Changing the salt
 * (or the weights) reshuffles everyone: do it only to start a new experiment.
 * Without a key (consent withheld, or a widget that sends none) the pick is per request.
 */
export interface WeightedVariant {
  name: string;
  weight: number;
}

/**
 * Buckets a split's shoppers fall into (from the same hash, independently of the variant).
 * The report's variance is computed between buckets, so it is honest at the unit that was
 * randomized (the shopper) without storing anything that identifies one: each bucket holds
 * about a thousandth of the shoppers.
 */
export const BUCKETS = 1000;

const byName = (a: WeightedVariant, b: WeightedVariant) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

async function digest(salt: string, key: string): Promise<DataView> {
  return new DataView(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${salt}\n${key}`)));
}

/** The variant by weight (a number in [0, 1) from the key's hash) and the shopper's bucket (other bits of it). */
export async function assignShopper(variants: readonly WeightedVariant[], salt: string, shopperKey: string | undefined): Promise<{ variant: string; bucket: number }> {
  const hash = shopperKey ? await digest(salt, shopperKey) : undefined;
  const position = hash ? hash.getUint32(0) / 2 ** 32 : Math.random();
  const bucket = hash ? hash.getUint32(4) % BUCKETS : Math.floor(Math.random() * BUCKETS);
  // By name: the order of the variants in recs.config.json must not move shoppers.
  const ordered = [...variants].sort(byName);
  const total = ordered.reduce((sum, variant) => sum + variant.weight, 0);
  let point = position * total;
  for (const variant of ordered) {
    point -= variant.weight;
    if (point < 0) return { variant: variant.name, bucket };
  }
  return { variant: ordered.at(-1)!.name, bucket };
}

export async function assignVariant(variants: readonly WeightedVariant[], salt: string, shopperKey: string | undefined): Promise<string> {
  return (await assignShopper(variants, salt, shopperKey)).variant;
}

/**
 * A short fingerprint of what decides assignment (salt and weights, by variant name): it is
 * signed into every split answer's id and kept on its events, so the report compares only
 * page views served under the current configuration.
 */
export async function splitFingerprint(variants: readonly WeightedVariant[], salt: string): Promise<string> {
  const text = [salt, ...[...variants].sort(byName).map((v) => `${v.name}=${v.weight}`)].join('\n');
  const bytes = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return [...bytes.subarray(0, 4)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}
