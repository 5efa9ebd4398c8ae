/** @jsxImportSource react */
// A React app: the wrapper (properties and onRecs… handlers typed), and the elements in JSX
// directly through the one-line augmentation docs/frameworks.md shows for React 19.
import { useRef } from 'react';
import { RecsCarousel, RecsList } from 'recs-widget/react';
import type { RecsIntrinsicElements } from 'recs-widget/jsx';
import { setContext, type RecsCarousel as RecsCarouselElement } from 'recs-widget';

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements extends RecsIntrinsicElements {}
  }
}

setContext({ productIds: ['sku-1'] });

export function ProductPage({ productId }: { productId: string }) {
  const carousel = useRef<RecsCarouselElement>(null);
  return (
    <>
      <RecsCarousel
        ref={carousel}
        transport="proxy"
        endpoint="/recs/also-bought"
        productId={productId}
        limit={8}
        lazy={false}
        slidesPerView={4}
        labels={{ next: 'Weiter' }}
        className="recs"
        style={{ marginBlock: 24 }}
        onRecsClick={(event) => {
          event.preventDefault();
          console.log(event.detail.item.title, event.detail.rank, carousel.current?.state);
        }}
        onRecsLoad={(event) => console.log(event.detail.items.length)}
        onRecsError={(event) => console.log(event.detail.error.code)}
        onRecsEmpty={() => {}}
        onRecsImpression={(event) => console.log(event.detail.items)}
        onRecsAddToCart={(event) => console.log(event.detail.item.id)}
      >
        <p slot="empty">Nothing yet</p>
      </RecsCarousel>
      <RecsList transport={{ fetch: async () => ({ items: [] }) }} addToCart />
      <recs-list transport="proxy" product-id={productId} onrecs-click={(event) => console.log(event.detail.rank)} />
    </>
  );
}
