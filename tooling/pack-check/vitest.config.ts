import { qeVitestConfig } from '@qe-fleet/vitest-config';

// One test: packing, a clean `npm install` that compiles better-sqlite3, and imports.
export default qeVitestConfig({ test: { testTimeout: 900_000 } });
