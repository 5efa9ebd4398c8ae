import type { RecsRequest } from './schema.js';

/** The personal identifiers: a request carrying any of them is never cached by a CDN or put in a URL. */
export const PERSONAL_FIELDS = ['customerId', 'webId', 'contactId', 'email', 'phone', 'externalCustomerId'] as const;

export function hasPersonalIdentifier(request: Partial<RecsRequest>): boolean {
  return PERSONAL_FIELDS.some((field) => Boolean(request[field]));
}
