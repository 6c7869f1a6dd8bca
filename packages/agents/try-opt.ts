import { openTarget, scoreFindings } from './src/kit/index.js';
import { TestOptimizerCore, MemoryTestHistory } from './src/test-optimizer/index.js';
const target = await openTarget({ dir: process.argv[2]! });
const core = new TestOptimizerCore({ history: new MemoryTestHistory(), ...(process.env.BASE ? { baseRef: process.env.BASE } : {}) });
const t = Date.now();
const r = await core.run(target, process.argv[3] ?? 'redundancy');
console.log(r.strategy, Date.now() - t, 'ms; runs', r.suiteRuns, 'tests', r.tests, r.measure, r.coverage);
for (const f of r.findings) console.log(f.rule, JSON.stringify(f.location), f.message, '\n   ', f.evidence);
console.log(r.notes, r.skipped, JSON.stringify(r.apfd), JSON.stringify(r.selection), r.order?.slice(0, 8));
if (target.catalogue) { const s = scoreFindings(r.findings, target.catalogue, 'test-optimizer'); console.log('P', s.precision, 'R', s.recall, 'found', s.found, 'missed', s.missed.map(d => d.id), 'FP', JSON.stringify(s.falsePositives)); }
