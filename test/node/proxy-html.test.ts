/** Server-rendered placements through the real proxy: the route's HTML branch and the elements' stylesheets. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { call, query, startMeasuredProxy, startTestProxy, type TestProxy } from './harness.js';
import { placementCss } from '../../src/proxy/html-answer.js';

describe('a placement answered as HTML', () => {
  let proxy: TestProxy;
  before(async () => {
    proxy = await startTestProxy({ allowedOrigins: ['https://shop.example'], placements: { pdp: { provider: 'demo' }, open: { provider: 'demo', events: false } } });
  });
  after(() => proxy.close());

  it('renders the element with its cards and the answer, for element= or Accept: text/html', async () => {
    for (const [url, init] of [
      [query(`${proxy.url}/recs/pdp`, { productId: 'sku-01', limit: '3', element: 'recs-list', heading: 'More like this' }), {}],
      [query(`${proxy.url}/recs/pdp`, { productId: 'sku-01', limit: '3' }), { headers: { accept: 'text/html' } }],
    ] as const) {
      const answer = await call(url, init);
      assert.equal(answer.status, 200, answer.text);
      assert.equal(answer.headers.get('content-type'), 'text/html; charset=utf-8');
      assert.match(answer.headers.get('vary') ?? '', /Accept/);
      assert.match(answer.text, /^<recs-list [^>]*state="ready"/);
      assert.match(answer.text, /<template shadowroot(mode)?="open"/);
      assert.equal((answer.text.match(/part="card"/g) ?? []).length, 3);
      assert.match(answer.text, /<script type="application\/json" data-recs>/);
      // HEAD has GET's status and headers (RFC 9110): not a 400 for element=, nor JSON for Accept: text/html.
      const head = await call(url, { ...init, method: 'HEAD' });
      assert.deepEqual([head.status, head.headers.get('content-type'), head.text], [200, 'text/html; charset=utf-8', '']);
    }
  });

  it('keeps the JSON answer for the widget, and refuses what the element cannot be', async () => {
    const json = await call(query(`${proxy.url}/recs/pdp`, { productId: 'sku-01', limit: '3' }), { headers: { accept: 'application/json' } });
    assert.equal(json.body.items.length, 3);
    // The same URL answers HTML or JSON by Accept, so a cache in front must keep them apart.
    assert.match(json.headers.get('vary') ?? '', /Accept/);
    const bad = await call(query(`${proxy.url}/recs/pdp`, { productId: 'sku-01', element: 'script' }));
    assert.deepEqual([bad.status, bad.body.error.parameter], [400, 'element']);
    const personal = await call(query(`${proxy.url}/recs/pdp`, { email: 'a@b.example', element: 'recs-list' }));
    assert.deepEqual([personal.status, personal.body.error.parameter], [400, 'email']);
  });

  it('serves each element stylesheet for strict-CSP pages, and nothing else under /elements', async () => {
    // The HTML links it by a digest of its text: a new release's styles are a new URL, never a browser's cached old file.
    const html = await call(query(`${proxy.url}/recs/pdp`, { productId: 'sku-01', limit: '2', element: 'recs-carousel', css: 'link' }));
    const href = /<link rel="stylesheet" href="([^"]+)"/.exec(html.text)?.[1] ?? '';
    const version = new URL(href).searchParams.get('v');
    const css = await call(href);
    assert.equal(version, createHash('sha256').update(css.text).digest('hex').slice(0, 12));
    assert.equal(css.status, 200);
    assert.match(css.headers.get('content-type')!, /^text\/css/);
    assert.match(css.text, /recs-carousel|:host/);
    assert.equal((await call(`${proxy.url}/elements/..%2Frecs.config.json`)).status, 404);
  });

  it("never builds its own URL from the request's Host: publicUrl, or HTML no shared cache may keep", async () => {
    const path = '/recs/open?productId=sku-01&limit=2&element=recs-list&css=link';
    // Without publicUrl the URLs follow the request (a forged Host, or http behind a TLS terminator), so the
    // HTML is that client's alone; the JSON answer, which holds no URL of the proxy, stays CDN-cacheable.
    const forged = await withHost(`${proxy.url}${path}`, 'evil.example');
    assert.equal(forged.status, 200, forged.text);
    assert.equal(forged.headers['cache-control'], 'private, no-store');
    assert.match(forged.text, /endpoint="http:\/\/evil\.example\/recs\/open"/);
    const json = await call(query(`${proxy.url}/recs/open`, { productId: 'sku-01', limit: '2' }));
    assert.match(json.headers.get('cache-control')!, /^public, /);

    const behind = await startTestProxy({ publicUrl: 'https://shop.example/api', placements: { open: { provider: 'demo', events: false } } });
    try {
      for (const host of ['evil.example', '10.0.0.7:8787']) {
        const answer = await withHost(`${behind.url}${path}`, host);
        assert.equal(answer.status, 200, answer.text);
        assert.match(answer.headers['cache-control'] ?? '', /^public, s-maxage=/);
        assert.match(answer.text, /endpoint="https:\/\/shop\.example\/api\/recs\/open"/);
        assert.match(answer.text, /<link rel="stylesheet" href="https:\/\/shop\.example\/api\/elements\/recs-list\.css\?v=[0-9a-f]{12}"/);
        assert.ok(!answer.text.includes(host.split(':')[0]!), host);
      }
    } finally {
      await behind.close();
    }
  });
});

describe('HTML answers of one cached result', () => {
  it("are the same element each time, with each page view's own request id, and still refuse what they refused", async () => {
    const proxy = await startMeasuredProxy({ placements: { pdp: { provider: 'demo' } } }, { RECS_EVENTS_SECRET: 'test-events-secret-0123456789-abcdef' });
    try {
      const url = (fields: Record<string, string>) => query(`${proxy.url}/recs/pdp`, { productId: 'sku-01', limit: '4', element: 'recs-list', ...fields });
      const views = await Promise.all([1, 2, 3].map(() => call(url({ heading: 'More' }))));
      const dataOf = (text: string) => JSON.parse(/<script type="application\/json" data-recs>([^<]*)</.exec(text)![1]!);
      const withoutData = (text: string) => text.replace(/<script type="application\/json" data-recs>[^<]*<\/script>/, '');
      const requestIds = views.map((view) => dataOf(view.text).requestId);
      assert.equal(new Set(requestIds).size, 3, 'each page view its own request id');
      assert.ok(requestIds.every((id) => typeof id === 'string' && id.length > 20));
      assert.equal(new Set(views.map((view) => withoutData(view.text))).size, 1);
      assert.deepEqual(dataOf(views[0]!.text).items, dataOf(views[1]!.text).items);
      // What the element shows is part of what was rendered: another heading, limit or element is another rendering.
      const other = await call(url({ heading: 'Others', limit: '2' }));
      assert.match(other.text, /heading="Others"/);
      assert.equal((other.text.match(/part="card"/g) ?? []).length, 2);
      assert.match((await call(url({ element: 'recs-carousel' }))).text, /^<recs-carousel /);
      for (let i = 0; i < 2; i += 1) {
        const refused = await call(url({ heading: 'More', slideLabel: 'x'.repeat(2001) }));
        assert.deepEqual([refused.status, refused.body.error.parameter], [400, 'slide-label']);
      }
    } finally {
      await proxy.close();
    }
  });
});

/** A GET with the Host header written by the client (fetch() will not send another host than the URL's). */
function withHost(url: string, host: string): Promise<{ status: number; headers: Record<string, string | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers: { host } }, (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => resolve({ status: response.statusCode!, headers: response.headers as Record<string, string | undefined>, text }));
    });
    request.on('error', reject).end();
  });
}

describe('HTML answers: what the element shows', () => {
  let proxy: TestProxy;
  before(async () => {
    proxy = await startTestProxy({ placements: { pdp: { provider: 'demo', events: false } } });
  });
  after(() => proxy.close());

  it('keeps its row full: `limit` cards after leaving out `exclude` and the page product, as the browser does', async () => {
    const cards = (text: string) => (text.match(/part="card"/g) ?? []).length;
    const top = await call(query(`${proxy.url}/recs/pdp`, { limit: '4' }));
    const excluded = top.body.items[0].id as string;
    const cases: Record<string, string>[] = [{ limit: '4', exclude: excluded }, { limit: '4', exclude: `${excluded},${top.body.items[1].id}`, productId: 'sku-01' }];
    for (const fields of cases) {
      const answer = await call(query(`${proxy.url}/recs/pdp`, { ...fields, element: 'recs-list' }));
      assert.equal(answer.status, 200, answer.text);
      assert.equal(cards(answer.text), 4, `${JSON.stringify(fields)}: ${cards(answer.text)} cards`);
      const shown = JSON.parse(/<script type="application\/json" data-recs>([^<]*)</.exec(answer.text)![1]!).items.map((item: { id: string }) => item.id);
      assert.equal(shown.length, 4);
      assert.ok(!shown.includes(excluded) && !shown.includes('sku-01'), `shown: ${shown}`);
      // The element's own limit is the one asked for, not the vendor's.
      assert.match(answer.text, /^<recs-list [^>]*limit="4"/);
    }
  });

  it('makes each element stylesheet once (GET /elements/<element>.css is public and never limited)', async () => {
    for (const tag of ['recs-list', 'recs-carousel'] as const) assert.equal(placementCss(tag), placementCss(tag));
    const [first, second] = await Promise.all([call(`${proxy.url}/elements/recs-list.css`), call(`${proxy.url}/elements/recs-list.css`)]);
    assert.equal(first.text, second.text);
    assert.equal(first.text, await placementCss('recs-list'));
  });
});

describe('HTML answers and the per-client limit', () => {
  const LIMITS = { perClient: { ratePerSecond: 0.001, burst: 2 } };
  const path = (heading: string) => `/recs/open?${new URLSearchParams({ productId: 'sku-02', limit: '3', element: 'recs-list', heading })}`;

  it('a rendering not kept yet costs a token, so varying the heading or the Host is limited; a kept one costs nothing', async () => {
    const proxy = await startTestProxy({ limits: LIMITS, placements: { open: { provider: 'demo', events: false } } });
    try {
      // Two tokens: the vendor call and the first rendering.
      assert.equal((await call(`${proxy.url}${path('Limited per client')}`)).status, 200);
      for (let i = 0; i < 5; i += 1) assert.equal((await call(`${proxy.url}${path('Limited per client')}`)).status, 200, 'a kept rendering was limited');
      const fresh = await call(`${proxy.url}${path('Limited per client, again')}`);
      assert.deepEqual([fresh.status, fresh.body?.error?.code], [429, 'rate-limited']);
      // Without publicUrl the element's endpoint is built from the Host: another Host, another rendering.
      const host = await withHost(`${proxy.url}${path('Limited per client')}`, 'another.example');
      assert.equal(host.status, 429, host.text);
    } finally {
      await proxy.close();
    }
  });

  it('with publicUrl the Host changes nothing: one rendering for every Host', async () => {
    const proxy = await startTestProxy({ publicUrl: 'https://recs.shop.example', limits: LIMITS, placements: { open: { provider: 'demo', events: false } } });
    try {
      for (const host of ['a.example', 'b.example', 'c.example:8787', 'd.example']) {
        const answer = await withHost(`${proxy.url}${path('One for every Host')}`, host);
        assert.equal(answer.status, 200, `${host}: ${answer.text}`);
        assert.match(answer.text, /endpoint="https:\/\/recs\.shop\.example\/recs\/open"/);
      }
    } finally {
      await proxy.close();
    }
  });
});
