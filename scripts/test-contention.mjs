#!/usr/bin/env node
/**
 * Runs the whole suite (`pnpm test`, turbo cache off) with every core kept busy by another
 * process, the way a shared CI machine or a laptop running a build looks to the tests:
 *
 *   pnpm test:contention            # one run
 *   pnpm test:contention --runs 5   # five in a row; stops at the first red one
 *   pnpm test:contention -- --filter='!@qe-fleet/agents'   # arguments after -- go to turbo
 *
 * Each burner is a child `node` spinning a CPU at full speed (nice 0, like the tests); all are
 * killed when the script ends, also on Ctrl-C or a failure. Prints one line per run and a summary:
 * how many consecutive runs were green, and how long each took.
 */
import { spawn } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';

const all = process.argv.slice(2);
const dashes = all.indexOf('--');
const args = dashes >= 0 ? all.slice(0, dashes) : all;
const turboArgs = dashes >= 0 ? all.slice(dashes + 1) : [];
const runsFlag = args.indexOf('--runs');
const runs = runsFlag >= 0 ? Number(args[runsFlag + 1]) : 1;
if (!Number.isInteger(runs) || runs < 1) {
  console.error('usage: test-contention.mjs [--runs N] [-- turbo arguments]');
  process.exit(2);
}

const cores = availableParallelism();
const burners = Array.from({ length: cores }, () =>
  spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
);
const stopBurners = () => {
  for (const b of burners) if (b.exitCode === null && b.signalCode === null) b.kill('SIGKILL');
};
process.on('exit', stopBurners);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopBurners();
    process.exit(130);
  });
}

function runSuite() {
  return new Promise((resolve) => {
    // --force: turbo must not replay cached results; this is about the tests running under load.
    const child = spawn('pnpm', ['test', '--force', ...turboArgs], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, FORCE_COLOR: '0' } });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

console.log(`test:contention: ${cores} burner process(es), one per core; ${runs} run(s)${turboArgs.length > 0 ? `; turbo ${turboArgs.join(' ')}` : ''}`);
let green = 0;
const durations = [];
for (let i = 1; i <= runs; i++) {
  const start = Date.now();
  const code = await runSuite();
  const seconds = Math.round((Date.now() - start) / 1000);
  durations.push(seconds);
  console.log(`test:contention: run ${i}/${runs}: ${code === 0 ? 'green' : `RED (exit ${code})`} in ${seconds} s, load average ${loadavg()[0].toFixed(1)}`);
  if (code !== 0) break;
  green++;
}
stopBurners();
console.log(`test:contention: ${green} consecutive green run(s) of ${runs} under ${cores}-core contention (${durations.join(', ')} s)`);
process.exit(green === runs ? 0 : 1);
