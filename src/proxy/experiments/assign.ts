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

/** A number in [0, 1) from the key, uniform over keys. */
async function position(salt: string, key: string): Promise<number> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${salt}\n${key}`)));
  return new DataView(digest.buffer).getUint32(0) / 2 ** 32;
}

export async function assignVariant(variants: readonly WeightedVariant[], salt: string, shopperKey: string | undefined): Promise<string> {
  const total = variants.reduce((sum, variant) => sum + variant.weight, 0);
  let point = (shopperKey ? await position(salt, shopperKey) : Math.random()) * total;
  for (const variant of variants) {
    point -= variant.weight;
    if (point < 0) return variant.name;
  }
  return variants.at(-1)!.name;
}
