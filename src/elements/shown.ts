/**
 * What a widget needs only once its cards show, as one chunk (one request): impressions
 * (a second in view has to be judged for real) and the carousel's track (ends, cards in
 * view, paging and keys). Loaded by the first widget with cards; nothing waits for it.
 */
export { ImpressionController } from './impression-controller.js';
export { TrackController } from './track-controller.js';
