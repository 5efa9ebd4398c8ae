import type { RecsRequest } from '../model/types.js';
import { RecsFailure } from '../model/errors.js';
import { proxyAdapter } from './proxy.js';
import type { VendorAdapter } from './adapter.js';

/**
 * A custom source: anything that can answer a RecsRequest. What it returns is cleaned
 * like every vendor's answer (items without an id or title are dropped, URLs checked).
 */
export interface Transport {
  fetch(request: RecsRequest, options: { signal: AbortSignal }): Promise<{ items: unknown[]; trackerId?: string | undefined }>;
}

/** A registered name resolves to a custom transport or to a vendor adapter (run by src/data/run-adapter.ts). */
export type Source = Transport | VendorAdapter;
export type TransportFactory = () => Source | Promise<Source>;

// Snappy and Yespo parse their documented schemas with zod, so they are chunks
// loaded on first use; the proxy format is ours and flat, so it is built in.
const factories = new Map<string, TransportFactory>([
  ['proxy', () => proxyAdapter],
  ['snappy', () => import('./snappy.js').then((module) => module.snappyAdapter)],
  ['yespo', () => import('./yespo.js').then((module) => module.yespoAdapter)],
]);
const loaded = new Map<string, Promise<Source>>();
/** Tells widgets waiting for a name that it has been registered (one event type per name). */
const registrations = new EventTarget();

/** Makes `<recs-… transport="name">` use your transport. Registering a name again replaces it. */
export function registerTransport(name: string, factory: TransportFactory): void {
  factories.set(name, factory);
  loaded.delete(name);
  registrations.dispatchEvent(new Event(name));
}

/** Resolves when `name` is registered (at once when it is), or rejects when `signal` aborts first (without one: at once). */
export async function registered(name: string, signal?: AbortSignal): Promise<void> {
  if (factories.has(name)) return;
  await new Promise((resolve, reject) => {
    const unknown = () => reject(new RecsFailure('invalid-request', `Unknown transport "${name}"`));
    if (!signal || signal.aborted) return unknown();
    signal.addEventListener('abort', unknown, { once: true });
    registrations.addEventListener(name, resolve, { once: true, signal });
  });
}

/**
 * The source for a name, loading its chunk once; a failed chunk load is retried next
 * time. A name not registered yet is waited for (a page may register it in a script
 * after the widget upgrades) until `signal` aborts; without a signal, not at all.
 */
export async function loadTransport(name: string, signal?: AbortSignal): Promise<Source> {
  await registered(name, signal);
  let source = loaded.get(name);
  if (!source) {
    source = Promise.resolve()
      .then(factories.get(name))
      .catch((error: unknown) => {
        loaded.delete(name);
        throw error instanceof RecsFailure ? error : new RecsFailure('network', `Failed to load transport "${name}"`);
      });
    loaded.set(name, source);
  }
  return source;
}
