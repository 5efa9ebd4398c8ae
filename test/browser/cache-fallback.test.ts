import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import type { RecsElement } from '../../src/elements/recs-element.js';
import { cacheKey, readCache, writeCache } from '../../src/data/cache.js';
import { registerTransport } from '../../src/transports/registry.js';
import { fallbackRequest } from '../../src/data/fallback.js';
import type { RecsRequest } from '../../src/model/types.js';
import { uid, received } from './helpers.js';
import '../../src/define.js';

const mount = async (attributes: Record<string, string>) => {
  const el = document.createElement('recs-list') as RecsElement;
  for (const [name, value] of Object.entries({ transport: 'proxy', lazy: 'false', ...attributes })) el.setAttribute(name, value);
  return fixture<RecsElement>(el);
};
const ready = (el: Element) => waitUntil(() => el.getAttribute('state') === 'ready', 'never ready', { timeout: 5000 });
const titles = (el: Element) => [...el.shadowRoot!.querySelectorAll('[part="title"]')].map((node) => node.textContent);

describe('session cache (cache-ttl)', () => {
  beforeEach(() => sessionStorage.clear());

  it('makes no request within the TTL, across page views of one visit', async () => {
    const id = uid();
    const first = await mount({ endpoint: `/stub/proxy/ok/${id}`, 'cache-ttl': '60' });
    await ready(first);
    first.remove();
    const second = await mount({ endpoint: `/stub/proxy/ok/${id}`, 'cache-ttl': '60' });
    await ready(second);
    expect(titles(second)).to.have.length(4);
    expect(await received(id)).to.have.length(1);
  });

  it('shows stale cards at once after the TTL, then revalidates', async () => {
    const id = uid();
    const endpoint = `/stub/proxy/fast-other/${id}`;
    const el = document.createElement('recs-list') as RecsElement;
    Object.assign(el, { transport: 'proxy', endpoint, lazy: false, cacheTtl: 60 });
    const key = cacheKey(JSON.stringify([el.buildRequest(), undefined]));
    writeCache(key, { items: [{ id: 'stale', title: 'Stale answer' }], source: 'primary', transport: 'proxy' } as never, Date.now() - 120_000);
    const loads: string[] = [];
    el.addEventListener('recs-load', (event) => loads.push(event.detail.items[0]!.title));
    await fixture(el);
    await waitUntil(() => loads.length === 2, 'expected a stale then a fresh recs-load');
    expect(loads).to.deep.equal(['Stale answer', 'New answer']);
    expect(titles(el)).to.deep.equal(['New answer']);
    expect(readCache(key, 60)!.fresh).to.equal(true);
  });

  it('keeps the stale cards when revalidation fails', async () => {
    const el = document.createElement('recs-list') as RecsElement;
    Object.assign(el, { transport: 'proxy', endpoint: `/stub/proxy/404/${uid()}`, lazy: false, cacheTtl: 1 });
    writeCache(cacheKey(JSON.stringify([el.buildRequest(), undefined])), { items: [{ id: 's', title: 'Kept' }] }, Date.now() - 5000);
    let errors = 0;
    el.addEventListener('recs-error', () => errors++);
    await fixture(el);
    await ready(el);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(titles(el)).to.deep.equal(['Kept']);
    expect(el.getAttribute('state')).to.equal('ready');
    expect(errors).to.equal(0);
  });

  it('a widget taken off the page right after it connects leaves no request running (the cache chunk was still loading)', async () => {
    const name = uid('silent');
    const signals: AbortSignal[] = [];
    registerTransport(name, () => ({ fetch: (_request, { signal }) => (signals.push(signal), new Promise(() => {})) }));
    const wrapper = await fixture<HTMLDivElement>(html`<div></div>`);
    const el = document.createElement('recs-list') as RecsElement;
    for (const [attribute, value] of Object.entries({ transport: name, lazy: 'false', 'cache-ttl': '60' })) el.setAttribute(attribute, value);
    wrapper.append(el);
    await new Promise((resolve) => setTimeout(resolve)); // the request has started, its cache chunk is on its way
    el.remove();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(signals.filter((signal) => !signal.aborted), 'requests still running').to.have.length(0);
  });

  it('cleans what it reads back: a script URL written into session storage never reaches a card', async () => {
    const el = document.createElement('recs-list') as RecsElement;
    Object.assign(el, { transport: 'proxy', endpoint: `/stub/proxy/ok/${uid()}`, lazy: false, cacheTtl: 60 });
    const items = [{ id: 'x', title: ' Poisoned\u202e title ', url: 'javascript:alert(1)', image: 'data:image/svg+xml,<svg onload=alert(1)>' }];
    writeCache(cacheKey(JSON.stringify([el.buildRequest(), undefined])), { items } as never);
    await fixture(el);
    await ready(el);
    const card = el.shadowRoot!.querySelector('[part="card"]')!;
    expect(titles(el)).to.deep.equal(['Poisoned title']);
    expect(card.querySelector('a')!.hasAttribute('href')).to.equal(false);
    expect(card.querySelector('img')!.hasAttribute('src')).to.equal(false);
  });

  it('keys entries by the shopper, and stores no identifier in clear', async () => {
    const id = uid();
    const a = await mount({ endpoint: `/stub/proxy/ok/${id}`, 'cache-ttl': '60', email: 'ann@example.com' });
    await ready(a);
    const b = await mount({ endpoint: `/stub/proxy/ok/${id}`, 'cache-ttl': '60', email: 'bob@example.com' });
    await ready(b);
    expect(await received(id)).to.have.length(2);
    const stored = Object.keys(sessionStorage).join() + Object.values(sessionStorage).join();
    expect(stored).not.to.contain('ann@example.com');
  });

  it('degrades to memory when storage is full or disabled', async () => {
    const setItem = Storage.prototype.setItem;
    Storage.prototype.setItem = () => {
      throw new DOMException('full', 'QuotaExceededError');
    };
    try {
      const id = uid();
      const first = await mount({ endpoint: `/stub/proxy/ok/${id}`, 'cache-ttl': '60' });
      await ready(first);
      const second = await mount({ endpoint: `/stub/proxy/ok/${id}`, 'cache-ttl': '60' });
      await ready(second);
      expect(await received(id)).to.have.length(1);
    } finally {
      Storage.prototype.setItem = setItem;
    }
  });
});

describe('fallback chain', () => {
  it('uses the fallback route when the first source errors, and says so in recs-load', async () => {
    const id = uid();
    const el = document.createElement('recs-list') as RecsElement;
    Object.assign(el, { transport: 'proxy', endpoint: `/stub/proxy/404/${uid()}`, fallback: `/stub/proxy/ok/${id}`, lazy: false });
    const loaded = oneEvent(el, 'recs-load');
    await fixture(el);
    const event = await loaded;
    expect(event.detail.source).to.equal('fallback');
    expect(event.detail.transport).to.equal('proxy');
    expect(titles(el)).to.have.length(4);
  });

  it('uses the fallback when the first source comes back empty', async () => {
    const el = await mount({ endpoint: `/stub/proxy/empty/${uid()}`, fallback: JSON.stringify({ transport: 'proxy', endpoint: `/stub/proxy/fast-other/${uid()}` }) });
    await ready(el);
    expect(titles(el)).to.deep.equal(['New answer']);
  });

  it('reports primary as the source when the first source serves', async () => {
    const el = document.createElement('recs-list') as RecsElement;
    Object.assign(el, { transport: 'proxy', endpoint: `/stub/proxy/ok/${uid()}`, fallback: `/stub/proxy/fast-other/${uid()}`, lazy: false });
    const loaded = oneEvent(el, 'recs-load');
    await fixture(el);
    expect((await loaded).detail.source).to.equal('primary');
  });

  it('shows the error state when both fail, and a clear error for a malformed fallback once it is needed', async () => {
    const both = await mount({ endpoint: `/stub/proxy/404/${uid()}`, fallback: `/stub/proxy/400/${uid()}` });
    await waitUntil(() => both.getAttribute('state') === 'error');
    expect(both.error!.code).to.equal('invalid-request');
    const malformed = await mount({ endpoint: `/stub/proxy/404/${uid()}`, fallback: '{not json' });
    await waitUntil(() => malformed.getAttribute('state') === 'error');
    expect(malformed.error!.message).to.contain('fallback');
  });

  describe("a fallback on another transport does not inherit the primary's endpoint and api-key", () => {
    it("the README's example (proxy route, then Yespo) sends Yespo's request to Yespo, not to the proxy route", async () => {
      const sent: string[] = [];
      const original = window.fetch;
      // No network in tests: Yespo's real host answers an empty list here.
      window.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
        const url = String(input);
        if (!url.includes('/api/v2/contacts/recoms/')) return original(input, init);
        sent.push(url);
        return new Response('[]', { headers: { 'content-type': 'application/json' } });
      }) as typeof fetch;
      try {
        const el = await mount({ endpoint: `/stub/proxy/404/${uid()}`, 'web-id': 'web-42', fallback: '{"transport":"yespo","source-id":"1244"}' });
        await waitUntil(() => el.getAttribute('state') === 'empty', 'never empty', { timeout: 5000 });
        expect(sent.map((url) => new URL(url, location.href).origin)).to.deep.equal(['https://yespo.io']);
      } finally {
        window.fetch = original;
      }
    });

    it("a Snappy key is never sent to the Yespo fallback as its Basic credentials", async () => {
      const id = uid('yespo');
      const el = await mount({
        transport: 'snappy', endpoint: `/stub/snappy/${uid()}`, 'api-key': 'SNAPPY-KEY', 'product-id': 'missing00000', location: 'US', 'web-id': 'web-42',
        fallback: JSON.stringify({ transport: 'yespo', endpoint: `/stub/yespo/${id}`, 'source-id': '1244' }),
      });
      await ready(el);
      const [sent] = await received(id);
      expect(sent!.headers.authorization).to.equal(undefined);
    });

    it('keeps what the fallback sets, and both settings when the transport stays the same', () => {
      const primary: RecsRequest = { transport: 'snappy', endpoint: 'https://api.snappy.com/public-api', apiKey: 'SNAPPY-KEY', productIds: ['655277e68e0719000d6c3fd5'], webId: 'w-1', limit: 10 };
      const yespo = fallbackRequest(primary, '{"transport":"yespo","source-id":"1244"}');
      expect([yespo.endpoint, yespo.apiKey, yespo.webId, yespo.sourceId]).to.deep.equal([undefined, undefined, 'w-1', '1244']);
      const own = fallbackRequest(primary, '{"transport":"yespo","endpoint":"https://yespo.io","api-key":"YESPO-KEY"}');
      expect([own.endpoint, own.apiKey]).to.deep.equal(['https://yespo.io', 'YESPO-KEY']);
      expect(fallbackRequest(primary, '{"collection-id":"c-1"}')).to.deep.include({ endpoint: primary.endpoint, apiKey: 'SNAPPY-KEY' });
      const route = fallbackRequest(primary, '/recs/bestsellers');
      expect([route.transport, route.endpoint, route.apiKey]).to.deep.equal(['proxy', '/recs/bestsellers', undefined]);
    });
  });

  it('refuses a fallback attribute with no usable value (limit "abc") instead of sending a broken request', async () => {
    const id = uid();
    const el = await mount({ endpoint: `/stub/proxy/empty/${uid()}`, fallback: JSON.stringify({ transport: 'proxy', endpoint: `/stub/proxy/ok/${id}`, limit: 'abc' }) });
    await waitUntil(() => el.getAttribute('state') === 'error');
    expect(el.error!.code).to.equal('invalid-request');
    expect(el.error!.message).to.contain('"limit"');
    expect(await received(id)).to.have.length(0);
  });
});
