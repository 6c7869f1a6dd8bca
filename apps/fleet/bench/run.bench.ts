/**
 * Wall time of a whole `qe-fleet run` on the bundled sample target, the way a user types it, side
 * by side in one process: agents one at a time (`--concurrency 1`), at the default concurrency,
 * then an unchanged re-run (results reused by content hash). Each run is a fresh CLI process on a
 * fresh copy of the target and a fresh database, so no run warms the next one's store.
 *
 *   pnpm --filter @qe-fleet/fleet bench                 # every agent
 *   QE_BENCH_AGENTS=code-reviewer,api-tester pnpm --filter @qe-fleet/fleet bench
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const SAMPLE = fileURLToPath(new URL('../../../fixtures/sample-target', import.meta.url));
const agents = process.env['QE_BENCH_AGENTS'];

interface Timed {
  label: string;
  seconds: number;
  exitCode: number | null;
  agents: Array<{ agent: string; status: string; reused: boolean; timeMs: number }>;
}

function run(label: string, target: string, db: string, extra: string[]): Timed {
  const args = ['--conditions=@qe-fleet/source', '--import', 'tsx', CLI, '--json', 'run', '--target', target, '--db', db, ...(agents === undefined ? [] : ['--agents', agents]), ...extra];
  const start = performance.now();
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const seconds = (performance.now() - start) / 1000;
  const summary = child.stdout.trim() === '' ? undefined : (JSON.parse(child.stdout) as { agents: Timed['agents'] });
  if (summary === undefined) console.error(`${label}: no JSON summary (exit ${child.status}): ${child.stderr.slice(-500)}`);
  return { label, seconds, exitCode: child.status, agents: summary?.agents ?? [] };
}

const scratch = mkdtempSync(join(tmpdir(), 'qe-run-bench-'));
try {
  const copy = (name: string): string => {
    const dir = join(scratch, name);
    cpSync(SAMPLE, dir, { recursive: true });
    return dir;
  };
  const serial = run('one agent at a time (--concurrency 1)', copy('serial'), join(scratch, 'serial.db'), ['--concurrency', '1', '--no-cache']);
  const target = copy('parallel');
  const db = join(scratch, 'parallel.db');
  const parallel = run(`default concurrency (${availableParallelism()} CPUs)`, target, db, []);
  const again = run('unchanged re-run (reused results)', target, db, []);
  console.log(`qe-fleet run on the sample target${agents === undefined ? ', all agents' : `, agents ${agents}`}; load average ${loadavg()[0]!.toFixed(1)} at the end\n`);
  for (const t of [serial, parallel, again]) {
    const reused = t.agents.filter((a) => a.reused).length;
    const failed = t.agents.filter((a) => a.status === 'failed').map((a) => a.agent);
    console.log(`${t.label.padEnd(42)} ${t.seconds.toFixed(1).padStart(7)} s  exit ${t.exitCode}  ${t.agents.length} agents, ${reused} reused${failed.length > 0 ? `, failed: ${failed.join(' ')}` : ''}`);
  }
  console.log(`\nconcurrency speed-up: ${(serial.seconds / parallel.seconds).toFixed(2)}x; re-run / first run: ${((again.seconds / parallel.seconds) * 100).toFixed(0)} %`);
  console.log('\nper agent (first run at default concurrency), s:');
  for (const a of parallel.agents) console.log(`  ${a.agent.padEnd(24)} ${(a.timeMs / 1000).toFixed(1).padStart(6)}  ${a.status}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
