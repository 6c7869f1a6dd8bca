import { openTarget } from './src/kit/index.js';
import { runSuite } from './src/kit/suite/runSuite.js';
const target = await openTarget({ dir: process.argv[2]! });
for (const cov of [false, true]) { const t = Date.now(); const r = await runSuite(target, { coverage: cov, files: ['test/pricing.test.ts'] }); console.log('cov', cov, Date.now() - t, r.durationMs, r.tests.length); }
let t = Date.now(); const r = await runSuite(target, { coverage: false, files: ['test/cart.test.ts'], testNamePattern: '^counts units across lines$' }); console.log('alone', Date.now() - t, r.tests.map(x=>x.name+'|'+x.status+'|'+x.failureMessage?.slice(0,80)));
