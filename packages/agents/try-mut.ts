import { openTarget } from './src/kit/index.js';
import { runMutants } from './src/kit/mutation/runMutants.js';
const target = await openTarget({ dir: process.argv[2]! });
const t = Date.now();
const r = await runMutants(target, process.argv[3] ? { files: process.argv[3].split(',') } : {});
console.log('ms', Date.now() - t, r.testRunner, r.perTest, r.mutants.length, JSON.stringify(r.score), r.notes);
const by = new Map<string, { covered: number; killed: number }>();
for (const m of r.mutants) { if (m.static) continue; for (const k of m.coveredBy ?? []) { const e = by.get(k) ?? { covered: 0, killed: 0 }; e.covered++; if (m.killedBy?.includes(k)) e.killed++; by.set(k, e); } }
for (const [k, v] of by) console.log(k, v);
console.log(JSON.stringify(r.mutants.slice(0, 3)));
