/**
 * The script-tag entry (dist/recs.js): Lit bundled, both elements defined.
 * As an ES module it also exports the page API, so a merchant can write
 * `import { setContext } from '…/recs.js'` without any global.
 */
import './define.js';

export { setContext } from './data/context.js';
export { registerTransport } from './transports/registry.js';
