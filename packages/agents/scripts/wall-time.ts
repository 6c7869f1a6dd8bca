/**
 * Wall time of `qe-fleet run` (code-reviewer `recommended` + security-scanner `static-only`, no
 * learning, fresh database, the built CLI) beside ESLint run directly, in a process of its own,
 * (`eslint-alone.mjs`) through its Node API on the same files with the same plugins and rules (js recommended,
 * complexity, eslint-plugin-security's eval rule, no-unsanitized, regexp's super-linear
 * backtracking), one line per folder: both processes' wall times and ESLint's lint time alone,
 * each the median of QE_WALL_RUNS runs (default 5, the two alternating so that load changes reach
 * both alike), with the ratio of the medians and the range of the per-pair ratios.
 * Run: `pnpm --filter @qe-fleet/fleet... build`, then
 * `node --conditions=@qe-fleet/source --import tsx scripts/wall-time.ts DIR...`
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { listOwnCode, openTarget } from '@qe-fleet/agents';

// The built CLI, as users run it (`pnpm start` builds it first): through tsx every run would also
// pay for transpiling the sources.
const CLI = fileURLToPath(new URL('../../../apps/fleet/dist/cli.js', import.meta.url));
const ESLINT_ALONE = fileURLToPath(new URL('./eslint-alone.mjs', import.meta.url));
const CODE = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

/** Wall time of `args` run as a child process, in ms, and its stdout. */
function timed(args: string[], cwd?: string): { ms: number; stdout: string; status: number | null; stderr: string } {
  const t0 = performance.now();
  const run = spawnSync(process.execPath, args, { encoding: 'utf8', ...(cwd === undefined ? {} : { cwd }) });
  return { ms: performance.now() - t0, stdout: run.stdout, status: run.status, stderr: run.stderr };
}

const runs = Number(process.env['QE_WALL_RUNS'] ?? 5);
const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted.length % 2 === 1 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
};
console.log(['folder', 'files', 'runs', 'qe-fleet run ms', 'eslint process ms', 'eslint lint ms', 'ratio', 'ratio range'].join('\t'));
for (const dir of process.argv.slice(2)) {
  const { files: own } = await listOwnCode(await openTarget({ dir, catalogue: false }), CODE);
  const fleetMs: number[] = [];
  const eslintMs: number[] = [];
  const lintMs: number[] = [];
  let files = 0;
  for (let i = 0; i < runs; i++) {
    const db = mkdtempSync(join(tmpdir(), 'qe-wall-'));
    const fleet = timed([CLI, 'run', '--target', dir, '--agents', 'code-reviewer,security-scanner', '--strategy', 'code-reviewer=recommended,security-scanner=static-only', '--no-learn', '--db', join(db, 'fleet.db'), '--allow-failed']);
    rmSync(db, { recursive: true, force: true });
    if (fleet.status !== 0 && fleet.status !== 1) console.error(`${dir}: qe-fleet exit ${fleet.status}: ${fleet.stderr.slice(-400)}`);
    const eslint = timed([ESLINT_ALONE, ...own.map((file) => relative(dir, resolve(dir, file)))], dir);
    const report = JSON.parse(eslint.stdout) as { files: number; lintMs: number };
    files = report.files;
    fleetMs.push(fleet.ms);
    eslintMs.push(eslint.ms);
    lintMs.push(report.lintMs);
  }
  const ratios = fleetMs.map((ms, i) => ms / eslintMs[i]!);
  console.log([dir, files, runs, median(fleetMs).toFixed(0), median(eslintMs).toFixed(0), median(lintMs).toFixed(0), (median(fleetMs) / median(eslintMs)).toFixed(2), `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`].join('\t'));
}
