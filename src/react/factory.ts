/**
 * The React components, built with @lit/react from whichever React the caller passes, so
 * `recs-widget/react` can bind its own `react` import while tests (and apps that load
 * React as a global) pass theirs. React sets properties and listens to `recs-*` events
 * only through this wrapper; plain `<recs-carousel>` in JSX gets attributes only.
 */
import type * as ReactNamespace from 'react';
import { defaultConverter, type ComplexAttributeConverter, type LitElement } from 'lit';
import { createComponent, type EventName } from '@lit/react';
import '../define.js';
import { RecsCarousel as RecsCarouselElement } from '../elements/recs-carousel.js';
import { RecsList as RecsListElement } from '../elements/recs-list.js';
import type { RecsEventDetails, RecsEventName } from '../elements/events.js';
import type { RecsElement } from '../elements/recs-element.js';

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

/** The prop that carries a render's attributes past @lit/react to the element (`withAttributes` below). */
const ATTRIBUTES = 'recsAttributes';

/**
 * Each attribute a page may write (the reflected `state` is the element's), with how the element would write a value,
 * and the property's value when the attribute is absent (`lazy` and `events`: true; null or undefined when unset).
 */
const attributesOf = (element: typeof LitElement) =>
  [...element.elementProperties].flatMap(([property, options]) => {
    if (typeof options.attribute != 'string' || options.reflect) return [];
    const own = options.converter as ComplexAttributeConverter | undefined;
    const toAttribute = own?.toAttribute ?? defaultConverter.toAttribute!;
    const absent = (own?.fromAttribute ?? defaultConverter.fromAttribute!)(null, options.type);
    return [{ property: String(property), attribute: options.attribute, toAttribute: (value: unknown) => toAttribute(value, options.type), absent }];
  });

/** The `onRecs…` prop for each event. */
const HANDLERS = Object.fromEntries(Object.entries(EVENTS).map(([prop, event]) => [event, prop])) as Record<RecsEventName, keyof Events>;

/**
 * The last `recs-load`, `recs-empty` or `recs-error` of each element no wrapper has taken yet. Server-rendered HTML
 * (renderToString, Next.js) upgrades and fetches as soon as this module defines the elements, and its answer can come
 * before hydration attaches the `onRecs…` handlers; the wrapper hands it to them when it takes the element.
 */
const announced = new WeakMap<Element, { event: CustomEvent; items: unknown[] }>();
const taken = new WeakSet<Element>();
if (typeof document != 'undefined') {
  for (const type of ['recs-load', 'recs-empty', 'recs-error']) {
    document.addEventListener(type, (event) => {
      const target = event.target as RecsElement;
      if (!taken.has(target)) announced.set(target, { event: event as CustomEvent, items: target.items });
    }, true);
  }
}

/**
 * @lit/react sets properties only, in a layout effect, and on a server not at all: the server's HTML and the page
 * until the element's first render had none of the configuration, and dist/recs.css (which reads `limit`, `heading`,
 * `add-to-cart`, `slides-per-view`) reserved the space of ten cards without a heading. So every string, number or
 * boolean prop that is an attribute is written as one too, as the element would write it (`addToCart`: `add-to-cart=""`
 * or none, `lazy={false}`: `lazy="false"`), and still set as a property. On a server they are host props (through
 * @lit/react in one prop that `reactWithAttributes` takes out again: @lit/react keeps every prop named like a property
 * for itself). In a browser a layout effect writes them as well, before the element's first render and the first
 * paint, since React 19 sets a host prop named like a property (`limit`) as the property.
 *
 * A prop that is undefined or null, or no longer given, is as if its attribute were absent: @lit/react would set the
 * property to undefined, which turned `lazy` off (fetch at once) and `events` off (no first-party events).
 */
function withAttributes(react: typeof ReactNamespace, element: typeof LitElement, Inner: ReactNamespace.ElementType, displayName: string) {
  const attributes = attributesOf(element);
  // useLayoutEffect warns on a React 18 server; neither runs there.
  const useClientEffect = typeof document == 'undefined' ? react.useEffect : react.useLayoutEffect;
  const Outer = react.forwardRef<HTMLElement, Record<string, unknown>>((props, ref) => {
    /** The props the element was last given, as set (`absent` values in), with the handlers. */
    const given = react.useRef<Record<string, unknown>>({});
    const own: Record<string, unknown> = { ...props };
    const written: Record<string, string> = {};
    for (const { property, attribute, toAttribute, absent } of attributes) {
      const value = props[property];
      if (value == null && absent != null && (property in props || property in given.current)) own[property] = absent;
      // A transport object as the element names it (`custom`, registered by no one): server HTML without it upgraded to the
      // missing-transport error until hydration set the object; with it the element waits, skeletons up, for the object.
      if (property == 'transport' && value && typeof value == 'object') written[attribute] = 'custom';
      if (typeof value != 'string' && typeof value != 'number' && typeof value != 'boolean') continue;
      const text = toAttribute(value);
      if (text != null) written[attribute] = String(text);
    }
    const node = react.useRef<HTMLElement | null>(null);
    const last = react.useRef<Record<string, string>>({});
    useClientEffect(() => {
      const host = node.current as (HTMLElement & Record<string, unknown>) | null;
      if (!host) return;
      for (const { property, attribute } of attributes) {
        if (written[attribute] !== undefined) {
          if (host.getAttribute(attribute) !== written[attribute]) {
            host.setAttribute(attribute, written[attribute]);
            // The attribute just set the property to its text (`custom`): the transport object wins again, in the same update.
            if (typeof own[property] == 'object') host[property] = own[property];
          }
        } else if (attribute in last.current && host.hasAttribute(attribute)) {
          host.removeAttribute(attribute);
          // The element reads a removed attribute as unset: the prop (a transport object, or nothing) wins again.
          host[property] = own[property];
        }
      }
      last.current = written;
      given.current = own;
    });
    // Taking the element: what it announced before (hydrating) goes to the handler, once the props just set have had
    // their update, if it is still what the element shows (the same items, not loading anew for other props).
    useClientEffect(() => {
      const host = node.current as RecsElement | null;
      if (!host || taken.has(host)) return;
      taken.add(host);
      const missed = announced.get(host);
      announced.delete(host);
      if (!missed) return;
      void host.updateComplete.then(() => {
        if (host.items !== missed.items || host.state === 'loading') return;
        (given.current[HANDLERS[missed.event.type as RecsEventName]] as ((event: CustomEvent) => void) | undefined)?.(missed.event);
      });
    }, []);
    const setNode = react.useCallback((element: HTMLElement | null) => {
      node.current = element;
      if (typeof ref == 'function') ref(element);
      else if (ref) ref.current = element;
    }, [ref]);
    return react.createElement(Inner, { ...own, [ATTRIBUTES]: written, ref: setNode });
  });
  Outer.displayName = displayName;
  return Outer;
}

/** The React @lit/react renders with: the host element gets the attributes `withAttributes` passed as its props. */
const reactWithAttributes = (react: typeof ReactNamespace): typeof ReactNamespace => ({
  ...react,
  // The package inlines @lit/react's browser build, whose layout effects React 18 warns about on a server (twice per element).
  useLayoutEffect: typeof document == 'undefined' ? react.useEffect : react.useLayoutEffect,
  createElement: ((type: string, props: Record<string, unknown> | null, ...children: ReactNamespace.ReactNode[]) => {
    if (!props || !(ATTRIBUTES in props)) return react.createElement(type, props, ...children);
    const { [ATTRIBUTES]: written, ...rest } = props;
    return react.createElement(type, { ...rest, ...(written as object) }, ...children);
  }) as typeof ReactNamespace.createElement,
});

/** Builds `RecsCarousel` and `RecsList` for the given React (18 or later). */
export function createRecsComponents(react: typeof ReactNamespace): RecsComponents {
  const lit = reactWithAttributes(react);
  return {
    RecsCarousel: withAttributes(react, RecsCarouselElement, createComponent({ react: lit, tagName: 'recs-carousel', elementClass: RecsCarouselElement, events }), 'RecsCarousel'),
    RecsList: withAttributes(react, RecsListElement, createComponent({ react: lit, tagName: 'recs-list', elementClass: RecsListElement, events }), 'RecsList'),
  } as unknown as RecsComponents;
}
