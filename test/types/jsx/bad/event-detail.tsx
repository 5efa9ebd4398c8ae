// expect: Property 'nope' does not exist
/** @jsxImportSource react */
import type { RecsIntrinsicElements } from 'recs-widget/jsx';

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements extends RecsIntrinsicElements {}
  }
}

export const widget = <recs-list transport="proxy" onrecs-click={(event) => event.detail.nope} />;
