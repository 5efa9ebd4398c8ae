import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import type { RecsElement } from '../../src/elements/recs-element.js';
import { cacheKey, readCache, writeCache } from '../../src/data/cache.js';
import { registerTransport } from '../../src/transports/registry.js';
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

  it('refuses a fallback attribute with no usable value (limit "abc") instead of sending a broken request', async () => {
    const id = uid();
    const el = await mount({ endpoint: `/stub/proxy/empty/${uid()}`, fallback: JSON.stringify({ transport: 'proxy', endpoint: `/stub/proxy/ok/${id}`, limit: 'abc' }) });
    await waitUntil(() => el.getAttribute('state') === 'error');
    expect(el.error!.code).to.equal('invalid-request');
    expect(el.error!.message).to.contain('"limit"');
    expect(await received(id)).to.have.length(0);
  });
});
