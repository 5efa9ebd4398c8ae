/**
 * The npm entry: element classes, transports, the page context store and the model
 * types. No side effects: import `recs-widget/define` to register the elements.
 */
export { RecsElement, type RecsState } from './elements/recs-element.js';
export { RecsCarousel } from './elements/recs-carousel.js';
export { RecsList } from './elements/recs-list.js';
export type { RecsEventDetails, RecsEventName } from './elements/events.js';
export { registerTransport, loadTransport, type Transport, type TransportFactory, type Source } from './transports/registry.js';
export { proxyAdapter, proxyFields } from './transports/proxy.js';
export type { VendorAdapter, VendorRequest, VendorItems } from './transports/adapter.js';
export { $context, setContext, type PageContext } from './data/context.js';
export { trackOrder } from './data/events-hook.js';
export type { Order } from './data/events-sender.js';
export type { PrivacyOptions } from './data/consent.js';
export { loadRecs, type LoadOptions } from './data/load-recs.js';
export { RecsFailure, toRecsError } from './model/errors.js';
export { safeUrl } from './format/safe-url.js';
export { formatPrice } from './format/price.js';
export type { RecItem, RecsRequest, RecsResult, RecsError, RecsErrorCode, Price, CartLine } from './model/types.js';
export { REQUEST_FIELDS } from './model/fields.js';
