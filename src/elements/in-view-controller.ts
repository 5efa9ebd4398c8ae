import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Which cards are at least half in view inside a scrolling track (carousel slides), by
 * rank. After each update it watches the cards then rendered, re-rendering the host
 * when the set changes; it lets go of them when the host leaves the page.
 */
export class InViewController implements ReactiveController {
  /** Ranks of the cards at least half in view. */
  inView = new Set<number>();
  #observer: IntersectionObserver | undefined;
  #watched: Element[] = [];

  constructor(
    private readonly host: ReactiveControllerHost,
    /** The track and its cards as rendered now (none before the first render). */
    private readonly find: () => { root: Element | null; cards: Element[] },
  ) {
    host.addController(this);
  }

  hostUpdated(): void {
    const { root, cards } = this.find();
    if (cards.length === this.#watched.length && cards.every((card, index) => card === this.#watched[index])) return;
    this.hostDisconnected();
    this.#watched = cards;
    if (!root || !cards.length) return;
    this.#observer = new IntersectionObserver(
      (entries) => {
        const next = new Set(this.inView);
        for (const entry of entries) {
          const rank = Number(entry.target.getAttribute('data-rank'));
          if (entry.intersectionRatio >= 0.5) next.add(rank);
          else next.delete(rank);
        }
        this.inView = next;
        this.host.requestUpdate();
      },
      { root, threshold: 0.5 },
    );
    for (const card of cards) this.#observer.observe(card);
  }

  hostDisconnected(): void {
    this.#observer?.disconnect();
    this.#observer = undefined;
    this.#watched = [];
  }
}
