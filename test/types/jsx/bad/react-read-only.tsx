// expect: Property 'state' does not exist
/** @jsxImportSource react */
import { RecsList } from 'recs-widget/react';

// `state` is the element's to say; a prop would be overwritten at once.
export const widget = <RecsList transport="proxy" state="ready" />;
