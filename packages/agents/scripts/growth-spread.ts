/**
 * Prints how far apart the performance tester's fitted slopes of linear and quadratic functions
 * are, the evidence for its `minSlope` default: runs every function strategy RUNS times (default
 * 3) on fixtures/sample-target and reports the slope range of the functions defects.json
 * catalogues as perf-quadratic beside the range of the others (constant-time ones left out).
 * QE_BUSY=N keeps N extra threads spinning and allocating meanwhile, as a busy machine would.
 * Run: `pnpm --filter @qe-fleet/agents growth-spread` (e.g. `QE_BUSY=6 RUNS=4 pnpm ...`).
 */
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { PerformanceTesterCore, extractExports, listSourceFiles, locationsAgree, openTarget } from '@qe-fleet/agents';

const dir = fileURLToPath(new URL('../../../fixtures/sample-target', import.meta.url));
const runs = Number(process.env['RUNS'] ?? 3);
const busy = Number(process.env['QE_BUSY'] ?? 0);
const spin = 'const keep = []; for (let i = 0; ; i++) { if (i % 1e6 === 0) { keep.push(new Array(1e4).fill({ i })); if (keep.length > 300) keep.length = 0; } }';
const workers = Array.from({ length: busy }, () => new Worker(spin, { eval: true }));

const target = await openTarget({ dir });
const quadratic = (target.catalogue?.defects ?? []).filter((d) => d.kind === 'perf-quadratic');
const sources = await listSourceFiles(dir, { roots: ['src'], extensions: ['.ts'] });
const declared = extractExports(dir, sources.map((f) => join(dir, f))).functions;
// A function is catalogued quadratic when a perf-quadratic defect's location agrees with its declaration.
const isQuadratic = (file: string, fn: string): boolean =>
  declared.some((d) => d.file === file && d.name === fn && quadratic.some((q) => locationsAgree({ file, line: d.line }, q.location)));
const core = new PerformanceTesterCore();
const slopes = { quadratic: [] as number[], other: [] as number[] };
const strategies = core.strategies.filter((s) => !s.config.routes);
try {
  for (let run = 0; run < runs; run++) {
    for (const { name } of strategies) {
      const report = await core.run(target, name);
      for (const f of report.stats.functions) {
        if (f.fit.points < 3 || f.fit.growth === 'O(1)') continue;
        slopes[isQuadratic(f.file, f.subject) ? 'quadratic' : 'other'].push(f.fit.slope);
      }
      console.log(`run ${run + 1} ${name}: ${report.findings.length} perf-quadratic findings`);
    }
  }
} finally {
  await Promise.all(workers.map((w) => w.terminate()));
}
const range = (xs: number[]): string => (xs.length === 0 ? '-' : `${Math.min(...xs).toFixed(2)}..${Math.max(...xs).toFixed(2)} (${xs.length} fits)`);
console.log(`${runs} runs × ${strategies.length} strategies, ${busy} busy threads`);
console.log(`catalogued quadratic: slope ${range(slopes.quadratic)}`);
console.log(`other (linear, n log n): slope ${range(slopes.other)}`);
