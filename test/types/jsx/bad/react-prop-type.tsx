// expect: Type 'string' is not assignable to type 'number'
/** @jsxImportSource react */
import { RecsList } from 'recs-widget/react';

export const widget = <RecsList transport="proxy" limit="4" />;
