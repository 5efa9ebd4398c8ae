import type { RecItem, RecsError } from '../model/types.js';

/** Every event's detail, declared in one place. */
/** Which widget an event came from, through which transport, with the vendor's tracking id. */
export interface RecsEventContext {
  widgetId: string;
  transport: string;
  trackerId?: string | undefined;
}

export interface RecsEventDetails {
  /** source: which source served the items, the primary or the `fallback`. */
  'recs-load': RecsEventContext & { items: RecItem[]; source: 'primary' | 'fallback' };
  'recs-empty': RecsEventContext & { source?: 'primary' | 'fallback' };
  'recs-error': RecsEventContext & { error: RecsError };
  /** rank is 1-based. */
  'recs-click': RecsEventContext & { item: RecItem; rank: number };
  'recs-add-to-cart': RecsEventContext & { item: RecItem; rank: number };
  'recs-impression': RecsEventContext & { items: RecItem[] };
}

export type RecsEventName = keyof RecsEventDetails;

/** Dispatches a recs-* event; they all bubble and cross the shadow boundary. Returns false when cancelled. */
export function emit<K extends RecsEventName>(target: EventTarget, name: K, detail: RecsEventDetails[K], cancelable = false): boolean {
  return target.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true, cancelable }));
}

declare global {
  interface HTMLElementEventMap {
    'recs-load': CustomEvent<RecsEventDetails['recs-load']>;
    'recs-empty': CustomEvent<RecsEventDetails['recs-empty']>;
    'recs-error': CustomEvent<RecsEventDetails['recs-error']>;
    'recs-click': CustomEvent<RecsEventDetails['recs-click']>;
    'recs-impression': CustomEvent<RecsEventDetails['recs-impression']>;
    'recs-add-to-cart': CustomEvent<RecsEventDetails['recs-add-to-cart']>;
  }
}
