import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** IAB viewability: at least half of the card, for at least one second. */
const VISIBLE_RATIO = 0.5;
const VISIBLE_MS = 1000;

/**
 * Reports each card once, after it has been at least half visible for a second;
 * cards scrolled past sooner are never reported. Cleans up on disconnect.
 */
export class ImpressionController implements ReactiveController {
  #observer?: IntersectionObserver;
  #timers = new Map<Element, ReturnType<typeof setTimeout>>();
  #seen = new WeakSet<Element>();

  constructor(
    host: ReactiveControllerHost,
    private readonly report: (cards: Element[]) => void,
  ) {
    host.addController(this);
  }

  /** Watches the cards now rendered (call after each render that shows results). */
  observe(cards: Iterable<Element>): void {
    this.#observer ??= new IntersectionObserver((entries) => this.#onChange(entries), { threshold: VISIBLE_RATIO });
    for (const card of cards) if (!this.#seen.has(card)) this.#observer.observe(card);
  }

  #onChange(entries: IntersectionObserverEntry[]): void {
    for (const { target, isIntersecting, intersectionRatio } of entries) {
      if (isIntersecting && intersectionRatio >= VISIBLE_RATIO) {
        if (!this.#timers.has(target)) this.#timers.set(target, setTimeout(() => this.#count(target), VISIBLE_MS));
      } else {
        clearTimeout(this.#timers.get(target));
        this.#timers.delete(target);
      }
    }
  }

  #count(card: Element): void {
    this.#timers.delete(card);
    this.#seen.add(card);
    this.#observer?.unobserve(card);
    if (card.isConnected) this.report([card]);
  }

  /** New results: every card may be reported again. */
  reset(): void {
    this.hostDisconnected();
    this.#seen = new WeakSet();
  }

  hostDisconnected(): void {
    this.#observer?.disconnect();
    this.#observer = undefined;
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }
}
