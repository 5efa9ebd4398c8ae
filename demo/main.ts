// The demo page's glue. Cards link to /products/<id> (the catalog's URLs, which Vite's
// SPA fallback answers with this page) or ?product=<id> (the product-url template):
// either way, show that product and recommendations for it.
import { setContext } from '../src/cdn.js';
import catalog from './catalog.json';

const productId = new URLSearchParams(location.search).get('product') ?? /^\/products\/([\w-]+)\/?$/.exec(location.pathname)?.[1];
const product = catalog.items.find((item) => item.id === productId);
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
