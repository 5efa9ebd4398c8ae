import { sharedElementSuite } from './element-suite.js';
import '../../src/define.js';

sharedElementSuite('recs-list');
sharedElementSuite('recs-carousel');
