/**
 * The script tag and the npm package on one page (a theme with the script tag and an
 * app that imports `recs-widget`, or two npm copies in micro-frontends). README, JavaScript
 * API: "Two copies of the bundle on one page: the first defines the elements, and the page
 * API of either copy (setContext, registerTransport) reaches them", and the section covers
 * both the script tag and npm. Both entries (src/cdn.ts, src/index.ts) find the page API on
 * the defined class; the npm entry exported its own before, which the script tag's elements
 * never saw. Needs `npm run build` first.
 */
import { expect, fixture, waitUntil } from '@open-wc/testing';
import { uid } from './helpers.js';

const ITEMS = [{ id: 'sku-7', title: 'From the app', url: 'https://shop.example/p/sku-7' }];

describe('the npm page API with elements defined by the script tag', () => {
  before(async () => {
    // The theme's script tag ran first and defined the elements.
    await import(/* @vite-ignore */ new URL('/dist/recs.js', location.href).href);
  });

  it("registerTransport from 'recs-widget' reaches an element the script tag defined", async () => {
    const npm = await import(/* @vite-ignore */ new URL('/dist/index.js', location.href).href);
    const name = `app-${uid()}`;
    npm.registerTransport(name, () => ({ fetch: async () => ({ items: ITEMS }) }));
    const el = await fixture(`<recs-list transport="${name}" lazy="false" timeout="1500"></recs-list>`);
    await waitUntil(() => ['ready', 'error'].includes(el.getAttribute('state') ?? ''), 'never settled', { timeout: 4000 });
    expect(el.getAttribute('state'), (el as unknown as { error?: { message: string } }).error?.message).to.equal('ready');
  });

  it("setContext from 'recs-widget' reaches an element the script tag defined", async () => {
    const npm = await import(/* @vite-ignore */ new URL('/dist/index.js', location.href).href);
    const seen: (string[] | undefined)[] = [];
    const el = await fixture(`<recs-list lazy="false"></recs-list>`) as HTMLElement & { transport: unknown };
    el.transport = { fetch: async (request: { productIds?: string[] }) => (seen.push(request.productIds), { items: ITEMS }) };
    npm.setContext({ productIds: [`ctx-${uid()}`] });
    await waitUntil(() => seen.some((ids) => ids?.[0]?.startsWith('ctx-')), 'the page context set through the npm copy never reached the request', { timeout: 3000 });
  });
});
