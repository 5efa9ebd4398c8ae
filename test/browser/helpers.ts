import { waitUntil } from '@open-wc/testing';
/** Shared by the browser tests: unique ids for stub routes and what a stub received. */
let counter = 0;
export const uid = (label = 't') => `${label}${Date.now().toString(36)}${(counter++).toString(36)}`;

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export async function received(id: string): Promise<ReceivedRequest[]> {
  return (await fetch(`/stub/log/${id}`)).json();
}

export const never = new AbortController().signal;

/** Both elements, for tests that run on each. */
export const TAGS = ['recs-list', 'recs-carousel'] as const;
export type Tag = (typeof TAGS)[number];
export const shadow = (el: Element): ShadowRoot => el.shadowRoot!;
/** Waits until the element reports `state` (its reflected attribute). */
export const stateIs = (el: Element, state: string, timeout = 6000): Promise<void> =>
  waitUntil(() => el.getAttribute('state') === state, `state never became ${state} (is ${el.getAttribute('state')})`, { timeout });

/** Links dist/recs.css (its source, src/elements/reserve.css) for the enclosing describe block, as the README's snippet does. */
export function withRecsCss(): void {
  let sheet: HTMLLinkElement;
  before(async () => {
    sheet = Object.assign(document.createElement('link'), { rel: 'stylesheet', href: '/src/elements/reserve.css' });
    await new Promise((resolve, reject) => document.head.append(Object.assign(sheet, { onload: resolve, onerror: reject })));
  });
  after(() => sheet.remove());
}
