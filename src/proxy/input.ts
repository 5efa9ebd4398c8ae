/**
 * The widget's request as the proxy receives it (see `proxyFields()` in
 * src/transports/proxy.ts): string fields in a GET query, or the same fields as a JSON
 * body in a POST. Every field is checked here, before any vendor is called; a bad one
 * is a 400 that names it. The fields are the field table's (src/model/fields.ts); this
 * file holds one rule per field, and the compiler insists on each.
 */
import * as z from 'zod/mini';
import type { CartLine, RecsRequest } from '../model/types.js';
import { FIELD_ENTRIES, PERSONAL_FIELDS, wireNameOf, type RequestField, type WireField } from '../model/fields.js';
import { InvalidParameter } from './errors.js';
import { repeatedKey } from './repeated-key.js';

// ---- field rules -----------------------------------------------------------------

const ID = String.raw`[A-Za-z0-9_.:/+@-]{1,128}`;
const PRODUCT_ID = new RegExp(`^${ID}$`);
/** Identifiers are opaque to us: any printable text without spaces. */
const IDENTIFIER = /^[^\p{C}\s]{1,128}$/u;
const CATEGORY = String.raw`[^,\p{C}]{1,128}`;
const MAX_CART_LINES = 50;

const matching = (pattern: RegExp, hint: string) => z.string(hint).check(z.regex(pattern, hint));
const commaList = (item: string, max: number, hint: string) =>
  z.pipe(
    matching(new RegExp(`^${item}(?:,${item}){0,${max - 1}}$`, 'u'), hint),
    z.transform((value) => value.split(',')),
  );
const decimal = (hint: string) =>
  z.pipe(
    matching(/^\d{1,9}(?:\.\d{1,4})?$/, hint),
    z.transform((value) => Number(value)),
  );

function isLocale(value: string): boolean {
  try {
    return value.length <= 35 && Intl.getCanonicalLocales(value).length === 1;
  } catch {
    return false;
  }
}

const cartHint = `must be product ids with optional quantities, such as sku-1:2,sku-2 (at most ${MAX_CART_LINES})`;
const cart = z.pipe(
  z.string(cartHint),
  z.transform((value, context): CartLine[] => {
    const entries = value.split(',');
    const lines = entries.flatMap((entry): CartLine[] => {
      const [, id = '', quantity] = /^(.+?)(?::(\d{1,5}))?$/.exec(entry) ?? [];
      if (!PRODUCT_ID.test(id) || quantity === '0' || /^0\d/.test(quantity ?? '')) return [];
      return [quantity ? { id, quantity: Number(quantity) } : { id }];
    });
    if (lines.length !== entries.length || lines.length > MAX_CART_LINES) context.issues.push({ code: 'custom', message: cartHint, input: value });
    return lines;
  }),
);

const identifier = matching(IDENTIFIER, 'must be 1 to 128 printable characters without spaces');
const price = decimal('must be a price of 0 or more, such as 10 or 9.99');
const countryCode = matching(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code, such as US');

/** One rule per field the widget sends, by field name. */
const RULES: Record<WireField, z.ZodMiniType> = {
  productIds: commaList(ID, 50, 'must be product ids separated by commas (letters, digits and _ . : / + @ -, at most 50)'),
  limit: z.pipe(
    matching(/^(?:100|[1-9]?\d)$/, 'must be a whole number from 0 to 100'),
    z.transform((value) => Number(value)),
  ),
  customerId: identifier,
  webId: identifier,
  contactId: matching(/^\d{1,19}$/, 'must be a numeric contact id'),
  email: z.email('must be an email address').check(z.maxLength(254, 'must be an email address')),
  phone: matching(/^\+?\d[\d ().-]{3,30}$/, 'must be a phone number, such as +15550100'),
  externalCustomerId: identifier,
  sourceId: matching(/^\d{1,18}$/, 'must be a numeric data source id'),
  location: countryCode,
  collectionId: matching(/^[A-Za-z0-9_-]{1,64}$/, 'must be a collection id (letters, digits, - and _)'),
  priceMin: price,
  priceMax: price,
  include: commaList('(?:brand|tags)', 2, 'must be brand, tags or brand,tags'),
  category: commaList(CATEGORY, 20, 'must be categories separated by commas (at most 20)'),
  context: matching(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be a context name, such as GENERIC'),
  country: matching(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code, such as JP'),
  language: matching(/^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8}){0,3}$/, 'must be a language code, such as EN or MULT'),
  // Formatting hints: one Intl cannot use is left out, never refused. The widget sends the attribute as written and
  // formats with the browser's locale or the vendor's currency instead (README, Attributes), so a shop platform's
  // `en_US` (WooCommerce's and Magento's form) must not cost it its cards; the answer then has no price text.
  locale: z.catch(z.optional(z.string().check(z.refine(isLocale))), undefined),
  currency: z.catch(z.optional(matching(/^[A-Za-z]{3}$/, '')), undefined),
  cart,
  // Random, so not personal: it may travel in a GET query.
  shopper: matching(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8 to 64 letters, digits, - or _'),
};

/** Wire name -> request field, for the fields the widget sends. */
const FIELD_BY_WIRE_NAME = new Map(FIELD_ENTRIES.filter(([, spec]) => spec.wire !== 0).map(([field]) => [wireNameOf(field), field as WireField]));

/** Every field optional, anything not listed refused. */
const WidgetFields = z
  .strictObject(Object.fromEntries([...FIELD_BY_WIRE_NAME].map(([wire, field]) => [wire, z.optional(RULES[field])])))
  .check(
    z.refine((fields) => {
      const { priceMin, priceMax } = fields as { priceMin?: number; priceMax?: number };
      return priceMin === undefined || priceMax === undefined || priceMin <= priceMax;
    }, {
      message: 'must not be more than priceMax',
      path: ['priceMin'],
    }),
  );

/** The widget's default number of cards, used when it sends no limit. */
const DEFAULT_LIMIT = 10;

/** Validated widget fields as the canonical RecsRequest, for the provider named `transport`. */
export function parseWidgetFields(fields: Record<string, unknown>, transport: string): RecsRequest {
  const result = WidgetFields.safeParse(fields);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    if (issue.code === 'unrecognized_keys') throw new InvalidParameter(issue.keys[0] ?? '', 'is not a parameter the proxy accepts');
    throw new InvalidParameter(String(issue.path[0] ?? ''), issue.message);
  }
  const request: Record<string, unknown> = { transport, limit: DEFAULT_LIMIT };
  for (const [wire, value] of Object.entries(result.data)) if (value !== undefined) request[FIELD_BY_WIRE_NAME.get(wire)!] = value;
  return request as RecsRequest;
}

/** Personal identifiers by wire name: they travel in a POST body only, never in a URL or an access log. */
const PERSONAL_WIRE_NAMES = new Set(PERSONAL_FIELDS.map((field: RequestField) => wireNameOf(field)));

/** A GET query as fields; a parameter given twice, or a personal one, is refused rather than guessed at. */
export function fieldsFromQuery(params: URLSearchParams): Record<string, string> {
  // No prototype: `__proto__=x` must be an own (and so unknown) field, not a silent no-op.
  const fields: Record<string, string> = Object.create(null);
  for (const [name, value] of params) {
    if (Object.hasOwn(fields, name)) throw new InvalidParameter(name, 'is given more than once');
    if (PERSONAL_WIRE_NAMES.has(name)) throw new InvalidParameter(name, 'is a personal identifier: send it in the JSON body of a POST, never in a URL');
    fields[name] = value;
  }
  return fields;
}

/**
 * The query string of a request URL, without `?` or a fragment. Parsing the whole URL cost a
 * cache hit more than everything else it does; URLSearchParams reads this text the same way.
 */
export function queryOf(url: string): string {
  const hash = url.indexOf('#');
  const path = hash < 0 ? url : url.slice(0, hash);
  const start = path.indexOf('?');
  return start < 0 ? '' : path.slice(start + 1);
}

/** How many parsed queries are remembered (a page's widgets ask the same few again and again), and the longest. */
const MAX_PARSED_QUERIES = 1000;
const MAX_REMEMBERED_QUERY = 2048;
const parsedQueries = new Map<string, RecsRequest>();

/**
 * A GET query (queryOf) as the canonical RecsRequest: fieldsFromQuery, then
 * parseWidgetFields. The result depends on the query text and the provider alone, so a
 * query seen before is not checked again: the remembered request is the same answer, frozen
 * since every request with that query shares it. Refused queries are not remembered (each
 * is checked and refused again, with the same error); the memory is emptied when full, and
 * holds at most MAX_PARSED_QUERIES × MAX_REMEMBERED_QUERY characters.
 */
export function parseQuery(query: string, transport: string): RecsRequest {
  const key = `${transport}\n${query}`;
  let request = parsedQueries.get(key);
  if (request === undefined) {
    request = deepFreeze(parseWidgetFields(fieldsFromQuery(new URLSearchParams(query)), transport));
    if (query.length > MAX_REMEMBERED_QUERY) return request;
    if (parsedQueries.size >= MAX_PARSED_QUERIES) parsedQueries.clear();
    parsedQueries.set(key, request);
  }
  return request;
}

/** The request parseQuery made of this query before, if it still remembers it; never checks one itself. */
export function rememberedQuery(query: string, transport: string): RecsRequest | undefined {
  return parsedQueries.get(`${transport}\n${query}`);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** A POST body as fields: a JSON object whose values the field rules then check. */
export async function fieldsFromBody(request: Request): Promise<Record<string, unknown>> {
  const type = request.headers.get('content-type') ?? '';
  if (!/^application\/json\s*(?:;|$)/i.test(type)) throw new InvalidParameter('body', 'must be sent as application/json');
  let text: string;
  let body: unknown;
  try {
    text = await request.text();
    body = JSON.parse(text);
  } catch {
    throw new InvalidParameter('body', 'is not valid JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InvalidParameter('body', 'must be a JSON object of string fields');
  // Like a repeated query parameter, a repeated body field is refused rather than guessed at.
  const repeated = repeatedKey(text);
  if (repeated) throw new InvalidParameter(repeated[0]!, 'is given more than once');
  return body as Record<string, unknown>;
}
