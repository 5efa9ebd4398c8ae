import type { RecItem, RecsError } from '../model/schema.js';

/** Every event's detail, declared in one place. */
export interface RecsEventDetails {
  'recs-load': { items: RecItem[]; trackerId?: string | undefined; transport: string };
  'recs-empty': { transport: string };
  'recs-error': { error: RecsError; transport: string };
  'recs-click': { item: RecItem; rank: number; trackerId?: string | undefined; transport: string };
  'recs-impression': { items: RecItem[]; trackerId?: string | undefined; transport: string };
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
  }
}
