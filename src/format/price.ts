import type { Price } from '../model/types.js';

const formatters = new Map<string, Intl.NumberFormat>();

/**
 * The price as text: `currency` (the attribute) wins over the vendor's currency, each
 * only if Intl accepts it, else a plain number; in `locale`, or the browser's locale
 * when Intl rejects it. Formatters are cached: the first one on a page costs 10-18 ms,
 * so elements call this while their request is in flight, not after the data arrives.
 */
export function formatPrice(price: Price | undefined, locale?: string, currency?: string): string {
  if (!price || !Number.isFinite(price.amount)) return '';
  const key = `${locale}|${currency}|${price.currency}`;
  let formatter = formatters.get(key);
  // A missing or empty currency throws with style currency too, so it falls through.
  for (const options of [{ style: 'currency', currency }, { style: 'currency', currency: price.currency }, {}] as const) {
    for (const tag of [locale, undefined]) {
      try {
        formatter ??= new Intl.NumberFormat(tag, options);
      } catch {}
    }
  }
  formatters.set(key, formatter!);
  return formatter!.format(price.amount);
}
