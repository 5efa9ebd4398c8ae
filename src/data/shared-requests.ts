import { RecsFailure } from '../model/errors.js';

interface Shared<T> {
  promise: Promise<T>;
  controller: AbortController;
  waiting: number;
}

const inFlight = new Map<string, Shared<unknown>>();

/**
 * Identical requests from several widgets on one page share one network request.
 * The shared request is aborted only when every widget waiting for it has let go.
 */
export function shareRequest<T>(key: string, start: (signal: AbortSignal) => Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new RecsFailure('aborted', 'Request aborted'));
  let shared = inFlight.get(key) as Shared<T> | undefined;
  if (!shared) {
    const controller = new AbortController();
    const entry: Shared<T> = { controller, waiting: 0, promise: start(controller.signal) };
    const forget = () => {
      if (inFlight.get(key) === entry) inFlight.delete(key);
    };
    entry.promise.then(forget, forget);
    inFlight.set(key, entry);
    shared = entry;
  }
  const entry = shared;
  entry.waiting++;
  return new Promise<T>((resolve, reject) => {
    const leave = () => {
      signal.removeEventListener('abort', onAbort);
      entry.waiting--;
    };
    const onAbort = () => {
      leave();
      if (entry.waiting === 0) {
        inFlight.delete(key);
        entry.controller.abort();
      }
      reject(new RecsFailure('aborted', 'Request aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    entry.promise.then(
      (value) => {
        leave();
        resolve(value);
      },
      (error: unknown) => {
        leave();
        reject(error);
      },
    );
  });
}
