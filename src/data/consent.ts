/**
 * The page's privacy choices (`setContext({ events, requireConsent, consent })`) and the
 * anonymous shopper key. In the script tag: every request may need the key, so it is
 * small; what events do is the sender chunk (events-sender.ts).
 */
import { $context } from './context.js';

export interface PrivacyOptions {
  /** `false`: no widget sends events (the `events` attribute turns them off for one widget). */
  events?: boolean;
  /** The merchant's rule: nothing sent or stored on the device until `consent.analytics` is true. */
  requireConsent?: boolean;
  /** The shopper's choice; `analytics: false` withdraws it (sending stops, queued events are dropped). */
  consent?: { analytics?: boolean };
}

/** The choices as setContext keeps them in $context (never request fields): `consent` is the analytics answer. */
export interface Privacy {
  events?: boolean;
  requireConsent?: boolean;
  consent?: boolean;
}

/** Storage and sending are allowed after a yes, never after a no, and otherwise unless the merchant requires consent. */
export const allowed = ({ requireConsent, consent }: Privacy = $context.get()): boolean => consent ?? !requireConsent;

/** 28 random characters of [0-9a-z] (128 bits); getRandomValues works on http pages too, unlike randomUUID. */
export const randomKey = (): string => Array.from(crypto.getRandomValues(new Uint32Array(4)), (n) => (n + 2 ** 32).toString(36)).join('');

const SHOPPER = 'recs:shopper';
const pageKey = randomKey();

/**
 * The anonymous key the proxy assigns split variants by: kept in localStorage only while
 * storage is allowed, else one per page view (in memory), so assignment is per page view.
 * The first key stored is this page's own, so giving consent later changes nothing here.
 */
export function shopperKey(): string {
  try {
    // A stored key that is not one of ours (edited by hand) is replaced.
    if (allowed()) {
      const stored = localStorage[SHOPPER];
      return /^[\w-]{16,64}$/.test(stored) ? stored : (localStorage[SHOPPER] = pageKey);
    }
  } catch {
    // storage disabled: the page view's key
  }
  return pageKey;
}
