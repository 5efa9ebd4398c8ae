import type { ReactiveController } from 'lit';
import type { RecsElement } from './recs-element.js';
import type { RecItem } from '../model/types.js';
import { emit } from './events.js';

/** IAB viewability: at least half of the card, for at least one continuous second. */
const VISIBLE_RATIO = 0.5;
const VISIBLE_MS = 1000;
/** How often a card in view is looked at again while its second runs. */
const CHECK_MS = 250;

/**
 * What the page and styles say about a card in view: the tab is in front (a background
 * tab gets no observer updates, only throttled timers), the card is not zero-sized (a
 * zero-width ancestor, `transform: scale(0)`), not under `visibility: hidden` or
 * `opacity: 0`, rendered. Browsers without checkVisibility skip that last check.
 */
const shown = (card: Element): boolean => {
  const { width, height } = card.getBoundingClientRect();
  return !document.hidden && width > 0 && height > 0 && card.checkVisibility?.({ opacityProperty: true, visibilityProperty: true }) !== false;
};

/**
 * Fires the widget's `recs-impression` for each card once, after a shopper could see at
 * least half of it for one continuous second; cards scrolled past, hidden or covered
 * sooner start over. New results (a new items list) may be reported again.
 * In Chromium, IntersectionObserver v2 (`trackVisibility`) also rules out cards painted
 * over by something else, under a filter, a non-translating transform or any opacity
 * below 1; other browsers ignore that option and get the computed checks above,
 * every CHECK_MS while a card is in view. Cleans up on disconnect.
 */
export class ImpressionController implements ReactiveController {
  #observer?: IntersectionObserver;
  /** Cards at least half in view (and visible, where the browser says): since when they have been shown. */
  #since = new Map<Element, number>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #seen = new WeakSet<Element>();
  /** The results whose cards are watched. */
  #items: RecItem[] | undefined;

  /** Made once the widget first shows cards (after that render): watches them at once. */
  constructor(private readonly host: RecsElement) {
    host.addController(this);
    this.hostUpdated();
  }

  /** After each render: the cards of results on screen are watched; new results start over. */
  hostUpdated(): void {
    const { host } = this;
    // Not while loading either: cards a new request keeps on screen (recs-element.ts #load) are no longer counted.
    if (host.state !== 'ready') return this.hostDisconnected();
    if (host.items !== this.#items) {
      this.hostDisconnected();
      this.#seen = new WeakSet();
      this.#items = host.items;
    }
    this.#observer ??= new IntersectionObserver((entries) => this.#onChange(entries), {
      threshold: VISIBLE_RATIO,
      trackVisibility: true,
      delay: 100,
    } as IntersectionObserverInit);
    for (const card of host.renderRoot.querySelectorAll('[part="card"]')) if (!this.#seen.has(card)) this.#observer.observe(card);
  }

  #onChange(entries: IntersectionObserverEntry[]): void {
    for (const entry of entries) {
      // isVisible is undefined where IntersectionObserver v2 is absent: the computed checks decide.
      const inView = entry.isIntersecting && entry.intersectionRatio >= VISIBLE_RATIO && (entry as { isVisible?: boolean }).isVisible !== false;
      if (!inView) this.#since.delete(entry.target);
      else if (!this.#since.has(entry.target)) this.#since.set(entry.target, performance.now());
    }
    this.#check();
  }

  /** A card no longer shown starts its second again; cards shown for a second are reported together. */
  #check = (): void => {
    clearTimeout(this.#timer);
    const now = performance.now();
    const due: Element[] = [];
    let next = CHECK_MS;
    for (const [card, since] of this.#since) {
      if (!shown(card)) this.#since.set(card, now);
      else if (now - since >= VISIBLE_MS) due.push(card);
      else next = Math.min(next, since + VISIBLE_MS - now);
    }
    for (const card of due) {
      this.#since.delete(card);
      this.#seen.add(card);
      this.#observer?.unobserve(card);
    }
    this.#timer = this.#since.size ? setTimeout(this.#check, next) : undefined;
    const { host } = this;
    const items = due.filter((card) => card.isConnected).map((card) => host.items[Number(card.getAttribute('data-rank')) - 1]).filter((item) => item !== undefined);
    if (items.length) emit(host, 'recs-impression', { items, ...host.eventContext() });
  };

  hostDisconnected(): void {
    this.#observer?.disconnect();
    this.#observer = undefined;
    clearTimeout(this.#timer);
    this.#since.clear();
  }
}
