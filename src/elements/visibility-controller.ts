import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** How far before the viewport a lazy widget starts loading. */
const LAZY_MARGIN = '400px';

/**
 * Tells its host when it comes near the viewport, once. It watches only when asked
 * (`watch()`, by a lazy widget that wants to load), so a `lazy="false"` widget has no
 * observer, no callback and no extra update; the observer is disconnected as soon as
 * the host is near or leaves the page (asked again when it comes back).
 */
export class NearViewportController implements ReactiveController {
  near = false;
  #observer?: IntersectionObserver;

  constructor(private readonly host: ReactiveControllerHost & HTMLElement) {
    host.addController(this);
  }

  watch(): void {
    if (this.near || this.#observer) return;
    this.#observer = new IntersectionObserver(
      (entries) => {
        if (!entries.some((entry) => entry.isIntersecting)) return;
        this.near = true;
        this.hostDisconnected();
        this.host.requestUpdate();
      },
      { rootMargin: LAZY_MARGIN },
    );
    this.#observer.observe(this.host);
  }

  hostDisconnected(): void {
    this.#observer?.disconnect();
    this.#observer = undefined;
  }
}
