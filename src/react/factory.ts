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

/** Each attribute a page may write (the reflected `state` is the element's), with how the element would write a value. */
const attributesOf = (element: typeof LitElement) =>
  [...element.elementProperties].flatMap(([property, options]) => {
    if (typeof options.attribute != 'string' || options.reflect) return [];
    const converter = (options.converter as ComplexAttributeConverter | undefined)?.toAttribute ? (options.converter as ComplexAttributeConverter) : defaultConverter;
    return [{ property: String(property), attribute: options.attribute, toAttribute: (value: unknown) => converter.toAttribute!(value, options.type) }];
  });

/**
 * @lit/react sets properties only, in a layout effect, and on a server not at all: the server's HTML and the page
 * until the element's first render had none of the configuration, and dist/recs.css (which reads `limit`, `heading`,
 * `add-to-cart`, `slides-per-view`) reserved the space of ten cards without a heading. So every string, number or
 * boolean prop that is an attribute is written as one too, as the element would write it (`addToCart`: `add-to-cart=""`
 * or none, `lazy={false}`: `lazy="false"`), and still set as a property. On a server they are host props (through
 * @lit/react in one prop that `reactWithAttributes` takes out again: @lit/react keeps every prop named like a property
 * for itself). In a browser a layout effect writes them as well, before the element's first render and the first
 * paint, since React 19 sets a host prop named like a property (`limit`) as the property.
 */
function withAttributes(react: typeof ReactNamespace, element: typeof LitElement, Inner: ReactNamespace.ElementType, displayName: string) {
  const attributes = attributesOf(element);
  // useLayoutEffect warns on a React 18 server; neither runs there.
  const useClientEffect = typeof document == 'undefined' ? react.useEffect : react.useLayoutEffect;
  const Outer = react.forwardRef<HTMLElement, Record<string, unknown>>((props, ref) => {
    const written: Record<string, string> = {};
    for (const { property, attribute, toAttribute } of attributes) {
      const value = props[property];
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
          if (host.getAttribute(attribute) !== written[attribute]) host.setAttribute(attribute, written[attribute]);
        } else if (attribute in last.current && host.hasAttribute(attribute)) {
          host.removeAttribute(attribute);
          // The element reads a removed attribute as unset: the prop (a transport object, or nothing) wins again.
          host[property] = props[property];
        }
      }
      last.current = written;
    });
    const setNode = react.useCallback((element: HTMLElement | null) => {
      node.current = element;
      if (typeof ref == 'function') ref(element);
      else if (ref) ref.current = element;
    }, [ref]);
    return react.createElement(Inner, { ...props, [ATTRIBUTES]: written, ref: setNode });
  });
  Outer.displayName = displayName;
  return Outer;
}

/** The React @lit/react renders with: the host element gets the attributes `withAttributes` passed as its props. */
const reactWithAttributes = (react: typeof ReactNamespace): typeof ReactNamespace => ({
  ...react,
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
