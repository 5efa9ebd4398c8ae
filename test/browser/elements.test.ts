import { sharedElementSuite, pageAwarenessSuite } from './element-suite.js';
import '../../src/define.js';

for (const tag of ['recs-list', 'recs-carousel'] as const) {
  sharedElementSuite(tag);
  pageAwarenessSuite(tag);
}
