/**
 * The script-tag bundle as a merchant uses it: dist/recs.js (built by `npm run build`,
 * which `npm test` runs first), loaded twice on one page, with a vendor chunk on demand.
 */
import { expect, fixture, waitUntil } from '@open-wc/testing';
import { uid } from './helpers.js';

// The runner page defines process.env for source modules; a storefront has no such global.
delete (window as { process?: unknown }).process;

const errors: unknown[] = [];
window.addEventListener('error', (event) => errors.push(event.error ?? event.message));
window.addEventListener('unhandledrejection', (event) => errors.push(event.reason));

const bundleUrl = new URL('/dist/recs.js', location.href).href;

describe('dist/recs.js', () => {
  it('defines both elements and can be loaded twice without an exception', async () => {
    await import(/* @vite-ignore */ bundleUrl);
    await import(/* @vite-ignore */ `${bundleUrl}?again`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(customElements.get('recs-carousel')).to.be.a('function');
    expect(customElements.get('recs-list')).to.be.a('function');
    expect(errors).to.deep.equal([]);
  });

  it('exports setContext and registerTransport, and adds no globals', async () => {
    const before = new Set(Object.keys(window));
    const module = await import(/* @vite-ignore */ bundleUrl);
    expect(Object.keys(module).sort()).to.include.members(['registerTransport', 'setContext']);
    const added = Object.keys(window).filter((key) => !before.has(key));
    expect(added).to.deep.equal([]);
  });

  it('renders proxy cards with the bundled Lit', async () => {
    await import(/* @vite-ignore */ bundleUrl);
    const el = await fixture(`<recs-list transport="proxy" endpoint="/stub/proxy/ok/${uid()}" lazy="false"></recs-list>`);
    await waitUntil(() => el.getAttribute('state') === 'ready', 'never ready', { timeout: 5000 });
    expect(el.shadowRoot!.querySelectorAll('[part="card"]')).to.have.length(4);
  });

  it('loads the Snappy transport chunk on first use and renders its products', async () => {
    await import(/* @vite-ignore */ bundleUrl);
    const el = await fixture(`<recs-carousel transport="snappy" endpoint="/stub/snappy/${uid()}" product-id="655277e68e0719000d6c3fd5" location="US" product-url="/products/{id}" lazy="false"></recs-carousel>`);
    await waitUntil(() => el.getAttribute('state') === 'ready', 'never ready', { timeout: 5000 });
    const loaded = performance.getEntriesByType('resource').map((entry) => new URL(entry.name).pathname);
    expect(loaded).to.include('/dist/transports/snappy.js');
    const link = el.shadowRoot!.querySelector('[part="link"]')!;
    expect(link.getAttribute('href')).to.equal('/products/655277e68e0719000d6c3fd6');
  });

  it('loads the Yespo transport chunk on first use and renders its products', async () => {
    await import(/* @vite-ignore */ bundleUrl);
    const el = await fixture(`<recs-list transport="yespo" endpoint="/stub/yespo/${uid()}" source-id="1244" web-id="w-1" lazy="false"></recs-list>`);
    await waitUntil(() => el.getAttribute('state') === 'ready', 'never ready', { timeout: 5000 });
    expect(el.shadowRoot!.querySelectorAll('[part="card"]')).to.have.length(3);
  });
});
