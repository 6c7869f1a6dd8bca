/**
 * What `durability: 'full'` costs: store() call by call on two file databases, one per setting
 * (`'process'` = WAL + synchronous=NORMAL, `'full'` = synchronous=FULL, an fsync per commit), in
 * alternating blocks so machine noise hits both alike. Prints p50/p99 and stores per second of
 * each and the ratio. The figures depend on the disk (an fsync on tmpfs costs nothing): run it
 * where the database will live, `QE_BENCH_DIR=/path pnpm --filter @qe-fleet/memory bench:durability`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SwarmMemoryManager } from '@qe-fleet/memory';

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 2_000);
const WARMUP = 200;
const BLOCK = 100;

const dir = mkdtempSync(join(process.env.QE_BENCH_DIR ?? tmpdir(), 'qe-durability-bench-'));
const stores = {
  process: new SwarmMemoryManager(join(dir, 'process.db'), { durability: 'process', cleanupIntervalMs: 0 }),
  full: new SwarmMemoryManager(join(dir, 'full.db'), { durability: 'full', cleanupIntervalMs: 0 }),
};
for (const memory of Object.values(stores)) memory.initialize();

const value = { strategy: 'thorough', reward: 0.75, counts: [1, 2, 3, 4, 5], note: 'x'.repeat(200) };
const times = { process: new Float64Array(ITERATIONS), full: new Float64Array(ITERATIONS) };
const store = (memory: SwarmMemoryManager, i: number) => memory.store(`bench/${i % 1000}`, { ...value, i });

try {
  for (let i = 0; i < WARMUP; i++) for (const memory of Object.values(stores)) store(memory, i);
  for (let start = 0; start < ITERATIONS; start += BLOCK) {
    for (const name of ['process', 'full'] as const) {
      for (let i = start; i < Math.min(ITERATIONS, start + BLOCK); i++) {
        const t0 = process.hrtime.bigint();
        store(stores[name], i);
        times[name][i] = Number(process.hrtime.bigint() - t0) / 1000;
      }
    }
  }
} finally {
  for (const memory of Object.values(stores)) memory.close();
  rmSync(dir, { recursive: true, force: true });
}

const at = (sorted: Float64Array, p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const summary = Object.fromEntries(
  (['process', 'full'] as const).map((name) => {
    const sorted = times[name].sort();
    const total = sorted.reduce((s, t) => s + t, 0);
    return [name, { p50: at(sorted, 50), p99: at(sorted, 99), perSecond: (ITERATIONS / total) * 1e6 }];
  }),
) as Record<'process' | 'full', { p50: number; p99: number; perSecond: number }>;

console.log(`store() on ${dir.startsWith(tmpdir()) ? 'the temp dir' : dir}, ${ITERATIONS} calls each, load average ${loadavg()[0]?.toFixed(2)}`);
for (const [name, s] of Object.entries(summary)) {
  console.log(`  durability '${name}'`.padEnd(24) + `p50 ${s.p50.toFixed(1)} µs   p99 ${s.p99.toFixed(1)} µs   ${s.perSecond.toFixed(0)} stores/s`);
}
console.log(`  'full' costs ${(summary.full.p50 / summary.process.p50).toFixed(1)}x at p50, ${(summary.full.p99 / summary.process.p99).toFixed(1)}x at p99 (one fsync per commit; group writes in transaction() to share it)`);
