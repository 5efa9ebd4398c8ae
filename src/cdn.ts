/**
 * The script-tag entry (dist/recs.js): Lit bundled, both elements defined.
 * As an ES module it also exports the page API, so a merchant can write
 * `import { setContext } from '…/recs.js'` without any global.
 */
import './define.js';
import { RecsElement } from './elements/recs-element.js';

/**
 * When a page loads two copies of the bundle, only the first defines the elements; the
 * page API of either copy reaches them through the defined class (no global needed).
 */
const pageApi = (): typeof RecsElement.pageApi => (customElements.get('recs-list') as typeof RecsElement | undefined)?.pageApi ?? RecsElement.pageApi;

export const setContext: typeof RecsElement.pageApi.setContext = (patch) => pageApi().setContext(patch);
export const registerTransport: typeof RecsElement.pageApi.registerTransport = (name, factory) => pageApi().registerTransport(name, factory);
