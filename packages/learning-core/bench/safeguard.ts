/**
 * PerformanceSafeguard calibration: how often an UNCHANGED agent trips it (false alarms) and how
 * fast it trips after a real drop of the composite score, for the tracker's window size W.
 *
 * Each run is one agent over 30 simulated days at 10 tasks/hour (7 200 tasks, one snapshot per
 * task) through the real SwarmMemoryManager (in memory), PerformanceTracker, StateVersioning,
 * LearningEngine and PerformanceSafeguard (seed rule: 3 consecutive window checks below -5 %).
 * Per-task metrics of the stationary agent: success ~ Bernoulli(0.85) (errorRate = 1 - success),
 * execution time log-normal (median 8 s, sigma 0.6), satisfaction ~ N(0.75, 0.15) and efficiency
 * ~ N(0.6, 0.1) clamped to [0, 1]. A drop lowers the success probability at day 15 by the amount
 * that lowers the EXPECTED composite score by exactly 5 % (or 10 %): the score is linear in it.
 *
 * Runs are split over `SAFEGUARD_WORKERS` forked processes (default 2).
 *
 *   pnpm bench safeguard [runs] [W,W,...]   (default: 200 runs per case, the default window;
 *                                           e.g. `pnpm bench safeguard 200 50,100,200,400`)
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SwarmMemoryManager } from '@qe-fleet/memory';
import {
  DEFAULT_WINDOW_SIZE,
  LearningEngine,
  PerformanceSafeguard,
  PerformanceTracker,
  StateVersioning,
  compositeScore,
  createRandom,
  standardNormal,
  type PerformanceMetricValues,
  type RandomSource,
} from '@qe-fleet/learning-core';

const RUNS = Number(process.argv[2] ?? 200);
const WINDOWS = (process.argv[3] ?? String(DEFAULT_WINDOW_SIZE)).split(',').map(Number);
const TASKS_PER_HOUR = 10;
const DAYS = 30;
const TASKS = DAYS * 24 * TASKS_PER_HOUR;
const DROP_TASK = 15 * 24 * TASKS_PER_HOUR;
const SUCCESS = 0.85;
const T0 = Date.UTC(2026, 0, 1);
const WORKERS = Math.max(1, Number(process.env['SAFEGUARD_WORKERS'] ?? 2));
const WORKER_FLAG = '--safeguard-worker';

/** A slice of runs of one case: seeds `from` .. `to - 1`. */
interface Job {
  windowSize: number;
  successAfterDrop: number | null;
  from: number;
  to: number;
}

const unit = (x: number): number => Math.min(1, Math.max(0, x));

function task(random: RandomSource, success: number): PerformanceMetricValues {
  const ok = random() < success ? 1 : 0;
  return {
    tasksCompleted: 1,
    successRate: ok,
    errorRate: 1 - ok,
    averageExecutionTime: 8000 * Math.exp(0.6 * standardNormal(random)),
    userSatisfaction: unit(0.75 + 0.15 * standardNormal(random)),
    resourceEfficiency: unit(0.6 + 0.1 * standardNormal(random)),
  };
}

/** Expected composite score of the stationary agent (Monte Carlo, 10^6 tasks, fixed seed). */
function expectedScore(): number {
  const random = createRandom(123_456);
  let sum = 0;
  for (let i = 0; i < 1_000_000; i++) sum += compositeScore(task(random, SUCCESS));
  return sum / 1_000_000;
}

/** One run; returns the task index at which the safeguard tripped, or null. */
function run(seed: number, windowSize: number, successAfterDrop: number | null): number | null {
  let now = T0;
  const clock = (): number => now;
  const memory = new SwarmMemoryManager(':memory:', { clock, cleanupIntervalMs: 0 });
  memory.initialize();
  try {
    const engine = new LearningEngine('bench-agent', memory, { clock, random: createRandom(seed), resources: () => 0.5 });
    engine.initialize();
    const tracker = new PerformanceTracker('bench-agent', memory, { clock, windowSize });
    tracker.initialize();
    const versioning = new StateVersioning('bench-agent', memory, engine, { clock });
    const safeguard = new PerformanceSafeguard('bench-agent', memory, engine, tracker, versioning, { clock });
    safeguard.start();
    const random = createRandom(seed);
    for (let i = 0; i < TASKS; i++) {
      now = T0 + (i * 3_600_000) / TASKS_PER_HOUR;
      const p = successAfterDrop !== null && i >= DROP_TASK ? successAfterDrop : SUCCESS;
      tracker.recordSnapshot({ metrics: task(random, p) });
      if (safeguard.getRollback()) return i;
    }
    return null;
  } finally {
    memory.close();
  }
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const fmtDelay = (tasks: number | undefined): string =>
  tasks === undefined || !Number.isFinite(tasks) ? `> ${TASKS - DROP_TASK} tasks (not within day 30)` : `${tasks} tasks = ${(tasks / TASKS_PER_HOUR).toFixed(1)} h`;

/** Runs the seeds of one case split over the workers; trip task per seed (null: never tripped). */
async function runCase(windowSize: number, successAfterDrop: number | null, firstSeed: number): Promise<Array<number | null>> {
  const file = fileURLToPath(import.meta.url);
  const size = Math.ceil(RUNS / WORKERS);
  const slices = Array.from({ length: WORKERS }, (_, w) => ({
    windowSize,
    successAfterDrop,
    from: firstSeed + w * size,
    to: firstSeed + Math.min(RUNS, (w + 1) * size),
  })).filter((job) => job.to > job.from);
  const parts = await Promise.all(
    slices.map(
      (job) =>
        new Promise<Array<number | null>>((resolve, reject) => {
          const child = fork(file, [WORKER_FLAG], { execArgv: process.execArgv, env: process.env });
          child.on('message', (trips: Array<number | null>) => {
            resolve(trips);
            child.disconnect();
          });
          child.on('error', reject);
          child.on('exit', (code) => code !== 0 && reject(new Error(`worker exited with ${code}`)));
          child.send(job);
        }),
    ),
  );
  return parts.flat();
}

async function main(): Promise<void> {
  const started = performance.now();
  const mean = expectedScore();
  console.log(
    `Safeguard calibration: ${RUNS} seeded runs per case, ${TASKS} tasks (${DAYS} days at ${TASKS_PER_HOUR}/h), ` +
      `rule: 3 consecutive window checks below -5 %, ${WORKERS} worker(s)`,
  );
  console.log(`stationary agent: expected composite score ${mean.toFixed(4)}`);
  for (const windowSize of WINDOWS) {
    const falseAlarms = (await runCase(windowSize, null, 1_000)).filter((trip) => trip !== null).length;
    console.log(`\nW = ${windowSize} tasks (${(windowSize / TASKS_PER_HOUR).toFixed(0)} h per window)`);
    console.log(`  false alarms (unchanged agent, 30 days): ${falseAlarms}/${RUNS} = ${((falseAlarms / RUNS) * 100).toFixed(1)} %`);
    for (const dropPercent of [5, 10]) {
      // score = 0.5 * success + (terms independent of success), so this lowers E[score] by dropPercent %.
      const successAfterDrop = SUCCESS - ((dropPercent / 100) * mean) / 0.5;
      const trips = await runCase(windowSize, successAfterDrop, 50_000);
      const early = trips.filter((trip) => trip !== null && trip < DROP_TASK).length;
      const delays = trips
        .filter((trip) => trip === null || trip >= DROP_TASK)
        .map((trip) => (trip === null ? Number.POSITIVE_INFINITY : trip - DROP_TASK + 1))
        .sort((a, b) => a - b);
      const detected = delays.filter(Number.isFinite).length;
      console.log(
        `  ${dropPercent} % drop at day 15 (success ${SUCCESS} -> ${successAfterDrop.toFixed(3)}): detected by day 30 in ` +
          `${detected}/${delays.length} runs (${early} tripped before the drop); delay median ${fmtDelay(quantile(delays, 0.5))}, ` +
          `p90 ${fmtDelay(quantile(delays, 0.9))}`,
      );
    }
  }
  console.log(`\nwall time ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

if (process.argv.includes(WORKER_FLAG)) {
  process.once('message', (job: Job) => {
    const trips: Array<number | null> = [];
    for (let seed = job.from; seed < job.to; seed++) trips.push(run(seed, job.windowSize, job.successAfterDrop));
    process.send!(trips);
  });
} else {
  await main();
}
