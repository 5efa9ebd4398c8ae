// Mounts and removes widgets in every phase of their life, for test/node/hygiene.test.ts.
import { registerTransport } from '/dist/recs.js';

const productsFor = (request) =>
  Array.from({ length: request.limit }, (_, index) => ({
    id: `${request.productIds?.[0] ?? 'p'}-${index}`,
    title: `Product ${index}`,
    url: `/p/${index}`,
    price: { amount: 10 + index, currency: 'EUR' },
  }));

// Answers at once.
registerTransport('instant', () => ({ fetch: async (request) => ({ items: productsFor(request) }) }));
// Answers after a while unless aborted first, cleaning up its own timer, as a transport should.
registerTransport('slow', () => ({
  fetch: (request, { signal }) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => resolve({ items: productsFor(request) }), 500);
      signal.addEventListener('abort', () => reject(signal.reason, clearTimeout(timer)), { once: true });
    }),
}));

const stage = document.getElementById('stage');
const removed = [];
const seen = { impressions: 0, removedLoading: 0, removedReady: 0, removedUnrendered: 0, notReady: [] };
document.addEventListener('recs-impression', () => seen.impressions++);

/** Resolves when the widget rendered its result; a widget that never does is counted, not waited for. */
const settled = (element) =>
  new Promise((resolve) => {
    // Cleared when done: a pending timer would keep this closure, and the element, alive.
    const timer = setTimeout(() => resolve('stuck'), 3000);
    const done = () => resolve(element.getAttribute('state'), clearTimeout(timer));
    element.addEventListener('recs-load', done, { once: true });
    element.addEventListener('recs-empty', done, { once: true });
    element.addEventListener('recs-error', done, { once: true });
  }).then((state) => {
    if (state !== 'ready') seen.notReady.push(state);
  });

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One batch: widgets of both kinds, some lazy, sharing some requests; a quarter removed
 * before they render, a quarter while loading, a quarter as soon as they are ready and
 * a quarter after their impressions were reported.
 */
async function batch(size, offset) {
  const kept = [];
  const waits = [];
  for (let index = offset; index < offset + size; index++) {
    const element = document.createElement(index % 2 ? 'recs-carousel' : 'recs-list');
    const phase = index % 4;
    element.setAttribute('transport', phase === 1 ? 'slow' : 'instant');
    element.setAttribute('product-id', `sku${index % 25}`);
    element.setAttribute('limit', '4');
    // Some wait for the viewport (an IntersectionObserver each); only ones removed before loading, as
    // widgets prepended later push them out of view.
    if (phase > 1 || index % 3) element.setAttribute('lazy', 'false');
    stage.prepend(element); // newest on top, in view, so impression timers start
    removed.push({ ref: new WeakRef(element), label: `${element.localName} phase ${phase}${element.hasAttribute('lazy') ? '' : ' lazy'} batch ${offset}` });
    if (phase === 0) {
      element.remove();
      seen.removedUnrendered++;
    } else if (phase === 1) {
      waits.push(element.updateComplete.then(() => {
        if (element.getAttribute('state') === 'loading') seen.removedLoading++;
        element.remove();
      }));
    } else {
      waits.push(settled(element).then(() => {
        if (phase === 2) element.remove(), seen.removedReady++;
        else kept.push(element);
      }));
    }
  }
  await Promise.all(waits);
  await pause(1200); // the kept ones report impressions
  for (const element of kept) element.remove(), seen.removedReady++;
}

window.hygiene = {
  async cycle(total, size = 100) {
    for (let offset = 0; offset < total; offset += size) await batch(Math.min(size, total - offset), offset);
    await pause(50);
    return { ...seen, mounted: total };
  },
  /** Removed widgets that are still reachable, by kind and phase. */
  alive: () => removed.filter(({ ref }) => ref.deref() !== undefined).map(({ label }) => label),
  forget: () => {
    removed.length = 0;
    Object.assign(seen, { impressions: 0, removedLoading: 0, removedReady: 0, removedUnrendered: 0, notReady: [] });
  },
  ready: true,
};
