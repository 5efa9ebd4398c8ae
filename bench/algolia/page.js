// The anchor: the smallest page that shows Algolia Recommend's related products in its
// horizontal slider, as Algolia's recommend-js docs set it up (recommend v4 client,
// relatedProducts, view: horizontalSlider). bench/render-bench.mjs bundles this file
// with esbuild (minified ESM for the browser) into bench/.out/algolia.js and serves it
// with bench/algolia.html.
import recommend from '@algolia/recommend';
import { relatedProducts } from '@algolia/recommend-js';
import { horizontalSlider } from '@algolia/ui-components-horizontal-slider-js';

// Bench only: the client talks to the bench server's stub of POST
// /1/indexes/*/recommendations on the page's own origin instead of Algolia's hosts.
const recommendClient = recommend('BENCHAPPID', 'bench-search-key', {
  hosts: [{ url: location.host, protocol: 'http' }],
});

// Same visible card as <recs-carousel>: image, title, price formatted with Intl (the
// formatter made once, up front, as the widget makes its own while the request flies).
const price = new Intl.NumberFormat('en-IE', { style: 'currency', currency: 'EUR' });

relatedProducts({
  container: '#recs',
  recommendClient,
  indexName: 'products',
  objectIDs: ['sku-0'],
  maxRecommendations: 20,
  view: horizontalSlider,
  itemComponent: ({ item, html }) => html`<a class="card" href=${`/bench/product/${item.objectID}`}>
    <img src=${item.image} alt=${item.name} loading="lazy" />
    <span class="title">${item.name}</span>
    <span class="price">${price.format(item.price)}</span>
  </a>`,
});
