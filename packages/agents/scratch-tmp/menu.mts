import { openTarget } from '../src/kit/index.ts';
import { AccessibilityCheckerCore } from '../src/accessibility-checker/index.ts';
const r = await new AccessibilityCheckerCore().run(await openTarget({ dir: process.argv[2]! }), 'states');
console.log(r.findings.map((f) => [f.rule, f.location, f.evidence.slice(0, 150)]), r.stats);
