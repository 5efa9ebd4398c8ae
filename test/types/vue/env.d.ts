// What a Vue app adds once (docs/frameworks.md): the elements' template types.
import type {} from 'recs-widget/vue';
