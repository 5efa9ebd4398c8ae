import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * A scrolling track of cards, measured: whether it rests at its start or its end, and
 * which cards are at least half in view (by rank). Call `measure` on scroll; it runs
 * itself after each render (once laid out) and whenever the track changes size (a
 * resize, a tab panel shown). The host re-renders when something changed.
 */
export class TrackController implements ReactiveController {
  atStart = true;
  atEnd = true;
  inView = new Set<number>();
  #track: Element | null = null;
  #resize = new ResizeObserver(() => this.measure());
  #last = '';

  constructor(
    private readonly host: ReactiveControllerHost & Element,
    /** The track as rendered now. */
    private readonly find: () => Element | null,
  ) {
    host.addController(this);
  }

  hostUpdated(): void {
    // Lit may still render a host that has left the page; nothing is watched for it then.
    const track = this.host.isConnected ? this.find() : null;
    if (track !== this.#track) {
      this.hostDisconnected();
      if (track) this.#resize.observe(track);
      this.#track = track;
    }
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

  hostDisconnected(): void {
    this.#resize.disconnect();
    this.#track = null;
  }
}
