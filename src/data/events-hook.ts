/**
 * The script tag's side of first-party events: it only decides when the sender chunk
 * (events-sender.ts) is worth loading, so pages without events pay a few bytes.
 */
import type { RecsElement } from '../elements/recs-element.js';
import type { LoadedRecs } from './load-recs.js';
import type { Order } from './events-sender.js';
import { $context } from './context.js';

let sender: Promise<typeof import('./events-sender.js')> | undefined;
const load = () => (sender ??= import('./events-sender.js'));

/**
 * Every answer a widget shows goes to the sender once it is loaded (so one without a
 * request id stops that widget's events); an answer with a request id and events on loads it.
 */
export function watchEvents(element: RecsElement, result: LoadedRecs, endpoint: string | undefined): void {
  if (result.requestId && element.events && $context.get().events !== false) void load();
  sender?.then((chunk) => chunk.watch(element, result, endpoint), () => {});
}

/**
 * Reports an order: one `order` event per line whose product the shopper clicked or
 * added to cart from a widget during this visit. Never throws; bad input is a console warning.
 */
export function trackOrder(order: Order): void {
  load().then((chunk) => chunk.trackOrder(order), () => {});
}
