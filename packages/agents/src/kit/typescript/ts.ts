// TypeScript is one 9 MB CommonJS file: imported as ESM, Node first scans all of it for named
// exports (about 1.5 s on every CLI start); required, it is only loaded. `import = require` keeps
// the namespace's types; tsc compiles it to its own `createRequire`, while transpilers that turn it
// into a plain `require` call (tsx, vitest) find the one declared here.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
import ts = require('typescript');

/** The `typescript` module, loaded with `require`. */
export default ts;
