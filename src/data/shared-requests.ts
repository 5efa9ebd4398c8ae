interface Shared {
  promise: Promise<unknown>;
  controller: AbortController;
  waiting: number;
}

const inFlight = new Map<string, Shared>();

/**
 * Identical requests from several widgets on one page share one network request.
 * The shared request is aborted only when every widget waiting for it has let go;
 * a widget that lets go earlier ignores the answer (elements drop superseded results).
 */
export function shareRequest<T>(key: string, start: (signal: AbortSignal) => Promise<T>, signal: AbortSignal): Promise<T> {
  // A widget that let go already (removed while a chunk loaded) starts nothing: its abort has fired and would not again.
  signal.throwIfAborted();
  let entry = inFlight.get(key);
  // Forgets this entry, not a newer one under the same key: once it settled, or once no widget waits for it.
  const forget = () => inFlight.get(key) === entry && inFlight.delete(key);
  if (!entry) {
    const controller = new AbortController();
    inFlight.set(key, (entry = { controller, waiting: 0, promise: start(controller.signal) }));
    entry.promise.then(forget, forget);
  }
  const shared = entry;
  shared.waiting++;
  signal.addEventListener(
    'abort',
    () => {
      if (--shared.waiting) return;
      forget();
      shared.controller.abort();
    },
    { once: true },
  );
  return shared.promise as Promise<T>;
}
