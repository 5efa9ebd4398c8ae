import type { RecsRequest, RecsResult } from '../model/schema.js';
import { withPolicy } from './policy.js';
import { shareRequest } from './shared-requests.js';
import { loadTransport, type Transport } from '../transports/registry.js';

export interface LoadOptions {
  signal: AbortSignal;
  timeout: number;
  /** A one-off transport set on the element; bypasses the registry and request sharing. */
  transport?: Transport | undefined;
}

/** The whole data path below the element: registry, policy and sharing, in that order. */
export function loadRecs(request: RecsRequest, options: LoadOptions): Promise<RecsResult> {
  const { signal, timeout, transport } = options;
  const run = (shared: AbortSignal) =>
    withPolicy(async (attemptSignal) => {
      const chosen = transport ?? (await loadTransport(request.transport));
      return chosen.fetch(request, { signal: attemptSignal });
    }, { signal: shared, timeout });
  if (transport) return run(signal);
  return shareRequest(`${timeout}|${JSON.stringify(request)}`, run, signal);
}
