import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** How far before the viewport a lazy widget starts loading. */
const LAZY_MARGIN = '400px';

/**
 * Tells its host when it comes near the viewport, once; the observer is
 * disconnected as soon as that happens or the host leaves the page.
 */
export class NearViewportController implements ReactiveController {
  near = false;
  #observer?: IntersectionObserver;

  constructor(private readonly host: ReactiveControllerHost & HTMLElement) {
    host.addController(this);
  }

  hostConnected(): void {
    if (this.near) return;
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
