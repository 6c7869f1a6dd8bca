import { qeVitestConfig } from '@qe-fleet/vitest-config';

export default qeVitestConfig();
