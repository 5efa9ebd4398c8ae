/**
 * The canonical model as plain types. Data from outside is checked where it enters
 * (vendor responses by each adapter's zod/mini schema, the proxy's input and config by
 * theirs, every item by cleanItems), so inside the code these are facts, not hopes.
 */
export type { RecsRequest, CartLine, PageContext } from './fields.js';

/** A price as shown on a card. `currency` is an ISO 4217 code. */
export interface Price {
  amount: number;
  currency?: string;
  /**
   * The price as the source wrote it, shown as given instead of formatting `amount` on the page:
   * the proxy formats it for the request's `locale` and `currency` (at most 64 characters).
   */
  text?: string;
}

/** One recommended product, normalized from any vendor. Also the proxy wire format item. */
export interface RecItem {
  id: string;
  title: string;
  url?: string;
  image?: string;
  price?: Price;
  brand?: string;
  category?: string[];
  description?: string;
  inStock?: boolean;
  /** The vendor's relevance score, where it gives one. */
  score?: number;
  /** The vendor's grouping of the item (Adobe: upsells, crossSells, addOns). */
  group?: string;
  /** The vendor's own rank within its group, where it gives one. */
  rank?: number;
  /** Ids of the products this item was recommended for (Adobe's source offer ids). */
  sourceIds?: string[];
  /** Free-form vendor attributes (Yespo's tags_* fields), as strings. */
  attributes?: Record<string, string>;
  /** Interleaved proxy answers: the variant that contributed the item. */
  team?: string;
}

/** What every transport resolves to. */
export interface RecsResult {
  items: RecItem[];
  /** Vendor tracking id (Adobe's x-recommendation-tracker-id), passed on in events. */
  trackerId?: string;
  /** The proxy's signed id of this answer (placements with events); events quote it. */
  requestId?: string;
  /** The split variant the proxy served (`default`, a variant's name, or `interleave`); only with a requestId. */
  variant?: string;
}

/** `internal` is the proxy's own fault (a bug), never a vendor's. */
export type RecsErrorCode =
  | 'network'
  | 'timeout'
  | 'http'
  | 'rate-limited'
  | 'not-found'
  | 'invalid-request'
  | 'invalid-response'
  | 'aborted'
  | 'internal';

/** An error as a value: what `recs-error` carries and what the proxy answers with. */
export interface RecsError {
  code: RecsErrorCode;
  message: string;
  status?: number;
}
