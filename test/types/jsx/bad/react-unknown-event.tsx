// expect: Property 'onRecsClik' does not exist
/** @jsxImportSource react */
import { RecsCarousel } from 'recs-widget/react';

export const widget = <RecsCarousel transport="proxy" onRecsClik={() => {}} />;
