/**
 * The React components, built with @lit/react from whichever React the caller passes, so
 * `recs-widget/react` can bind its own `react` import while tests (and apps that load
 * React as a global) pass theirs. React sets properties and listens to `recs-*` events
 * only through this wrapper; plain `<recs-carousel>` in JSX gets attributes only.
 */
import type * as ReactNamespace from 'react';
import type { LitElement } from 'lit';
import { createComponent, type EventName } from '@lit/react';
import '../define.js';
import { RecsCarousel as RecsCarouselElement } from '../elements/recs-carousel.js';
import { RecsList as RecsListElement } from '../elements/recs-list.js';
import type { RecsEventDetails, RecsEventName } from '../elements/events.js';

/** Members the element sets itself (or derives): read them from a ref, never as props. */
type ElementOwned = 'state' | 'items' | 'error' | 'trackerId' | 'widgetId' | 'resolvedLabels';

/**
 * Every property a page may set, as the React prop of the same name: the attributes'
 * properties (`productId`, `limit`, `addToCart`, ...), the `labels` object and a
 * `transport` object. Derived from the class, so a new property is a prop at once;
 * Lit's and HTMLElement's members and methods are left out.
 */
export type RecsPropsOf<E extends LitElement> = {
  [K in Exclude<keyof E, keyof LitElement | ElementOwned> as E[K] extends (...args: never[]) => unknown ? never : K]?: E[K];
};

/** React event prop -> DOM event; the detail of each is declared in src/elements/events.ts. */
const EVENTS = {
  onRecsLoad: 'recs-load',
  onRecsEmpty: 'recs-empty',
  onRecsError: 'recs-error',
  onRecsClick: 'recs-click',
  onRecsImpression: 'recs-impression',
  onRecsAddToCart: 'recs-add-to-cart',
} as const satisfies Record<string, RecsEventName>;

type Events = typeof EVENTS;
/** `onRecsClick={(event) => event.detail.item}`: each handler gets its event's CustomEvent. */
export type RecsEventProps = { [P in keyof Events]?: (event: CustomEvent<RecsEventDetails[Events[P]]>) => void };


/** React's own props for an element (`id`, `className`, `style`, `slot`, `children`, ...), less the ones the element defines. */
type HostProps<E extends HTMLElement, Own> = Omit<ReactNamespace.HTMLAttributes<E>, keyof Own> & ReactNamespace.RefAttributes<E>;

type ListOwn = RecsPropsOf<RecsListElement> & RecsEventProps;
type CarouselOwn = RecsPropsOf<RecsCarouselElement> & RecsEventProps;
export type RecsListProps = ListOwn & HostProps<RecsListElement, ListOwn>;
export type RecsCarouselProps = CarouselOwn & HostProps<RecsCarouselElement, CarouselOwn>;

export interface RecsComponents {
  RecsCarousel: ReactNamespace.ForwardRefExoticComponent<RecsCarouselProps>;
  RecsList: ReactNamespace.ForwardRefExoticComponent<RecsListProps>;
}

// @lit/react tells properties from attributes by `name in prototype`; Lit creates the
// accessors when a class is finalized, which `define` does in a browser. On a server
// nothing is defined, so finalize here: the props are then left to the client instead
// of being printed as made-up attributes (`productid="…"`).
void RecsCarouselElement.observedAttributes;
void RecsListElement.observedAttributes;

const events = EVENTS as { [P in keyof Events]: EventName<CustomEvent<RecsEventDetails[Events[P]]>> };

/** Builds `RecsCarousel` and `RecsList` for the given React (18 or later). */
export function createRecsComponents(react: typeof ReactNamespace): RecsComponents {
  return {
    RecsCarousel: createComponent({ react, tagName: 'recs-carousel', elementClass: RecsCarouselElement, events, displayName: 'RecsCarousel' }),
    RecsList: createComponent({ react, tagName: 'recs-list', elementClass: RecsListElement, events, displayName: 'RecsList' }),
  } as unknown as RecsComponents;
}
