import type { ReactiveController } from 'lit';
import type { RecsElement } from './recs-element.js';

/**
 * The carousel once it has cards (part of the chunk loaded then, src/elements/shown.ts):
 * its track measured, whether it rests at its start or its end and which cards are at
 * least half in view (by rank), and what follows from that: Previous and Next disabled
 * at the ends, only the cards in view in the tab order, paging, arrow keys, Home and End.
 * It measures after each render (once laid out), on scroll and whenever the track changes
 * size (a resize, a tab panel shown); the host re-renders when something changed.
 */
export class TrackController implements ReactiveController {
  atStart = true;
  atEnd = true;
  inView = new Set<number>();
  #track: Element | null = null;
  #resize = new ResizeObserver(() => this.measure());
  #last = '';
  /** The Previous or Next button that had focus before a render, so focus survives it being disabled. */
  #focusedNav: Element | null | undefined;
  /** The items the track shows. */
  #items: unknown;

  constructor(private readonly host: RecsElement) {
    host.addController(this);
    // The cards are on screen already: the next update finds the track.
    host.requestUpdate();
  }

  #cards(): HTMLElement[] {
    return [...this.host.renderRoot.querySelectorAll<HTMLElement>('.track > [part="card"]')];
  }

  /** 1 in left-to-right layouts, -1 in right-to-left ones. */
  #forward(): number {
    return this.host.matches(':dir(rtl)') ? -1 : 1;
  }

  hostUpdate(): void {
    this.#focusedNav = this.host.shadowRoot?.activeElement?.closest('.nav');
  }

  hostUpdated(): void {
    const root = this.host.renderRoot;
    // At the end, Next is disabled: its focus moves to the other button instead of the page (APG carousel).
    if ((this.#focusedNav as HTMLButtonElement | null)?.disabled) root.querySelector<HTMLElement>('.nav:not(:disabled)')?.focus();
    // Only the cards in view are in the tab order, whatever their markup (built in or a designer's template).
    for (const card of this.#cards()) {
      for (const stop of card.querySelectorAll<HTMLElement>('a, button, input, select, textarea')) {
        if (this.inView.has(Number(card.dataset.rank))) stop.removeAttribute('tabindex');
        else stop.tabIndex = -1;
      }
    }
    // Lit may still render a host that has left the page; nothing is watched for it then.
    const track = this.host.isConnected ? root.querySelector('.track') : null;
    if (track !== this.#track) {
      this.hostDisconnected();
      if (track) this.#resize.observe(track);
      this.#track = track;
    }
    // New results (a carousel kept for another product, as an SPA does) start at their first card, at once.
    if (this.#items && this.#items !== this.host.items) track?.scrollTo({ left: 0, behavior: 'instant' });
    this.#items = this.host.items;
    // After layout, outside the update.
    if (track) requestAnimationFrame(this.measure);
  }

  measure = (): void => {
    const track = this.#track;
    if (!track) return;
    // scrollLeft runs negative in right-to-left layouts; the distance from the start is what counts.
    const scrolled = Math.abs(track.scrollLeft);
    const box = track.getBoundingClientRect();
    this.inView = new Set();
    for (const card of track.querySelectorAll('[data-rank]')) {
      const { left, right, width } = card.getBoundingClientRect();
      if (width && (Math.min(right, box.right) - Math.max(left, box.left)) * 2 >= width) this.inView.add(Number(card.getAttribute('data-rank')));
    }
    this.atStart = scrolled <= 1;
    this.atEnd = scrolled + track.clientWidth >= track.scrollWidth - 1;
    const now = `${this.atStart}${this.atEnd}${[...this.inView]}`;
    if (now !== this.#last) this.host.requestUpdate();
    this.#last = now;
  };

  /** Scrolls by one view of cards, in reading direction. */
  page(direction: 1 | -1): void {
    const track = this.#track;
    track?.scrollBy({ left: direction * this.#forward() * track.clientWidth });
  }

  /** Arrow keys move to the neighbouring card (mirrored right to left), Home and End to the ends. */
  keydown = (event: KeyboardEvent): void => {
    // With a modifier the keys are the browser's and the page's (Alt+Left is Back, Shift+End selects).
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const cards = this.#cards();
    const current = Math.max(cards.findIndex((card) => card.contains(this.host.shadowRoot!.activeElement)), 0);
    const forward = this.#forward();
    const next = { Home: 0, End: cards.length - 1, ArrowRight: current + forward, ArrowLeft: current - forward }[event.key];
    const card = next === undefined ? undefined : cards[Math.min(Math.max(next, 0), cards.length - 1)];
    if (!card) return;
    event.preventDefault();
    card.scrollIntoView({ block: 'nearest', inline: 'start' });
    // A card without a URL has no link to focus: the card itself (tabindex=-1) takes focus.
    (card.querySelector<HTMLElement>('a[href], button:not(:disabled)') ?? card).focus({ preventScroll: true });
  };

  hostDisconnected(): void {
    this.#resize.disconnect();
    this.#track = null;
  }
}
