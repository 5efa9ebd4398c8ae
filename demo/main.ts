// The demo page's glue. Cards link to /products/<id> (the catalog's URLs, which Vite's
// SPA fallback answers with this page) or ?product=<id> (the product-url template):
// either way, show that product and recommendations for it.
import { setContext, trackOrder } from '../src/cdn.js';
import catalog from './catalog.json';

const productId = new URLSearchParams(location.search).get('product') ?? /^\/products\/([\w-]+)\/?$/.exec(location.pathname)?.[1];
const product = catalog.items.find((item) => item.id === productId);
// `?consent=ask`: the page as a merchant under GDPR runs it: nothing is stored or sent until the shopper agrees.
if (new URLSearchParams(location.search).get('consent') === 'ask') {
  setContext({ requireConsent: true });
  const banner = document.querySelector<HTMLElement>('#consent')!;
  banner.hidden = false;
  banner.addEventListener('click', (event) => {
    const answer = (event.target as HTMLElement).closest<HTMLElement>('[data-consent]')?.dataset.consent;
    if (!answer) return;
    setContext({ consent: { analytics: answer === 'yes' } });
    banner.hidden = true;
  });
}

// The page tells every widget which product it shows, so none recommends it back.
setContext({ productIds: [product?.id ?? 'sku-01'] });
if (product) {
  document.querySelector('recs-carousel')?.setAttribute('product-id', product.id);
  const fields: Record<string, string> = {
    title: product.title,
    brand: product.brand,
    category: product.category[0] ?? '',
    price: new Intl.NumberFormat('en-IE', { style: 'currency', currency: product.price.currency }).format(product.price.amount),
    stock: product.inStock ? 'In stock, ships in 1–2 days' : 'Out of stock',
  };
  for (const element of document.querySelectorAll<HTMLElement>('[data-field]')) element.textContent = fields[element.dataset.field ?? ''] ?? '';
  document.querySelector('[data-field="stock"]')?.classList.toggle('out', !product.inStock);
  document.querySelector<HTMLImageElement>('#product-image')?.setAttribute('src', product.image);
  document.title = `${product.title} · Fernhill Outdoor & Home`;
}

// Light/dark: the page's colours use light-dark(), so one property switches them all.
document.querySelector('#scheme-toggle')?.addEventListener('click', () => {
  const root = document.documentElement.style;
  const dark = (root.colorScheme || (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light')) === 'dark';
  root.colorScheme = dark ? 'light' : 'dark';
});

// A demo bag: the list's add-to-cart buttons fill it, and placing the order reports it.
const bag = new Map<string, { id: string; quantity: number; price: number; title: string }>();
const bagLines = document.querySelector('#bag-lines')!;
const placeOrder = document.querySelector<HTMLButtonElement>('#place-order')!;
document.addEventListener('recs-add-to-cart', (event) => {
  const { item } = (event as HTMLElementEventMap['recs-add-to-cart']).detail;
  const line = bag.get(item.id) ?? { id: item.id, quantity: 0, price: item.price?.amount ?? 0, title: item.title };
  line.quantity++;
  bag.set(item.id, line);
  bagLines.textContent = [...bag.values()].map((entry) => `${entry.quantity} × ${entry.title}`).join(', ');
  placeOrder.disabled = false;
});
placeOrder.addEventListener('click', () => {
  trackOrder({ orderId: `DEMO-${Date.now()}`, currency: 'EUR', lines: [...bag.values()].map(({ id, quantity, price }) => ({ id, quantity, price })) });
  bag.clear();
  bagLines.textContent = 'Thank you! Your order is reported to the experiment report.';
  placeOrder.disabled = true;
});
