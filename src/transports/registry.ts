import type { RecsRequest, RecsResult } from '../model/schema.js';
import { RecsFailure } from '../model/errors.js';
import { proxyTransport } from './proxy.js';

/** Anything that can answer a RecsRequest. It owns its vendor's wire format and nothing else. */
export interface Transport {
  fetch(request: RecsRequest, options: { signal: AbortSignal }): Promise<RecsResult>;
}

export type TransportFactory = () => Transport | Promise<Transport>;

// Snappy and Yespo parse their documented schemas with zod, so they are chunks
// loaded on first use; the proxy format is ours and flat, so it is built in.
const factories = new Map<string, TransportFactory>([
  ['proxy', () => proxyTransport],
  ['snappy', () => import('./snappy.js').then((module) => module.snappyTransport)],
  ['yespo', () => import('./yespo.js').then((module) => module.yespoTransport)],
]);
const loaded = new Map<string, Promise<Transport>>();

/** Makes `<recs-… transport="name">` use your transport. Registering a name again replaces it. */
export function registerTransport(name: string, factory: TransportFactory): void {
  factories.set(name, factory);
  loaded.delete(name);
}

/** The transport for a name, loading its chunk once; a failed chunk load is retried next time. */
export function loadTransport(name: string): Promise<Transport> {
  let transport = loaded.get(name);
  if (!transport) {
    const factory = factories.get(name);
    if (!factory) return Promise.reject(new RecsFailure('invalid-request', `Unknown transport "${name}"`));
    transport = Promise.resolve()
      .then(factory)
      .catch((error: unknown) => {
        loaded.delete(name);
        throw error instanceof RecsFailure ? error : new RecsFailure('network', `Could not load the "${name}" transport`);
      });
    loaded.set(name, transport);
  }
  return transport;
}
