import { openTarget } from '../src/kit/target/Target.js';
import { runSuite } from '../src/kit/suite/runSuite.js';
const target = await openTarget({ dir: process.argv[2]! });
const t0 = Date.now();
const run = await runSuite(target, { coverage: true });
console.log(Date.now() - t0, run.runner, run.command, run.exitCode, run.tests.length, run.tests.filter(t => t.status !== 'passed').map(t => t.name));
const cov = run.coverage ?? {};
for (const [file, data] of Object.entries(cov).slice(0, 3)) console.log(file, Object.keys(data), Object.keys(data.s).length, Object.keys(data.b).length, JSON.stringify(data.fnMap).slice(0, 300));
console.log(run.notes, JSON.stringify(run.coverageSummary?.total));
