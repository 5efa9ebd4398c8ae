/**
 * A first-party event as it travels from the widget (src/data/events-sender.ts) to
 * `POST /events` (src/proxy/events/ingest.ts): one definition for both ends. No shopper
 * key or identifier, ever.
 */
export type EventType = 'impression' | 'click' | 'add-to-cart' | 'order';

/** What the proxy accepts, checked on both ends: the widget sends nothing the proxy would refuse (a refusal drops the whole batch). */
export const EVENT_LIMITS = {
  /** An event (and its answer's request id) at most this old. */
  maxAgeMs: 7 * 24 * 3600_000,
  maxQuantity: 1000,
  maxPrice: 1e9,
  /** UTF-16 code units, as JavaScript counts `length`. */
  maxOrderIdLength: 128,
} as const;

/** What an event says about the item and the answer it was in. */
export interface Credit {
  placement: string;
  requestId: string;
  variant: string;
  itemId: string;
  /** 1-based position in the proxy's answer. */
  rank: number;
  /** Interleaved answers only: the variant that contributed the item. */
  team?: string;
  trackerId?: string;
}

export interface WireEvent extends Credit {
  type: EventType;
  /** ms since 1970 on the shopper's clock. */
  at: number;
  /** `order` events only; `price` is the unit price. */
  orderId?: string;
  quantity?: number;
  price?: number;
  currency?: string;
}
