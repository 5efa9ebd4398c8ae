import type { Price } from '../model/types.js';

/** By tag and currency as tried, so the warm-up's formatter is the one the cards use; null: Intl rejects them. */
const formatters = new Map<string, Intl.NumberFormat | null>();

/** `currency` null: a plain number. */
function formatter(tag: string | undefined, currency: string | undefined | null): Intl.NumberFormat | null {
  const key = `${tag}|${currency}`;
  let made = formatters.get(key);
  if (made === undefined) {
    try {
      // A missing or empty currency throws with style currency too, so it falls through.
      made = new Intl.NumberFormat(tag, currency === null ? {} : { style: 'currency', currency });
    } catch {
      made = null;
    }
    formatters.set(key, made);
  }
  return made;
}

/**
 * The price as text: the price's own `text` where the source wrote one (the proxy does, for a
 * request with a locale: src/proxy/price-text.ts), shown as given. Else `currency` (the attribute) wins over the vendor's currency, each
 * only if Intl accepts it, else a plain number; in `locale`, or the browser's locale
 * when Intl rejects it. Formatters are cached: the first one on a page costs 10-70 ms,
 * so elements call this while their request is in flight, not after the data arrives.
 */
export function formatPrice(price: Price | undefined, locale?: string, currency?: string): string {
  if (!price || !Number.isFinite(price.amount)) return '';
  if (price.text) return price.text;
  // The first formatter Intl makes (a plain number in the browser's locale always is); usually the first tried, one look-up.
  for (const option of [currency, price.currency, null]) for (const tag of [locale, undefined]) { const made = formatter(tag, option); if (made) return made.format(price.amount); }
  return '';
}
