/**
 * `POST /events`: the widget's batches of impressions, clicks, add-to-carts and orders.
 *
 *   body (JSON, whatever the content-type) -> every field checked -> every request id
 *   verified -> dedup keys -> one transaction -> 202 { accepted, duplicates, rejected? }
 *
 * A batch is all or nothing: one bad field, one forged or stale request id, and none of
 * it is stored (the error names the field, `events[3].rank`). The one exception is an event
 * of a placement, variant or team the configuration no longer has (an experiment ended while
 * the page was open): it is skipped and counted in `rejected`, and the rest of the batch is
 * kept, since the widget drops a refused batch and would lose it all. 202 is sent only after the
 * commit; when the database is down or slow, 503 with Retry-After and the client sends
 * the same batch again (its batch id makes a repeat count as duplicates).
 *
 * Nothing is refused for what else is stored: an order whose click is not (yet) stored, or a click
 * without an impression, is kept; the report decides what counts (report/queries.ts COUNTED), so a
 * click whose batch is retried after its order's still credits it.
 *
 * Errors are thrown as ProxyError, answered by the app's one error path.
 */
import { InvalidParameter, ProxyError } from '../errors.js';
import { PLACEMENT_NAME } from '../config.js';
import { repeatedKey } from '../repeated-key.js';
import { readTextCapped } from '../capped-body.js';
import type { EventStore, StoredEvent } from './store.js';
import { EVENT_LIMITS, type EventType, type WireEvent } from '../../model/event.js';
import { UNPRINTABLE } from '../../format/text.js';
import { StoreUnavailable } from './unavailable.js';
import { issuedAt, splitUnitOf } from '../experiments/token.js';

export type RequestIdVerdict = 'ok' | 'forged' | 'stale' | 'malformed';

export interface EventsHandlerDeps {
  store: EventStore;
  /** The placement's variant names (what an answer's `variant` and an item's `team` may be); undefined when there is no such placement. */
  placements: (name: string) => { variants: string[] } | undefined;
  verifyRequestId: (token: string, claim: { placement: string; variant: string; team?: string; rank: number }) => Promise<RequestIdVerdict>;
  /** The unit (0 to 999) of a client's address (experiments/token.ts clientUnit), kept on its events. */
  clientUnit?: (client: string) => Promise<number>;
  now: () => number;
  /** Default 100. */
  maxBatchEvents?: number;
  /** The body is read no further. Default 256 KiB (100 events of about 1 KiB each, with room). */
  maxBodyBytes?: number;
}

/** The client retries after this many seconds when the database is unavailable. */
export const EVENTS_RETRY_AFTER_SECONDS = 2;

const EVENT_TYPES: readonly EventType[] = ['impression', 'click', 'add-to-cart', 'order'];
const BATCH_ID = /^b_[A-Za-z0-9_-]{16,64}$/;
const REQUEST_ID = /^v1\.[A-Za-z0-9._-]{1,250}$/;
const CURRENCY = /^[A-Z]{3}$/;
/**
 * Item, tracker and order ids are the vendor's or the shop's: any text but what the proxy's
 * own answers never hold (control characters, bidi overrides, line breaks; src/format/text.ts).
 * A soft hyphen or an emoji's zero-width joiner is a vendor's id as served, so it is kept.
 * With UNPRINTABLE's u flag: an emoji's surrogate pair is one code point, only a lone surrogate matches.
 */
const CONTROL = new RegExp(`${UNPRINTABLE.source}|[\u2028\u2029]`, 'u');
const COMMON_FIELDS = new Set(['type', 'placement', 'requestId', 'variant', 'itemId', 'rank', 'team', 'trackerId', 'at']);
const ORDER_FIELDS = ['orderId', 'quantity', 'price', 'currency'] as const;
const MAX_ID_LENGTH = 200;

/** The wire event (src/model/event.ts) once checked, its order fields together (the order id is checked, not kept). */
type ParsedEvent = Omit<WireEvent, 'orderId' | 'quantity' | 'price' | 'currency'> & {
  order?: { quantity: number; price: number; currency?: string | undefined };
};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** An event the configuration no longer knows (placement, variant or team): skipped, not a bad batch. */
class Unconfigured extends Error {}

/** A string of 1..max characters: matching `rule` when given, else any text without control characters. */
function text(value: unknown, path: string, max: number, rule?: [RegExp, string]): string {
  if (typeof value !== 'string') throw new InvalidParameter(path, 'must be a string');
  if (value.length === 0 || value.length > max) throw new InvalidParameter(path, `must be 1 to ${max} characters`);
  if (rule ? !rule[0].test(value) : CONTROL.test(value)) throw new InvalidParameter(path, rule ? `must be ${rule[1]}` : 'must not contain control characters');
  return value;
}

const NAME_RULE: [RegExp, string] = [PLACEMENT_NAME, 'letters, digits, _ and -'];
const BATCH_RULE: [RegExp, string] = [BATCH_ID, '"b_" and 16 to 64 letters, digits, _ or -'];
const REQUEST_RULE: [RegExp, string] = [REQUEST_ID, 'the requestId of the answer, as received'];
const CURRENCY_RULE: [RegExp, string] = [CURRENCY, 'an ISO 4217 code in capitals, like EUR'];
/** A field name as echoed in an error: hostile names can be long. */
const shown = (name: string) => (name.length > 64 ? `${name.slice(0, 64)}…` : name);

function integer(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw new InvalidParameter(path, `must be an integer from ${min} to ${max}`);
  return value;
}

/** Paths as the client would write them: `events[3].rank`. */
const pathOf = (keys: string[]) => keys.map((key, i) => (/^\d+$/.test(key) && i > 0 ? `[${key}]` : i ? `.${key}` : key)).join('');

const readBody = (request: Request, maxBytes: number) =>
  readTextCapped(request, maxBytes, () => new ProxyError(413, 'invalid-request', `body: must be at most ${maxBytes} bytes`, { parameter: 'body' }));

/** `client`: the sender's rate-limit key (its address, rate-limit.ts clientKey); absent where the proxy has none. */
export function createEventsHandler(deps: EventsHandlerDeps): (request: Request, client?: string) => Promise<Response> {
  const maxEvents = deps.maxBatchEvents ?? 100;
  const maxBodyBytes = deps.maxBodyBytes ?? 256 * 1024;

  function parseEvent(raw: unknown, path: string, now: number): ParsedEvent {
    if (!isRecord(raw)) throw new InvalidParameter(path, 'must be an object');
    const type = raw.type;
    if (typeof type !== 'string' || !EVENT_TYPES.includes(type as EventType)) throw new InvalidParameter(`${path}.type`, `must be one of ${EVENT_TYPES.join(', ')}`);
    for (const name of Object.keys(raw)) {
      const known = COMMON_FIELDS.has(name) || (ORDER_FIELDS as readonly string[]).includes(name);
      if (!known) throw new InvalidParameter(`${path}.${shown(name)}`, 'is not a known event field');
      if (!COMMON_FIELDS.has(name) && type !== 'order') throw new InvalidParameter(`${path}.${name}`, 'is only allowed on order events');
    }
    const placement = text(raw.placement, `${path}.placement`, 64, NAME_RULE);
    const variant = text(raw.variant, `${path}.variant`, 64, NAME_RULE);
    const event: ParsedEvent = {
      type: type as EventType,
      placement,
      variant,
      requestId: text(raw.requestId, `${path}.requestId`, 256, REQUEST_RULE),
      itemId: text(raw.itemId, `${path}.itemId`, MAX_ID_LENGTH),
      rank: integer(raw.rank, `${path}.rank`, 1, 1000),
      at: integer(raw.at, `${path}.at`, 0, Number.MAX_SAFE_INTEGER),
    };
    // A shopper's clock may be off by minutes or years, and refusing its batch lost all its events: a time
    // ahead of this clock is now, and toStored dates none before its answer (whose id is at most 7 days old).
    event.at = Math.min(event.at, now);
    // An interleaved answer's items carry the team that contributed them (none when placed after
    // one list ran out; the request id says which); no other answer has teams.
    if (variant === 'interleave') {
      if (raw.team !== undefined) event.team = text(raw.team, `${path}.team`, 64, NAME_RULE);
    } else if (raw.team !== undefined) throw new InvalidParameter(`${path}.team`, 'is only allowed on events of an interleaved answer');
    if (raw.trackerId !== undefined) event.trackerId = text(raw.trackerId, `${path}.trackerId`, MAX_ID_LENGTH);
    if (type === 'order') {
      const missing = ORDER_FIELDS.find((name) => name !== 'currency' && raw[name] === undefined);
      if (missing) throw new InvalidParameter(`${path}.${missing}`, 'is required on order events');
      const price = raw.price;
      if (typeof price !== 'number' || !Number.isFinite(price) || price < 0 || price > EVENT_LIMITS.maxPrice) throw new InvalidParameter(`${path}.price`, `must be a number from 0 to ${EVENT_LIMITS.maxPrice}`);
      text(raw.orderId, `${path}.orderId`, EVENT_LIMITS.maxOrderIdLength);
      event.order = {
        quantity: integer(raw.quantity, `${path}.quantity`, 1, EVENT_LIMITS.maxQuantity),
        price,
        // Optional, as trackOrder's: the report shows orders without one apart.
        currency: raw.currency === undefined ? undefined : text(raw.currency, `${path}.currency`, 3, CURRENCY_RULE),
      };
    }
    // Checked last, so a malformed event is still a 400 and only a well-formed one of a removed experiment is skipped.
    const variants = deps.placements(placement)?.variants;
    if (!variants || !variants.includes(variant) || (event.team !== undefined && (event.team === 'interleave' || !variants.includes(event.team)))) throw new Unconfigured();
    return event;
  }

  function parseBatch(body: string, now: number): { batchId: string; events: ParsedEvent[]; indexes: number[]; rejected: number } {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new InvalidParameter('body', 'is not valid JSON');
    }
    if (!isRecord(parsed)) throw new InvalidParameter('body', 'must be a JSON object { batchId, events }');
    // JSON.parse keeps the last of two equal keys; a field given twice is refused, not guessed at.
    const repeated = repeatedKey(body);
    if (repeated) throw new InvalidParameter(pathOf(repeated.map(shown)), 'is given more than once');
    for (const name of Object.keys(parsed)) if (name !== 'batchId' && name !== 'events') throw new InvalidParameter(shown(name), 'is not a known field');
    const batchId = text(parsed.batchId, 'batchId', 66, BATCH_RULE);
    const events = parsed.events;
    if (!Array.isArray(events) || events.length === 0) throw new InvalidParameter('events', 'must be a non-empty array');
    if (events.length > maxEvents) throw new ProxyError(413, 'invalid-request', `events: at most ${maxEvents} events per batch`, { parameter: 'events' });
    const kept: ParsedEvent[] = [];
    const indexes: number[] = [];
    for (const [i, event] of events.entries()) {
      try {
        kept.push(parseEvent(event, `events[${i}]`, now));
        indexes.push(i);
      } catch (error) {
        if (!(error instanceof Unconfigured)) throw error;
      }
    }
    return { batchId, events: kept, indexes, rejected: events.length - kept.length };
  }

  /** `indexes`: each event's place in the batch as sent, for the error's path. */
  async function verify(events: ParsedEvent[], indexes: number[]): Promise<void> {
    const verdicts = await Promise.all(
      events.map(({ requestId, placement, variant, team, rank }) => deps.verifyRequestId(requestId, team === undefined ? { placement, variant, rank } : { placement, variant, team, rank })),
    );
    verdicts.forEach((verdict, i) => {
      const parameter = `events[${indexes[i]}].requestId`;
      if (verdict === 'malformed') throw new InvalidParameter(parameter, 'is not a request id of this proxy');
      if (verdict === 'stale') throw new ProxyError(403, 'invalid-request', `${parameter}: is too old`, { parameter });
      if (verdict !== 'ok') throw new ProxyError(403, 'invalid-request', `${parameter}: was not issued for this placement, variant and item`, { parameter });
    });
  }

  return async (request, client) => {
    const now = deps.now();
    const { batchId, events, indexes, rejected } = parseBatch(await readBody(request, maxBodyBytes), now);
    await verify(events, indexes);
    /*
     * One client can pose as many shoppers: cached answers give it request ids for any shopper key
     * (so any variant and bucket), and it can send every event each page view allows. Refusing by
     * volume would also refuse the shoppers behind one office or mobile-carrier address, so nothing
     * is refused; instead each event keeps its client's unit, and the report's variance is computed
     * between client units (report/queries.ts). However much one client sends, it then moves a
     * verdict by about one standard error at most, and an honest shopper's events all count.
     */
    const unit = client === undefined || !deps.clientUnit ? undefined : await deps.clientUnit(client);
    const stored = events.map((event) => ({ ...toStored(event, batchId), client: unit }));
    let counts: { accepted: number; duplicates: number };
    try {
      counts = await deps.store.insertBatch(batchId, stored);
    } catch (error) {
      if (!(error instanceof StoreUnavailable)) throw error;
      throw new ProxyError(503, 'network', 'events cannot be stored right now; send them again later', {
        headers: { 'retry-after': String(EVENTS_RETRY_AFTER_SECONDS), 'cache-control': 'no-store' },
      });
    }
    return new Response(JSON.stringify(rejected ? { ...counts, rejected } : counts), { status: 202, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } });
  };
}

/**
 * One event of each type per rank of a page view: the key is type, request id and rank. A
 * request id is signed with its answer's number of ranks (experiments/token.ts), so however
 * many item ids a script invents under one page view, it adds no more than the page view
 * could show, click or order. For orders that means one line per recommended item and page
 * view: a second order of the same product after one click is not counted again, and no
 * order id is kept, not even as a hash (shop order numbers are few enough to try them all).
 */
function toStored(event: ParsedEvent, batchId: string): StoredEvent {
  const { type, placement, variant, requestId, itemId, rank, team, trackerId, order } = event;
  const unit = splitUnitOf(requestId);
  return {
    eventKey: `${type}:${requestId}:${rank}`,
    batchId,
    type,
    placement,
    variant,
    requestId,
    itemId,
    rank,
    team,
    trackerId,
    quantity: order?.quantity,
    revenue: order ? order.quantity * order.price : undefined,
    currency: order?.currency,
    bucket: unit?.bucket,
    split: unit?.fingerprint,
    // Never before its answer was served: the shopper's clock may be behind, and a script's `at` anything (parseEvent: nor after now).
    occurredAt: new Date(Math.max(event.at, issuedAt(requestId) || 0)),
  };
}
