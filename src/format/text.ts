// C0/C1 control characters, bidi overrides that could reorder what a shopper reads, and lone surrogates (with
// the u flag, a pair is one code point, not in the class): no glyph, and encodeURIComponent throws on them.
export const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ud800-\udfff]+/gu;
/** Runs of white space, and any white space other than a plain space. */
const SPACES = /\s\s+|[^\S ]/g;

/**
 * Any value as plain, printable, single-line text, or undefined when nothing is left.
 * Rendering is always through Lit text bindings; this only keeps odd data tidy.
 */
export function plainText(value: unknown, maxLength = 300): string | undefined {
  // Number.isFinite is false for anything not a number (it does not convert).
  if (Number.isFinite(value)) value = String(value);
  if (typeof value !== 'string') return undefined;
  // Only runs of spaces and other white space change, so plain text is not copied (it is most text).
  const text = value.replace(UNPRINTABLE, ' ').replace(SPACES, ' ').trim();
  if (!text) return undefined;
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}
