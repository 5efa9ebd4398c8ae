/** Server-rendered placements through the real proxy: the route's HTML branch and the elements' stylesheets. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { call, query, startTestProxy, type TestProxy } from './harness.js';

describe('a placement answered as HTML', () => {
  let proxy: TestProxy;
  before(async () => {
    proxy = await startTestProxy({ allowedOrigins: ['https://shop.example'], placements: { pdp: { provider: 'demo' } } });
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
    const css = await call(`${proxy.url}/elements/recs-carousel.css`);
    assert.equal(css.status, 200);
    assert.match(css.headers.get('content-type')!, /^text\/css/);
    assert.match(css.text, /recs-carousel|:host/);
    assert.equal((await call(`${proxy.url}/elements/..%2Frecs.config.json`)).status, 404);
  });
});
