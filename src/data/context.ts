import { atom } from 'nanostores';
import { REQUEST_FIELDS, fieldFromText, type FieldSpec, type PageContext } from '../model/fields.js';
import type { Privacy, PrivacyOptions } from './consent.js';

export type { PageContext };

/** The page context, and the privacy options beside it (consent.ts). */
export const $context = atom<PageContext & Privacy>({});

const isCartLine = (line: unknown) => {
  const { id, quantity } = (line ?? {}) as { id?: unknown; quantity?: unknown };
  return typeof id === 'string' && id !== '' && (quantity === undefined || (Number.isInteger(quantity) && (quantity as number) > 0));
};

/** A context value as the field's kind wants it (a list may come as an array), or undefined when it is not one. */
const contextValue = ({ kind }: FieldSpec, value: unknown) =>
  kind === 'cart' ? (Array.isArray(value) && value.every(isCartLine) ? value : undefined) : fieldFromText(kind, Array.isArray(value) ? value.join() : value);

/**
 * Sets page context for every widget at once; widgets whose request changes re-fetch.
 * Keys given as undefined or null are removed. Only the fields the page context knows
 * are kept (see the README): an unknown key or a value of the wrong type is dropped
 * with a console warning, never sent to a vendor or put in a URL. The privacy options
 * (`events`, `requireConsent`, `consent: { analytics }`) take booleans; no request reads them.
 */
export function setContext(patch: PageContext & PrivacyOptions): void {
  const next: Record<string, unknown> = { ...$context.get() };
  for (const [key, value] of Object.entries(patch ?? {})) {
    const spec = Object.hasOwn(REQUEST_FIELDS, key) ? (REQUEST_FIELDS[key as keyof typeof REQUEST_FIELDS] as FieldSpec) : undefined;
    const isPrivacy = /^(events|requireConsent|consent)$/.test(key);
    const option = key === 'consent' ? (value as PrivacyOptions['consent'])?.analytics : value;
    const clean = isPrivacy ? (typeof option === 'boolean' ? option : undefined) : spec?.context && value != null ? contextValue(spec, value) : undefined;
    if (value != null && clean === undefined) console.warn(`recs-widget: setContext ignores ${key}`);
    if (clean === undefined) delete next[key];
    else next[key] = clean;
  }
  $context.set(next);
}
