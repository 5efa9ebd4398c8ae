/**
 * First-party events (a chunk, loaded by events-hook.ts): one sender per page, shared by
 * every widget. Impressions, clicks and add-to-cart presses of widgets whose answer has a
 * request id, and orders of products the shopper came to through a widget, go to the
 * proxy's `POST /events` in small batches (wire format: README, "Events"). Nothing here
 * blocks the page or throws: sending is fetch with keepalive, failures are retried
 * later or dropped, and consent (consent.ts) is asked before anything is sent or stored.
 */
import type { RecItem } from '../model/types.js';
import { EVENT_LIMITS, type Credit, type EventType, type WireEvent } from '../model/event.js';

export type { EventType, WireEvent };
import type { RecsElement } from '../elements/recs-element.js';
import type { LoadedRecs } from './load-recs.js';
import { allowed, randomKey } from './consent.js';
import { $context } from './context.js';


/** `trackOrder`'s argument: `price` is the unit price; `currency` an ISO 4217 code. */
export interface Order {
  orderId: string;
  lines: { id: string; quantity?: number; price: number }[];
  currency?: string;
}

interface Batch {
  url: string;
  /** Kept when the batch is sent again, so the proxy counts it once. */
  batchId: string;
  events: WireEvent[];
  tries: number;
  due: number;
}

const FLUSH_MS = 1000;
/** Events per request: small, so a flush at pagehide stays well under keepalive's 64 KB. */
const BATCH_SIZE = 20;
/** Events kept waiting (unsent or to retry); the oldest go first past it. */
const MAX_KEPT = 500;
const MAX_TRIES = 8;
const MAX_RETRY_MS = 60_000;
const MAX_ATTRIBUTIONS = 100;
const ATTRIBUTION_KEY = 'recs:attribution';
/** Placement, variant and team names as the proxy's config allows them; a request id as it signs them. */
const NAME = /^[\w-]{1,64}$/;
const REQUEST_ID = /^[\w.-]{1,256}$/;

/** Events not yet in a batch, by events URL. */
let queue: { url: string; event: WireEvent }[] = [];
/** Batches the proxy asked us to send later (429, 503) or that did not get through. */
let retries: Batch[] = [];
let flushTimer: ReturnType<typeof setTimeout> | undefined;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let warned = false;
/** Events already queued on this page: a repeat (a second click on the same card) counts once anyway. */
const sent = new Set<string>();

type Attribution = Credit & { url: string };
/** Clicks and add-to-cart presses of this page (for orders); sessionStorage, when allowed, has the visit's. */
let memory: Attribution[] = [];

/** Every widget's answer on screen, with where its events go. */
const answers = new WeakMap<Element, { result: LoadedRecs; url: string; placement: string } | undefined>();
const watched = new WeakSet<Element>();

/** Events are off for good (until changed) when the page says so or the shopper said no. */
const off = () => $context.get().events === false || $context.get().consent === false;
const sending = () => !off() && allowed();

function drop(): void {
  queue = [];
  retries = [];
  clearTimeout(flushTimer);
  clearTimeout(retryTimer);
  flushTimer = retryTimer = undefined;
}

/** Turning events off drops what waits, a withdrawal also forgets what was stored; a yes sends what waited for it. */
$context.listen(({ consent }) => {
  if (off()) drop();
  if (consent === false) forget();
  else if (sending() && queue.length) flush();
});

function forget(): void {
  memory = [];
  try {
    for (const storage of [localStorage, sessionStorage]) for (const key of Object.keys(storage)) if (key.startsWith('recs:')) storage.removeItem(key);
  } catch {
    // storage disabled: nothing stored
  }
}

/** Called by each widget for every answer it shows: events then quote that answer. */
export function watch(element: RecsElement, result: LoadedRecs, endpoint: string | undefined): void {
  answers.set(element, undefined);
  try {
    const base = new URL(endpoint ?? '', document.baseURI);
    const placement = base.pathname.split('/').pop()!;
    // A fallback's answer came from elsewhere: only the widget's own proxy route is credited.
    // Anything else in an answer (markup, 10 KB ids) turns its events off rather than being sent back.
    const tokens = REQUEST_ID.test(result.requestId ?? '') && NAME.test(result.variant ?? '') && NAME.test(placement);
    if (tokens && result.source === 'primary' && endpoint) {
      answers.set(element, { result, url: new URL('../events', base).href, placement });
    }
  } catch {
    // an endpoint that is no URL: no events
  }
  if (watched.has(element)) return;
  watched.add(element);
  element.addEventListener('recs-impression', (event) => {
    for (const item of event.detail.items) record(element, 'impression', item);
  });
  element.addEventListener('recs-click', (event) => record(element, 'click', event.detail.item));
  element.addEventListener('recs-add-to-cart', (event) => record(element, 'add-to-cart', event.detail.item));
}

function record(element: RecsElement, type: EventType, item: RecItem): void {
  const answer = answers.get(element);
  if (!answer || !element.events || off()) return;
  const { result, url, placement } = answer;
  const rank = result.items.findIndex((each) => each.id === item.id) + 1;
  if (!rank) return;
  const credit: Credit = { placement, requestId: result.requestId!, variant: result.variant!, itemId: item.id, rank };
  const team = result.items[rank - 1]!.team;
  if (team && NAME.test(team) && result.variant === 'interleave') credit.team = team;
  if (result.trackerId) credit.trackerId = result.trackerId;
  enqueue(url, { type, ...credit, at: Date.now() });
  if (type !== 'impression') remember({ url, ...credit });
}

/**
 * An answer's id says when it was issued (`v1.<nonce>.<issued, base 36 seconds>.…`, README);
 * the proxy refuses the whole batch of an event whose id is past its age (a tab restored
 * after a week, an order crediting last week's click), so such an event is not sent. An
 * hour's margin covers clocks and the wait before sending; an id of another shape (a backend
 * of the merchant's own) is always sent.
 */
const expired = (requestId: string) => {
  const issued = /^v1\.[\w-]{16}\.([\da-z]+)\./.exec(requestId);
  return !!issued && Date.now() - parseInt(issued[1]!, 36) * 1000 > EVENT_LIMITS.maxAgeMs - 3600_000;
};

function enqueue(url: string, event: WireEvent): void {
  const key = `${event.type}:${event.requestId}:${event.itemId}:${event.orderId ?? ''}`;
  if (sent.has(key) || expired(event.requestId)) return;
  sent.add(key);
  queue.push({ url, event });
  if (queue.length > MAX_KEPT) queue.shift();
  if (!sending()) return; // held in memory until consent is given (dropped if it is refused)
  if (queue.length >= BATCH_SIZE) flush();
  else flushTimer ??= setTimeout(flush, FLUSH_MS);
}

/** Everything queued goes out now, in batches per events URL. */
function flush(): void {
  clearTimeout(flushTimer);
  flushTimer = undefined;
  if (!sending()) return;
  const byUrl = new Map<string, WireEvent[]>();
  for (const { url, event } of queue) byUrl.set(url, [...(byUrl.get(url) ?? []), event]);
  queue = [];
  for (const [url, events] of byUrl) {
    for (let start = 0; start < events.length; start += BATCH_SIZE) {
      send({ url, batchId: `b_${randomKey()}`, events: events.slice(start, start + BATCH_SIZE), tries: 0, due: 0 });
    }
  }
}

function send(batch: Batch): void {
  let response: Promise<Response>;
  try {
    response = fetch(batch.url, {
      method: 'POST',
      keepalive: true,
      credentials: 'omit',
      // Never followed: a redirect would take the shopper's events, and the ids in them, to any origin it names. It comes
      // back as an opaque redirect and is dropped like a 4xx. (Hence keepalive fetch, never sendBeacon: a beacon follows.)
      redirect: 'manual',
      // text/plain: a simple request, so no CORS preflight; the proxy reads the body as JSON.
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      body: JSON.stringify({ batchId: batch.batchId, events: batch.events }),
    });
  } catch {
    response = Promise.reject(new Error('fetch threw'));
  }
  response
    .then((answer) => {
      if (answer.ok) return;
      if (answer.status === 429 || answer.status >= 500) return later(batch, answer.headers.get('retry-after'));
      // Another 4xx (or a redirect) will not get better by sending it again.
      if (!warned) console.warn(`recs-widget: the proxy refused events (${answer.status || 'redirect'}); dropped`);
      warned = true;
    }, () => later(batch, null))
    .catch(() => {});
}

/** Retry-After in seconds or as a date, else a doubling wait; capped either way. */
function later(batch: Batch, retryAfter: string | null): void {
  if (!sending() || ++batch.tries > MAX_TRIES) return;
  const seconds = retryAfter && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) : undefined;
  const date = retryAfter ? Date.parse(retryAfter) - Date.now() : NaN;
  const wait = seconds !== undefined ? seconds * 1000 : Number.isFinite(date) ? date : 500 * 2 ** batch.tries;
  batch.due = Date.now() + Math.min(Math.max(wait, 0), MAX_RETRY_MS);
  retries.push(batch);
  while (retries.reduce((total, each) => total + each.events.length, 0) > MAX_KEPT) retries.shift();
  planRetry();
}

function planRetry(): void {
  clearTimeout(retryTimer);
  retryTimer = undefined;
  if (!retries.length) return;
  const next = Math.min(...retries.map((batch) => batch.due));
  retryTimer = setTimeout(retryDue, Math.max(next - Date.now(), 0));
}

/** Sends the batches whose wait is over, with their own batch ids. */
function retryDue(): void {
  const now = Date.now();
  const due = retries.filter((batch) => batch.due <= now);
  retries = retries.filter((batch) => batch.due > now);
  if (sending()) for (const batch of due) send(batch);
  planRetry();
}

// The page may be going away (or be frozen in the background): send what waits now.
const leaving = () => {
  flush();
  retryDue();
};
addEventListener('pagehide', leaving);
document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && leaving());

// ---- orders -------------------------------------------------------------------------


function attributions(): Attribution[] {
  let stored: unknown;
  if (allowed()) {
    try {
      stored = JSON.parse(sessionStorage.getItem(ATTRIBUTION_KEY) ?? '[]');
    } catch {
      // unreadable: this page's memory only
    }
  }
  const list = Array.isArray(stored) ? stored.filter(isAttribution) : [];
  return [...list.filter((each) => !memory.some((mine) => mine.itemId === each.itemId)), ...memory];
}

/** Stored data is the page's to change: only well-formed entries are believed. */
const isAttribution = (value: unknown): value is Attribution => {
  const entry = (value ?? {}) as Record<string, unknown>;
  return ['url', 'placement', 'requestId', 'variant', 'itemId'].every((key) => typeof entry[key] === 'string') && Number.isInteger(entry.rank);
};

function keep(list: Attribution[]): void {
  memory = list.slice(-MAX_ATTRIBUTIONS);
  if (!allowed()) return;
  try {
    sessionStorage.setItem(ATTRIBUTION_KEY, JSON.stringify(memory));
  } catch {
    // full or disabled: memory only
  }
}

/** The last widget interaction with a product is the one an order of it credits. */
function remember(attribution: Attribution): void {
  keep([...attributions().filter((each) => each.itemId !== attribution.itemId), attribution]);
}

const isPrice = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;

export function trackOrder(order: Order): void {
  const { orderId, lines, currency } = (order ?? {}) as Partial<Order>;
  const quantities = Array.isArray(lines) ? lines.map((line) => line?.quantity ?? 1) : [];
  // What the proxy takes (EVENT_LIMITS): anything past it would make it refuse the batch, and the events beside it.
  const valid =
    typeof orderId === 'string' && /^[^\s\p{C}]+$/u.test(orderId) && orderId.length <= EVENT_LIMITS.maxOrderIdLength &&
    Array.isArray(lines) && lines.length <= 100 &&
    lines.every((line, index) => typeof line?.id === 'string' && isPrice(line.price) && line.price <= EVENT_LIMITS.maxPrice && Number.isInteger(quantities[index]) && quantities[index]! > 0 && quantities[index]! <= EVENT_LIMITS.maxQuantity) &&
    (currency === undefined || (typeof currency === 'string' && /^[A-Za-z]{3}$/.test(currency)));
  if (!valid) {
    console.warn('recs-widget: trackOrder needs { orderId (at most 128 characters), lines: [{ id, quantity (at most 1000), price (at most 1e9) }], currency? }; nothing sent');
    return;
  }
  if (off()) return;
  const known = attributions();
  const at = Date.now();
  // An order's lines go in a batch of their own: should the proxy refuse one, the page's other events still count.
  flush();
  lines.forEach((line, index) => {
    const attribution = known.find((each) => each.itemId === line.id);
    if (!attribution) return;
    // Field by field: what came from storage may carry anything else.
    const { url, placement, requestId, variant, itemId, rank, team, trackerId } = attribution;
    const event: WireEvent = { type: 'order', placement, requestId, variant, itemId, rank, at, orderId, quantity: quantities[index]!, price: line.price };
    if (typeof team === 'string') event.team = team;
    if (typeof trackerId === 'string') event.trackerId = trackerId;
    if (currency) event.currency = currency.toUpperCase();
    enqueue(url, event);
  });
  flush();
}
