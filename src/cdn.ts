/**
 * The script-tag entry (dist/recs.js): Lit bundled, both elements defined.
 * As an ES module it also exports the page API, so a merchant can write
 * `import { setContext } from '…/recs.js'` without any global.
 */
import './define.js';
import { RecsElement } from './elements/recs-element.js';

/**
 * When a page loads two copies of the bundle, only the first defines the elements; the
 * page API of either copy is the defining copy's, found through the defined class (no
 * global needed). An element of that name without one (another library, an old copy)
 * leaves each copy its own.
 */
const { setContext, registerTransport, trackOrder }: typeof RecsElement.pageApi =
  (customElements.get('recs-list') as unknown as typeof RecsElement | undefined)?.pageApi ?? RecsElement.pageApi;
export { setContext, registerTransport, trackOrder };
