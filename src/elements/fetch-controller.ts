import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** One run's view of the world: its signal, and whether it is still the run whose results count. */
export interface Run {
  signal: AbortSignal;
  isLatest(): boolean;
}

/**
 * The fetch lifecycle in one place, task-like (as Lit's @lit/task): `run(key, work)`
 * starts `work` when the key differs from the last run's and aborts that one; `work`
 * asks `isLatest()` before touching the host, so "latest wins" is decided here once.
 * Leaving the page aborts a run still in flight and forgets its key, so a widget put
 * back later (tabs, SPA routers, React re-parenting) starts it again.
 */
export class FetchController implements ReactiveController {
  #key: string | undefined;
  #current: AbortController | undefined;
  #inFlight = false;

  constructor(
    host: ReactiveControllerHost,
    /** Called when a run in flight is abandoned because the host left the page. */
    private readonly onAbandon: () => void,
  ) {
    host.addController(this);
  }

  run(key: string, work: (run: Run) => Promise<void>, force = false): void {
    if (key === this.#key && !force) return;
    this.#key = key;
    this.#current?.abort();
    const controller = (this.#current = new AbortController());
    const isLatest = () => this.#current === controller && !controller.signal.aborted;
    this.#inFlight = true;
    void work({ signal: controller.signal, isLatest }).finally(() => {
      if (this.#current === controller) this.#inFlight = false;
    });
  }

  hostDisconnected(): void {
    if (!this.#inFlight) return;
    this.#current?.abort();
    this.#current = undefined;
    this.#key = undefined;
    this.#inFlight = false;
    this.onAbandon();
  }
}
