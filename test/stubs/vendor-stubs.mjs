// Loopback vendor stubs for the browser tests, served by web-test-runner's own
// HTTP server under /stub/. Each speaks its vendor's documented wire format and
// records what it received, so tests can assert the real request on the wire.
//
//   /stub/snappy/<uid>/v3/products/<productId>/recommendations   Snappy v3
//   /stub/yespo/<uid>/api/v2/contacts/recoms/<dataSourceId>      Yespo
//   /stub/proxy/<scenario>/<uid>                                 a merchant proxy route (endless*: past 2 MB)
//   /stub/redirect/<uid>/<status>/<path>                          a redirect to /stub/<path> on the other origin
//   /stub/log/<uid>                                              what <uid> received
import { readFileSync } from 'node:fs';
import { constants, createGzip } from 'node:zlib';
import { json as sendJson, readBody } from './stub-http.mjs';

const fixture = (path) => readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8');
const received = new Map();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function record(uid, ctx, body) {
  const list = received.get(uid) ?? [];
  list.push({ method: ctx.method, url: ctx.url, headers: ctx.headers, body });
  received.set(uid, list);
  return list.length;
}

/** Every vendor stub answer allows any origin: the widgets call them cross-origin. */
const json = (ctx, status, body, headers = {}) => sendJson(ctx, status, body, { 'access-control-allow-origin': '*', ...headers });

/**
 * ProductV3's optional fields as the document says they come: `brand` and `tags` only when `include` names them,
 * `priceRange` only when `fields` includes it (a parameter the recommendations endpoint does not document).
 */
function asRequested(body, url) {
  const include = url.searchParams.get('include')?.split(',') ?? [];
  const fields = url.searchParams.get('fields')?.split(',') ?? [];
  const keep = (name) => (name === 'priceRange' ? fields.includes(name) : include.includes(name));
  const data = body.data.map((product) => Object.fromEntries(Object.entries(product).filter(([name]) => !['brand', 'tags', 'priceRange'].includes(name) || keep(name))));
  return { data };
}

function snappy(ctx, uid, productId) {
  const url = new URL(ctx.url, 'http://stub');
  const answer = (path) => json(ctx, 200, asRequested(JSON.parse(fixture(path)), url));
  if (productId === 'missing00000') return json(ctx, 404, fixture('snappy/product-not-found.json'));
  if (url.searchParams.get('collectionId') === 'nosuchcollection') return json(ctx, 422, fixture('snappy/collection-not-found.json'));
  if (productId === 'malformed000') return json(ctx, 200, '{"data": [');
  if (productId === 'badschema000') return json(ctx, 200, { products: [] });
  if (productId === 'unusable0000') return answer('snappy/with-unusable-items.json');
  if (productId === 'norelated000') return json(ctx, 200, { data: [] });
  return answer('snappy/related-products.json');
}

/**
 * An answer past the 2 MB a browser reads that never ends: a body streamed until the browser hangs up (gzipped: the
 * browser inflates 64 KB per few bytes). The log entry says how much was written (before gzip) and whether the browser hung up.
 */
function endless(ctx, entry, { gzip = false }) {
  ctx.respond = false;
  ctx.res.writeHead(200, {
    'content-type': 'application/json',
    'access-control-allow-origin': '*',
    ...(gzip && { 'content-encoding': 'gzip' }),
  });
  const out = gzip ? createGzip({ flush: constants.Z_SYNC_FLUSH }) : ctx.res;
  if (gzip) out.pipe(ctx.res);
  const item = Buffer.from(`{"id":"x","title":"${'x'.repeat(65_000)}"},`);
  out.write('{"items":[');
  entry.written = 0;
  // Paced, and only while the socket takes it: a browser that reads on gets ~13 MB a second, for ever.
  const timer = setInterval(() => out.writableNeedDrain || (out.write(item), (entry.written += item.length)), 5);
  ctx.res.on('close', () => {
    clearInterval(timer);
    if (gzip) out.destroy();
    entry.hungUp = true;
  });
}

async function proxy(ctx, scenario, attempt, entry) {
  switch (scenario) {
    case 'ok': return json(ctx, 200, fixture('proxy/items.json'));
    case 'hostile': return json(ctx, 200, fixture('proxy/hostile.json'));
    // Prices with the text the proxy writes (src/proxy/price-text.ts), and texts no page may show as they are.
    case 'price-text': return json(ctx, 200, fixture('proxy/price-text.json'));
    case 'price-text-hostile': return json(ctx, 200, fixture('proxy/price-text-hostile.json'));
    case 'empty': return json(ctx, 200, { items: [] });
    case 'no-url': return json(ctx, 200, { items: [{ id: 'a b/1', title: 'Needs a template' }] });
    case 'slow': await sleep(1500); return json(ctx, 200, fixture('proxy/items.json'));
    case 'slow-other': await sleep(800); return json(ctx, 200, { items: [{ id: 'old', title: 'Old answer' }] });
    case 'fast-other': return json(ctx, 200, { items: [{ id: 'new', title: 'New answer' }] });
    case 'hang': await sleep(5000); return json(ctx, 200, fixture('proxy/items.json'));
    case '429-then-ok': return attempt === 1 ? json(ctx, 429, { error: { code: 'rate-limited', message: 'slow down' } }, { 'retry-after': '1' }) : json(ctx, 200, fixture('proxy/items.json'));
    case '429-absurd': return attempt === 1 ? json(ctx, 429, {}, { 'retry-after': '86400' }) : json(ctx, 200, fixture('proxy/items.json'));
    case '503-then-ok': return attempt === 1 ? json(ctx, 503, 'Service Unavailable') : json(ctx, 200, fixture('proxy/items.json'));
    case 'always-503': return json(ctx, 503, 'Service Unavailable');
    case '404': return json(ctx, 404, { error: { code: 'not-found', message: 'Unknown placement "nope"' } });
    case '400': return json(ctx, 400, { error: { code: 'invalid-request', message: 'limit must be a number' } });
    case 'malformed': return json(ctx, 200, '{"items": [ {"id": ');
    case 'no-items': return json(ctx, 200, { products: [] });
    // Added for the storefront tests (test/browser/storefront.test.ts).
    case 'five': return json(ctx, 200, { items: [1, 2, 3, 4, 5].map((n) => ({ id: `five-${n}`, title: `Product ${n}` })) });
    // 2.6 MB: past the 2 MB a browser reads (src/data/http.ts).
    case 'huge': return json(ctx, 200, { items: Array.from({ length: 20_000 }, (_, n) => ({ id: `sku-${n}`, title: `Product ${n} ${'x'.repeat(100)}` })) });
    case 'endless': return endless(ctx, entry, {});
    case 'endless-gzip': return endless(ctx, entry, { gzip: true });
    case 'ok-then-500': return attempt === 1 ? json(ctx, 200, fixture('proxy/items.json')) : json(ctx, 500, { error: { code: 'internal', message: 'down' } });
    default: return json(ctx, 500, { error: 'unknown scenario' });
  }
}

export function vendorStubs() {
  return async (ctx, next) => {
    const parts = ctx.path.split('/').filter(Boolean);
    if (parts[0] !== 'stub') return next();
    if (ctx.method === 'OPTIONS') {
      ctx.status = 204;
      ctx.set('access-control-allow-origin', '*');
      ctx.set('access-control-allow-headers', '*');
      ctx.set('access-control-allow-methods', 'GET, POST');
      return;
    }
    const [, kind, a, b] = parts;
    if (kind === 'log') return json(ctx, 200, received.get(a) ?? []);
    const body = ctx.method === 'POST' ? await readBody(ctx) : undefined;
    if (kind === 'snappy') {
      record(a, ctx, body);
      return snappy(ctx, a, parts[5]);
    }
    if (kind === 'yespo') {
      record(a, ctx, body);
      return json(ctx, 200, fixture('yespo/contact-recoms.json'));
    }
    if (kind === 'proxy') {
      const attempt = record(b, ctx, body);
      return proxy(ctx, a, attempt, received.get(b)[attempt - 1]);
    }
    if (kind === 'redirect') {
      // localhost and 127.0.0.1 are one server but two origins: what follows the redirect lands in this uid's log with
      // its host, so a test sees whether the key, the body or the identifier reached the other origin.
      record(a, ctx, body);
      const [host, port] = ctx.host.split(':');
      const other = host === '127.0.0.1' ? 'localhost' : '127.0.0.1';
      ctx.status = Number(b);
      ctx.set('access-control-allow-origin', '*');
      ctx.set('location', `http://${other}:${port}/stub/${parts.slice(4).join('/')}${ctx.querystring ? `?${ctx.querystring}` : ''}`);
      return;
    }
    return next();
  };
}
