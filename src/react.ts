/**
 * `recs-widget/react`: <RecsCarousel> and <RecsList> for React 18 and 19, with every
 * property as a typed prop and every `recs-*` event as an `onRecs…` prop. Importing it
 * defines the elements in a browser and nothing on a server.
 */
import * as React from 'react';
import { createRecsComponents } from './react/factory.js';

export { createRecsComponents };
export type { RecsCarouselProps, RecsListProps, RecsPropsOf, RecsEventProps, RecsComponents } from './react/factory.js';
export const { RecsCarousel, RecsList } = createRecsComponents(React);
