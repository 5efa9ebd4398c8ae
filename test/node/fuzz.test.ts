/**
 * Property-based fuzzing of every normalizer between a vendor's bytes and a card:
 * whatever a vendor or proxy answers, the widget shows only safe items or fails
 * with `invalid-response`. The Snappy generator is derived from Snappy's OpenAPI
 * document, so it produces what the document allows, and then slightly broken
 * variants of it.
 *
 * Reproduce a failure with the seed fast-check prints: FUZZ_SEED=… FUZZ_RUNS=…
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { snappyAdapter } from '../../src/transports/snappy.ts';
import { yespoAdapter } from '../../src/transports/yespo.ts';
import { proxyAdapter } from '../../src/transports/proxy.ts';
import type { VendorAdapter } from '../../src/transports/adapter.ts';
import { cleanItems, cleanResult, type RawItem } from '../../src/model/clean-item.ts';
import { RecsFailure } from '../../src/model/errors.ts';
import type { RecsResult } from '../../src/model/types.ts';

/** A vendor body through its adapter's parser and cleanResult: the whole path from bytes to cards. */
const normalizerOf = (adapter: VendorAdapter<never>) => (body: unknown) => cleanResult(adapter.parseResponse(body, new Headers()), adapter.vendor);
const normalizeSnappyResponse = normalizerOf(snappyAdapter);
const normalizeYespoResponse = normalizerOf(yespoAdapter);
const normalizeProxyResult = normalizerOf(proxyAdapter);

const SEED = Number(process.env.FUZZ_SEED ?? 20260611);
const RUNS = Number(process.env.FUZZ_RUNS ?? 500);
const check = <T>(arbitrary: fc.Arbitrary<T>, property: (value: T) => void) =>
  fc.assert(fc.property(arbitrary, property), { seed: SEED, numRuns: RUNS });

// ---- the Snappy OpenAPI document -------------------------------------------------

/**
 * A reader for the YAML subset the OpenAPI file uses (block mappings, block
 * sequences, quoted and plain scalars, `>-`/`|-` block scalars, `[]`). No YAML
 * package is installed; it throws on anything else rather than misread.
 */
function readYaml(source: string): unknown {
  const lines = source.split('\n').map((raw) => ({ indent: raw.search(/\S/), text: raw.trim() }));
  let at = 0;
  const skipBlank = () => {
    while (at < lines.length && (lines[at]!.indent < 0 || lines[at]!.text.startsWith('#'))) at++;
  };
  const scalar = (text: string): unknown => {
    if (text.startsWith("'")) return text.slice(1, -1).replaceAll("''", "'");
    if (text.startsWith('"')) return JSON.parse(text);
    if (text === '[]') return [];
    if (text === 'true' || text === 'false') return text === 'true';
    if (text === 'null') return null;
    return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
  };
  const value = (rest: string, indent: number): unknown => {
    if (/^[>|][-+]?$/.test(rest)) {
      // A block scalar owns every deeper or blank line (descriptions; their exact text is not needed).
      const parts: string[] = [];
      while (at < lines.length && (lines[at]!.indent < 0 || lines[at]!.indent > indent)) parts.push(lines[at++]!.text);
      return parts.join(' ').trim();
    }
    if (rest !== '') return scalar(rest);
    skipBlank();
    const next = lines[at];
    if (!next || next.indent < indent || (next.indent === indent && !next.text.startsWith('- '))) return null;
    return block(next.indent);
  };
  const block = (indent: number): unknown => {
    skipBlank();
    const here = () => (skipBlank(), at < lines.length && lines[at]!.indent === indent);
    if (lines[at]!.text.startsWith('- ')) {
      const list: unknown[] = [];
      while (here() && lines[at]!.text.startsWith('- ')) {
        const item = lines[at]!.text.slice(2);
        if (/^('[^']*'|[^'"\s][^:]*):(\s|$)/.test(item)) {
          // "- key: value" opens a mapping whose keys sit two columns deeper.
          lines[at] = { indent: indent + 2, text: item };
          list.push(block(indent + 2));
        } else {
          at++;
          list.push(scalar(item));
        }
      }
      return list;
    }
    const map: Record<string, unknown> = {};
    while (here() && !lines[at]!.text.startsWith('- ')) {
      const match = /^('[^']*'|[^:]+):(?:\s+(.*))?$/.exec(lines[at]!.text);
      if (!match) throw new Error(`YAML line ${at + 1} not understood: ${lines[at]!.text}`);
      at++;
      map[scalar(match[1]!) as string] = value(match[2] ?? '', indent);
    }
    if (at < lines.length && lines[at]!.indent > indent) throw new Error(`YAML line ${at + 1}: unexpected indentation`);
    return map;
  };
  const document = block(0);
  skipBlank();
  if (at < lines.length) throw new Error(`YAML line ${at + 1}: not read`);
  return document;
}

interface Schema {
  $ref?: string;
  allOf?: Schema[];
  type?: 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean';
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: Schema;
  items?: Schema;
  enum?: unknown[];
  nullable?: boolean;
  format?: string;
  minimum?: number;
  maximum?: number;
}

/** The document itself: a copy of vendor-docs/snappy-v3-openapi.yaml kept with the fixtures (SNAPPY_OPENAPI overrides). */
const OPENAPI_FILE = process.env.SNAPPY_OPENAPI ?? new URL('../fixtures/snappy/openapi.yaml', import.meta.url);
const openapi = readYaml(readFileSync(OPENAPI_FILE, 'utf8')) as {
  paths: Record<string, { get: { responses: Record<string, { content: Record<string, { schema: Schema }> }> } }>;
  components: { schemas: Record<string, Schema> };
};
/** What GET /v3/products/{productId}/recommendations answers with 200: ProductRecommendationsResponseV3. */
const SNAPPY_RESPONSE = openapi.paths['/v3/products/{productId}/recommendations']!.get.responses['200']!.content['application/json']!.schema;

/**
 * Yespo's documented item ("In the response, each field will be filled") from
 * /work/shared/vendor-docs/yespo-contact-recoms.md, written as a schema by hand
 * (the document has no OpenAPI file); `tags_*` fields are string or string[].
 */
const YESPO_RESPONSE: Schema = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      id: { type: 'string' },
      name: { type: 'string' },
      url: { type: 'string', format: 'uri' },
      price: { type: 'number' },
      descr: { type: 'string' },
      brand: { type: 'string' },
      category: { type: 'array', items: { type: 'string' } },
      isInStock: { type: 'integer', minimum: 0, maximum: 1 },
    },
    required: ['id', 'name', 'url', 'price', 'descr', 'brand', 'category', 'isInStock'],
  },
};

/** The proxy wire format of /work/shared/DESIGN.md ("Proxy wire format"). */
const PROXY_RESPONSE: Schema = {
  type: 'object',
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          title: { type: 'string' },
          url: { type: 'string', format: 'uri' },
          image: { type: 'string', format: 'uri' },
          price: { type: 'object', properties: { amount: { type: 'number' }, currency: { type: 'string' } }, required: ['amount'] },
          brand: { type: 'string' },
          category: { type: 'array', items: { type: 'string' } },
          inStock: { type: 'boolean' },
          score: { type: 'number' },
          group: { type: 'string' },
        },
        required: ['id', 'title'],
      },
    },
    trackerId: { type: 'string' },
  },
  required: ['items'],
};

// ---- values: ordinary, hostile and odd ------------------------------------------

/** Scheme tricks browsers are known to accept: case, leading controls, tabs and newlines inside. */
const sneakyScheme = fc
  .tuple(
    fc.constantFrom('javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:msgbox(1)', 'data:image/svg+xml,<svg onload=alert(1)>', 'blob:https://x.example/1', 'file:///etc/passwd'),
    fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }),
    fc.constantFrom('', ' ', '\t', '\n', '\u0000', '\u0001', '\u001f', '\u00a0', '\ufeff', '\u2028'),
    fc.constantFrom('', '\t', '\n', '\r'),
    fc.nat(9),
  )
  .map(([url, upper, lead, inner, at]) => {
    const cased = [...url].map((char, index) => (upper[index % 10] ? char.toUpperCase() : char)).join('');
    return lead + cased.slice(0, at) + inner + cased.slice(at);
  });

const url = fc.oneof(
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.constantFrom('/p/sku-1', 'p/sku-1', '../p', '?q=1', '#top', '//cdn.example/a.jpg', 'https:cdn.example', 'HTTP://SHOP.EXAMPLE/P', '/\\evil.example', '\\\\evil.example', 'http://[::1]/', 'http://%zz', 'https://', 'mailto:a@b.example', 'about:blank', 'ftp://x.example/y', ' /p/padded '),
  sneakyScheme,
);

const text = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 24 }) },
  { weight: 2, arbitrary: fc.constantFrom('Trail shoe', 'NFL 25-Layer StadiumView Wall Art', '655277e68e0719000d6c3fd5', 'USD', 'eur') },
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.constantFrom('', '   ', '\u0000', '\u202eevil\u202c', '\u2066\u2069', '<img src=x onerror=alert(1)>', '<script>alert(1)</script>', '"><svg onload=alert(1)>', '{{constructor.constructor("alert(1)")()}}', 'NaN', 'Infinity', '1e400', '-0', ' 12 ', '0x1f'),
  fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), fc.integer({ min: 300, max: 2000 })).map(([part, times]) => part.repeat(times)),
  url,
);

const hostileNumber = fc.oneof(
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 1e308, -1e308, Number.MAX_VALUE, Number.MIN_VALUE, 2 ** 53 + 2, -1),
  fc.double(),
  fc.integer(),
);

const ODD_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'toJSON', 'then', 'length', '0', 'id', 'title', 'amount'];
const scalar = fc.oneof(text, hostileNumber, fc.constantFrom(null, undefined, true, false));
/** Nested arrays and objects with keys that trip careless code (toString, __proto__, then). */
const odd: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    scalar,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...ODD_KEYS), fc.string({ maxLength: 6 })), tie('value'), { maxKeys: 4 }),
  ),
})).value;
/** Nesting deeper than a recursive walk survives (JSON.parse builds such values without complaint). */
const deep = fc.tuple(fc.integer({ min: 50, max: 20_000 }), fc.boolean()).map(([depth, arrays]) => {
  let value: unknown = 'bottom';
  for (let level = 0; level < depth; level++) value = arrays ? [value] : { id: level, title: value };
  // fast-check prints counterexamples recursively; this keeps its report (and the seed) readable.
  return Object.assign(value as object, { [fc.toStringMethod]: () => `<${depth} nested ${arrays ? 'arrays' : 'objects'}>` });
});
const hostile = fc.oneof(scalar, odd, deep);

// ---- arbitraries from a schema ---------------------------------------------------

const MISSING = Symbol('missing');
const resolve = (schema: Schema): Schema => {
  if (schema.$ref) return resolve(openapi.components.schemas[schema.$ref.replace('#/components/schemas/', '')]!);
  if (!schema.allOf) return schema;
  const parts = schema.allOf.map(resolve);
  return {
    ...Object.assign({}, ...parts),
    properties: Object.assign({}, ...parts.map((part) => part.properties)),
    required: parts.flatMap((part) => part.required ?? []),
  };
};

/**
 * Values a schema allows (`valid`), or mostly-allowed values where any node may be
 * replaced by a hostile value, required fields may go missing and odd fields appear (`broken`).
 */
function fromSchema(raw: Schema, mode: 'valid' | 'broken'): fc.Arbitrary<unknown> {
  const schema = resolve(raw);
  let arbitrary: fc.Arbitrary<unknown>;
  if (schema.enum) arbitrary = fc.constantFrom(...schema.enum);
  else if (schema.type === 'string') {
    arbitrary = schema.format === 'uri' ? url
      : schema.format === 'date-time' ? fc.integer({ min: 0, max: 4e12 }).map((ms) => new Date(ms).toISOString())
      : text;
  } else if (schema.type === 'number') arbitrary = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.double({ min: 0, max: 10_000, noNaN: true }));
  else if (schema.type === 'integer') arbitrary = fc.integer({ min: schema.minimum ?? -(2 ** 31), max: schema.maximum ?? 2 ** 31 });
  else if (schema.type === 'boolean') arbitrary = fc.boolean();
  else if (schema.type === 'array') arbitrary = fc.array(fromSchema(schema.items!, mode), { maxLength: 4 });
  else if (schema.type === 'object' || schema.properties) {
    const required = new Set(schema.required ?? []);
    const model: Record<string, fc.Arbitrary<unknown>> = {};
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      const value = fromSchema(property, mode);
      // Broken documents sometimes lack a required field.
      model[name] = mode === 'broken' && required.has(name) ? fc.oneof({ weight: 8, arbitrary: value }, fc.constant(MISSING)) : value;
    }
    const extra = schema.additionalProperties ? fromSchema(schema.additionalProperties, mode)
      : mode === 'broken' ? hostile : undefined;
    arbitrary = fc
      .tuple(
        fc.record(model, { requiredKeys: [...required] }),
        extra ? fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(...ODD_KEYS)), extra, { maxKeys: 3 }) : fc.constant({}),
      )
      .map(([known, more]) => {
        const object: Record<string, unknown> = { ...more };
        for (const [key, value] of Object.entries(known)) if (value !== MISSING) object[key] = value;
        return object;
      });
  } else arbitrary = hostile;
  if (schema.nullable) arbitrary = fc.option(arbitrary, { nil: null });
  return mode === 'broken' ? fc.oneof({ weight: 6, arbitrary }, { weight: 1, arbitrary: hostile }) : arbitrary;
}

/** Yespo feeds add tags_* fields (string or string[]) beside the documented ones. */
const withYespoTags = (response: fc.Arbitrary<unknown>, mode: 'valid' | 'broken') =>
  fc.tuple(response, fc.array(fc.dictionary(fc.string({ maxLength: 8 }).map((name) => `tags_${name}`), mode === 'valid' ? fc.oneof(text, fc.array(text, { maxLength: 3 })) : hostile, { maxKeys: 3 })))
    .map(([list, tags]) => (Array.isArray(list) ? list.map((entry, index) => (entry && typeof entry === 'object' ? { ...entry, ...tags[index] } : entry)) : list));

/** Each response twice: as generated (NaN, undefined and all) and as it survives a JSON round trip. */
const asReceived = (value: unknown) => {
  try {
    const json = JSON.stringify(value);
    return json === undefined ? [value] : [value, JSON.parse(json) as unknown];
  } catch {
    return [value]; // too deep for JSON.stringify: only the in-memory form
  }
};

// ---- the properties, judged independently of the code under test ----------------

/**
 * http(s) or relative, as the browser's URL parser would see the string (it drops
 * leading and trailing C0 controls and spaces, and tabs and newlines anywhere).
 * Written without URL or safeUrl on purpose.
 */
function isHttpOrRelative(value: unknown): boolean {
  if (typeof value !== 'string' || value === '') return false;
  const seen = value.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '').replace(/[\t\n\r]/g, '');
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(seen)?.[1]?.toLowerCase();
  return scheme === undefined || scheme === 'http' || scheme === 'https';
}

/** Controls, bidi overrides and lone surrogates (u flag: a surrogate pair is one code point, not in the class). */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ud800-\udfff]/u;
/** A string that still has something to show once controls and spaces are gone. */
const hasPrintable = (value: unknown) => typeof value === 'string' && value.replace(new RegExp(UNPRINTABLE.source, 'gu'), '').trim() !== '';
const isShownText = (value: unknown) => typeof value === 'string' && value.trim() !== '' && value === value.trim() && !UNPRINTABLE.test(value);
/** The longest id an item keeps: a longer one is never cut short (two would become one), the item is dropped. */
const MAX_ID = 200;
/** An id an item can keep: printable, and at most MAX_ID characters once controls and runs of white space are one space. */
const isUsableId = (value: unknown) => hasPrintable(value) && (value as string).replace(new RegExp(UNPRINTABLE.source, 'gu'), ' ').replace(/\s+/g, ' ').trim().length <= MAX_ID;

function assertSafeItems(items: RecsResult['items']): void {
  assert.ok(Array.isArray(items));
  const ids = new Set<string>();
  for (const item of items) {
    assert.ok(isShownText(item.id), `id ${JSON.stringify(item.id)}`);
    assert.ok(item.id.length <= MAX_ID, `id of ${item.id.length} characters`);
    assert.ok(isShownText(item.title), `title ${JSON.stringify(item.title)}`);
    assert.ok(!ids.has(item.id), `duplicate id ${item.id}`);
    ids.add(item.id);
    if (item.url !== undefined) assert.ok(isHttpOrRelative(item.url), `url ${JSON.stringify(item.url)}`);
    if (item.image !== undefined) assert.ok(isHttpOrRelative(item.image), `image ${JSON.stringify(item.image)}`);
    if (item.price !== undefined) {
      assert.equal(typeof item.price.amount, 'number');
      assert.ok(Number.isFinite(item.price.amount), `price ${item.price.amount}`);
      if (item.price.currency !== undefined) assert.match(item.price.currency, /^[A-Z]{3}$/);
    }
    for (const field of ['score', 'rank'] as const) if (item[field] !== undefined) assert.ok(Number.isFinite(item[field]), `${field} ${item[field]}`);
    for (const field of ['brand', 'description', 'group'] as const) if (item[field] !== undefined) assert.ok(isShownText(item[field]), `${field} ${JSON.stringify(item[field])}`);
    for (const entry of item.category ?? []) assert.ok(isShownText(entry), `category ${JSON.stringify(entry)}`);
    for (const entry of Object.values(item.attributes ?? {})) assert.ok(isShownText(entry), `attribute ${JSON.stringify(entry)}`);
  }
}

/** The normalizer's whole contract: safe items, or a RecsFailure `invalid-response`; nothing else escapes. */
function assertSafeOrInvalid(normalize: (body: unknown) => RecsResult, body: unknown): RecsResult | undefined {
  let result: RecsResult;
  try {
    result = normalize(body);
  } catch (error) {
    assert.ok(error instanceof RecsFailure, `threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    assert.equal(error.code, 'invalid-response');
    return undefined;
  }
  assertSafeItems(result.items);
  if (result.trackerId !== undefined) assert.equal(typeof result.trackerId, 'string');
  return result;
}

const normalizers = [
  { name: 'normalizeSnappyResponse', normalize: normalizeSnappyResponse, schema: SNAPPY_RESPONSE, list: (body: any) => body.data, title: 'title' },
  { name: 'normalizeYespoResponse', normalize: normalizeYespoResponse, schema: YESPO_RESPONSE, list: (body: any) => body, title: 'name' },
  { name: 'normalizeProxyResult', normalize: normalizeProxyResult, schema: PROXY_RESPONSE, list: (body: any) => body.items, title: 'title' },
];

describe('fuzzing the normalizers (seed ' + SEED + ', ' + RUNS + ' runs per property)', () => {
  it('reads the Snappy OpenAPI document the generator is built from', () => {
    const product = resolve(openapi.components.schemas.ProductV3!);
    assert.deepEqual(product.required, ['id', 'title', 'createdAt', 'media', 'category', 'catalog', 'type']);
    assert.deepEqual(resolve(product.properties!.catalog!).enum, ['marketplace', 'swag']);
    assert.equal(resolve(product.properties!.brand!).nullable, true);
    assert.deepEqual(resolve(resolve(SNAPPY_RESPONSE).properties!.data!.items!), product);
  });

  for (const { name, normalize, schema, list, title } of normalizers) {
    const generated = (mode: 'valid' | 'broken') => (name === 'normalizeYespoResponse' ? withYespoTags(fromSchema(schema, mode), mode) : fromSchema(schema, mode));

    describe(name, () => {
      it('accepts every response its document allows, keeping usable products', () => {
        check(generated('valid'), (body) => {
          for (const received of asReceived(body)) {
            const entries = list(received) as Record<string, unknown>[];
            const usable = entries.some((entry) => isUsableId(entry.id) && hasPrintable(entry[title]));
            // A documented response is never rejected, unless it has entries and none is usable (the one rule, cleanResult).
            if (!usable && entries.length) {
              assert.equal(assertSafeOrInvalid(normalize, received), undefined, 'an answer with no usable entry must be invalid-response');
              continue;
            }
            const result = normalize(received);
            assertSafeItems(result.items);
            if (usable) assert.ok(result.items.length > 0, 'a usable product was dropped');
          }
        });
      });

      it('turns slightly broken responses into safe items or invalid-response, never anything else', () => {
        check(generated('broken'), (body) => {
          for (const received of asReceived(body)) assertSafeOrInvalid(normalize, received);
        });
      });

      it('survives any value at all as the body', () => {
        check(hostile, (body) => {
          for (const received of asReceived(body)) assertSafeOrInvalid(normalize, received);
        });
      });
    });
  }

  describe('cleanItems', () => {
    const field = fc.oneof(text, hostileNumber, hostile, fc.array(text, { maxLength: 3 }));
    const rawItem = fc.record(
      { id: field, title: field, url: field, image: field, amount: field, currency: field, brand: field, category: field, description: field, inStock: field, score: field, group: field, rank: field, sourceIds: field, attributes: fc.oneof(hostile, fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(...ODD_KEYS)), field, { maxKeys: 4 })) },
      { requiredKeys: [] },
    );

    it('yields only safe items, with unique ids, from any raw fields', () => {
      check(fc.array(rawItem, { maxLength: 8 }), (raws) => {
        for (const received of asReceived(raws)) assertSafeItems(cleanItems(received as RawItem[]));
      });
    });

    it('reads a price given as text only as a plain decimal (no 0x, 0b, 0o or exponent)', () => {
      const amountText = fc.oneof(fc.string({ maxLength: 12 }), fc.stringMatching(/^\s?-?(0[xXbBoO])?[\da-fA-F]{0,4}(\.\d{0,3})?([eE]-?\d)?\s?$/));
      check(amountText, (amount) => {
        const price = cleanItems([{ id: 'a', title: 'A', amount }])[0]?.price;
        const decimal = /^\s*[-+]?(\d+\.?\d*|\.\d+)\s*$/.test(amount);
        // A negative amount is no price; -0 is 0.
        const expected = decimal && Number(amount) >= 0 ? { amount: Number(amount) || 0 } : undefined;
        assert.deepEqual(price, expected, JSON.stringify(amount));
      });
    });
  });

  it('examples that once got through, kept as fixed cases', () => {
    const attack = { id: 'a', title: 'A', url: 'java\tscript:alert(1)', image: ' JAVASCRIPT:alert(1)', price: { amount: '1e400' }, attributes: { size: [{ toString: 1 }, 'M'] } };
    assert.deepEqual(normalizeProxyResult({ items: [attack] }).items, [{ id: 'a', title: 'A', attributes: { size: 'M' } }]);
    // A JSON body can hold {"toString": 1} and nesting deep enough to overflow Array#join.
    let nested: unknown = 'S';
    for (let level = 0; level < 20_000; level++) nested = [nested];
    const yespo = normalizeYespoResponse([{ id: 1, name: 'Sock', tags_size: [{ toString: 1 }, 'M'], tags_fit: nested }]);
    assert.deepEqual(yespo.items[0]?.attributes, { size: 'M' });
    // Ids are never cut short: two long ones sharing their first 200 characters would have become one product.
    const long = 'x'.repeat(MAX_ID);
    const ids = normalizeProxyResult({ items: [{ id: `${long}-A`, title: 'A' }, { id: `${long}-B`, title: 'B' }, { id: long, title: 'C' }] }).items.map((item) => item.id);
    assert.deepEqual(ids, [long]);
    assert.ok(!isHttpOrRelative('\u0001javascript:alert(1)') && !isHttpOrRelative('java\nscript:x') && isHttpOrRelative('/p/1') && isHttpOrRelative('HTTPS://x'));
  });
});
