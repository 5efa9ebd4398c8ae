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
  if (!entry) {
    const controller = new AbortController();
    const shared: Shared = { controller, waiting: 0, promise: start(controller.signal) };
    const forget = () => inFlight.get(key) === shared && inFlight.delete(key);
    shared.promise.then(forget, forget);
    inFlight.set(key, (entry = shared));
  }
  const shared = entry;
  shared.waiting++;
  signal.addEventListener(
    'abort',
    () => {
      if (--shared.waiting) return;
      if (inFlight.get(key) === shared) inFlight.delete(key);
      shared.controller.abort();
    },
    { once: true },
  );
  return shared.promise as Promise<T>;
}
