// expect: Type '"many"' is not assignable
/** @jsxImportSource react */
import type { RecsIntrinsicElements } from 'recs-widget/jsx';

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements extends RecsIntrinsicElements {}
  }
}

export const widget = <recs-carousel transport="proxy" limit="many" />;
