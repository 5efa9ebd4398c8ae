/**
 * The npm entry: element classes, transports, the page context store and the model
 * types. No side effects: import `recs-widget/define` to register the elements.
 */
import { RecsElement } from './elements/recs-element.js';
import { setContext as ownSetContext } from './data/context.js';
import { registerTransport as ownRegisterTransport } from './transports/registry.js';
import { trackOrder as ownTrackOrder } from './data/events-hook.js';

export { RecsElement };
export type { RecsState } from './elements/recs-element.js';
export { RecsCarousel } from './elements/recs-carousel.js';
export { RecsList } from './elements/recs-list.js';
export type { RecsEventDetails, RecsEventName } from './elements/events.js';
export { loadTransport, type Transport, type TransportFactory, type Source } from './transports/registry.js';
export { proxyAdapter, proxyFields } from './transports/proxy.js';
export type { VendorAdapter, VendorRequest, VendorItems } from './transports/adapter.js';
/** This copy's own store: with two copies on a page, read the page context through `setContext`'s copy (README, two copies). */
export { $context, type PageContext } from './data/context.js';
export type { Order } from './data/events-sender.js';
export type { PrivacyOptions } from './data/consent.js';
export { loadRecs, type LoadOptions } from './data/load-recs.js';
export { RecsFailure, toRecsError } from './model/errors.js';
export { safeUrl } from './format/safe-url.js';
export { formatPrice } from './format/price.js';
export type { RecItem, RecsRequest, RecsResult, RecsError, RecsErrorCode, Price, CartLine } from './model/types.js';
export { REQUEST_FIELDS } from './model/fields.js';

/**
 * The page API reaches the elements whichever copy defined them (the script tag and an app
 * bundle, or two app bundles, on one page; README): it is the defining copy's, looked up on
 * the defined class at each call, so importing has no side effect and the load order does
 * not matter. Without a DOM, or with an element of that name from elsewhere, it is this copy's.
 */
const ownPageApi = { setContext: ownSetContext, registerTransport: ownRegisterTransport, trackOrder: ownTrackOrder };
type PageApi = typeof ownPageApi;
const pageApi = (): PageApi => (globalThis.customElements?.get('recs-list') as unknown as { pageApi?: PageApi } | undefined)?.pageApi ?? ownPageApi;
export const setContext: PageApi['setContext'] = (...args) => pageApi().setContext(...args);
export const registerTransport: PageApi['registerTransport'] = (...args) => pageApi().registerTransport(...args);
export const trackOrder: PageApi['trackOrder'] = (...args) => pageApi().trackOrder(...args);
