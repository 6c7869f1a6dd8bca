/**
 * Benchmark 3, learning effectiveness: every scenario × policy (textbook baselines, and every
 * engine algorithm pooled and alone) over the same seeds, in one run, on the simulator's virtual
 * clock. Prints NS = (R − R_random) / (R_oracle − R_random) on hidden expected rewards (median,
 * 10th percentile and minimum over seeds; day 1; the day of the drift), the seed-30-day composite
 * improvement, PASS/FAIL per target and the default algorithm the data supports.
 *
 * Jobs run in `EFFECTIVENESS_WORKERS` forked processes (default 2). `EFFECTIVENESS_SEEDS` (default
 * 20), `EFFECTIVENESS_DAYS` (default 30) and `EFFECTIVENESS_ALGORITHMS` (comma-separated; default the
 * engine's default algorithm, which is what the targets are about; `all` compares every algorithm,
 * about four times the ~20 CPU-minutes of the default run) size a run.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { quantile } from '../src/distributions.js';
import {
  ALGORITHMS,
  BALANCED_CONFIG,
  BASELINE_NAMES,
  SCENARIO_NAMES,
  Simulator,
  type AlgorithmName,
  type ScenarioName,
  type SimulationPolicy,
} from '../src/index.js';

interface Job {
  scenario: ScenarioName;
  policy: SimulationPolicy;
  algorithm?: AlgorithmName;
  pooled: boolean;
  seed: number;
}

interface JobResult {
  job: Job;
  ns: number;
  day1: number;
  drift: number | null;
  /** Final PerformanceTracker improvement (percent) per agent; only seed-30-day tracks it. */
  improvements: number[];
  agentRuns: number;
  ms: number;
}

const SEEDS = Number(process.env['EFFECTIVENESS_SEEDS'] ?? 20);
const DAYS = Number(process.env['EFFECTIVENESS_DAYS'] ?? 30);
const WORKERS = Number(process.env['EFFECTIVENESS_WORKERS'] ?? 2);
/** Comma-separated engine algorithms, `all`, or (default) the engine's default algorithm. */
const ALGORITHMS_ENV = process.env['EFFECTIVENESS_ALGORITHMS'];
const ENGINE_ALGORITHMS = (
  ALGORITHMS_ENV === 'all' ? ALGORITHMS : (ALGORITHMS_ENV?.split(',') ?? [BALANCED_CONFIG.algorithm])
) as AlgorithmName[];
const POOL_SIZE = 3;
const WORKER_FLAG = '--effectiveness-worker';

/** Targets of the issue (benchmark 3) and the seed (12.2). */
const TARGET = { pooledMedian: 0.85, pooledP10: 0.7, aloneMedian: 0.7, composite: 20 } as const;

async function runJob(job: Job): Promise<JobResult> {
  const started = performance.now();
  const result = await new Simulator({
    scenario: job.scenario,
    days: DAYS,
    seed: job.seed,
    policy: job.policy,
    ...(job.algorithm === undefined ? {} : { algorithm: job.algorithm }),
    pooled: job.pooled,
    agentsPerType: job.pooled ? POOL_SIZE : 1,
    trackPerformance: job.scenario === 'seed-30-day',
  }).run();
  return {
    job,
    ns: result.normalizedScore,
    day1: result.firstDayNormalizedScore,
    drift: result.driftDayNormalizedScore,
    improvements: result.agents.flatMap((a) => (a.improvement ? [a.improvement.improvementRate] : [])),
    agentRuns: result.agents.length,
    ms: performance.now() - started,
  };
}

function jobs(): Job[] {
  const out: Job[] = [];
  for (const scenario of SCENARIO_NAMES) {
    for (let seed = 1; seed <= SEEDS; seed++) {
      for (const algorithm of ENGINE_ALGORITHMS) {
        for (const pooled of [true, false]) out.push({ scenario, policy: 'engine', algorithm, pooled, seed });
      }
      for (const policy of BASELINE_NAMES) out.push({ scenario, policy, pooled: false, seed });
    }
  }
  return out;
}

/** Hands jobs to forked workers one at a time, so a slow algorithm does not idle the other core. */
async function runAll(all: Job[]): Promise<JobResult[]> {
  const results: JobResult[] = [];
  let next = 0;
  const file = fileURLToPath(import.meta.url);
  await Promise.all(
    Array.from({ length: Math.max(1, WORKERS) }, () =>
      new Promise<void>((resolve, reject) => {
        const child = fork(file, [WORKER_FLAG], { execArgv: process.execArgv, env: process.env });
        const feed = (): void => {
          if (next < all.length) child.send(all[next++]!);
          else child.disconnect();
        };
        child.on('message', (message: JobResult) => {
          results.push(message);
          if (results.length % 25 === 0) process.stderr.write(`effectiveness: ${results.length}/${all.length} runs\n`);
          feed();
        });
        child.on('error', reject);
        child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`worker exited with ${code}`))));
        feed();
      }),
    ),
  );
  return results;
}

const fmt = (x: number | null | undefined, digits = 3): string =>
  x === null || x === undefined || Number.isNaN(x) ? '—' : x.toFixed(digits);
const pad = (s: string, n: number): string => s.padEnd(n);
const lpad = (s: string, n: number): string => s.padStart(n);

function label(job: Job): string {
  if (job.policy !== 'engine') return `${job.policy} (textbook)`;
  return `engine ${job.algorithm} ${job.pooled ? 'pooled' : 'alone'}`;
}

interface Row {
  label: string;
  job: Job;
  ns: number[];
  day1: number[];
  drift: number[];
  improvements: number[];
  msPerAgentRun: number;
}

function rows(results: JobResult[], scenario: ScenarioName): Row[] {
  const byLabel = new Map<string, JobResult[]>();
  for (const r of results) {
    if (r.job.scenario !== scenario) continue;
    const key = label(r.job);
    byLabel.set(key, [...(byLabel.get(key) ?? []), r]);
  }
  const order = jobs().map(label);
  return [...byLabel].sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0])).map(([key, rs]) => ({
    label: key,
    job: rs[0]!.job,
    ns: rs.map((r) => r.ns),
    day1: rs.map((r) => r.day1),
    drift: rs.flatMap((r) => (r.drift === null ? [] : [r.drift])),
    improvements: rs.flatMap((r) => r.improvements),
    msPerAgentRun: rs.reduce((s, r) => s + r.ms, 0) / rs.reduce((s, r) => s + r.agentRuns, 0),
  }));
}

const pass = (ok: boolean): string => (ok ? 'PASS' : 'FAIL');

function report(results: JobResult[], elapsedMs: number): void {
  const tasks = DAYS * 24 * 10;
  console.log(
    `\nLearning effectiveness: ${SEEDS} seeds × ${SCENARIO_NAMES.length} scenarios, ${DAYS} days × 10 tasks/h ` +
      `(${tasks} tasks per agent), pools of ${POOL_SIZE}; NS on hidden expected reward (1 = oracle, 0 = uniform random)`,
  );
  const byScenario = new Map(SCENARIO_NAMES.map((s) => [s, rows(results, s)]));
  for (const [scenario, rs] of byScenario) {
    console.log(`\n## ${scenario}`);
    console.log(
      `${pad('policy', 36)}${lpad('NS med', 8)}${lpad('p10', 8)}${lpad('min', 8)}${lpad('day1 med', 10)}` +
        `${lpad('drift-day', 11)}${lpad('ms/agent-run', 14)}`,
    );
    for (const r of rs) {
      console.log(
        `${pad(r.label, 36)}${lpad(fmt(quantile(r.ns, 0.5)), 8)}${lpad(fmt(quantile(r.ns, 0.1)), 8)}` +
          `${lpad(fmt(Math.min(...r.ns)), 8)}${lpad(fmt(quantile(r.day1, 0.5)), 10)}` +
          `${lpad(fmt(quantile(r.drift, 0.5)), 11)}${lpad(fmt(r.msPerAgentRun, 0), 14)}`,
      );
    }
  }

  console.log('\n## seed-30-day composite improvement (PerformanceTracker rolling window vs baseline window, %)');
  console.log(`${pad('policy', 36)}${lpad('median', 8)}${lpad('p10', 8)}${lpad('min', 8)}  target ≥ ${TARGET.composite} %`);
  for (const r of byScenario.get('seed-30-day') ?? []) {
    if (r.job.policy !== 'engine') continue;
    const med = quantile(r.improvements, 0.5);
    console.log(
      `${pad(r.label, 36)}${lpad(fmt(med, 1), 8)}${lpad(fmt(quantile(r.improvements, 0.1), 1), 8)}` +
        `${lpad(fmt(Math.min(...r.improvements), 1), 8)}  ${pass(med >= TARGET.composite)}`,
    );
  }

  console.log(
    `\n## Targets per engine algorithm (worst scenario shown): pooled median ≥ ${TARGET.pooledMedian}, ` +
      `pooled p10 ≥ ${TARGET.pooledP10}, alone median ≥ ${TARGET.aloneMedian}, every seed above random, ` +
      `seed-30-day composite median ≥ ${TARGET.composite} %`,
  );
  console.log(
    `${pad('algorithm', 22)}${lpad('pooled med', 14)}${lpad('pooled p10', 14)}${lpad('alone med', 14)}` +
      `${lpad('min NS', 12)}${lpad('composite', 14)}${lpad('mean NS', 10)}  passes`,
  );
  const verdicts = ENGINE_ALGORITHMS.map((algorithm) => {
    const mine = (pooled: boolean): Row[] =>
      [...byScenario.values()].flatMap((rs) =>
        rs.filter((r) => r.job.policy === 'engine' && r.job.algorithm === algorithm && r.job.pooled === pooled),
      );
    const pooledRows = mine(true);
    const aloneRows = mine(false);
    const worst = (rs: Row[], q: number): number => Math.min(...rs.map((r) => quantile(r.ns, q)));
    const pooledMed = worst(pooledRows, 0.5);
    const pooledP10 = worst(pooledRows, 0.1);
    const aloneMed = worst(aloneRows, 0.5);
    const minNs = Math.min(...[...pooledRows, ...aloneRows].flatMap((r) => r.ns));
    const composite = quantile(
      aloneRows.filter((r) => r.job.scenario === 'seed-30-day').flatMap((r) => r.improvements),
      0.5,
    );
    const meanNs =
      [...pooledRows, ...aloneRows].reduce((s, r) => s + quantile(r.ns, 0.5), 0) / (pooledRows.length + aloneRows.length);
    const checks = [
      pooledMed >= TARGET.pooledMedian,
      pooledP10 >= TARGET.pooledP10,
      aloneMed >= TARGET.aloneMedian,
      minNs > 0,
      composite >= TARGET.composite,
    ];
    console.log(
      `${pad(algorithm, 22)}${lpad(`${fmt(pooledMed)} ${pass(checks[0]!)}`, 14)}${lpad(`${fmt(pooledP10)} ${pass(checks[1]!)}`, 14)}` +
        `${lpad(`${fmt(aloneMed)} ${pass(checks[2]!)}`, 14)}${lpad(`${fmt(minNs)} ${pass(checks[3]!)}`, 12)}` +
        `${lpad(`${fmt(composite, 1)} ${pass(checks[4]!)}`, 14)}${lpad(fmt(meanNs), 10)}  ${checks.filter(Boolean).length}/5`,
    );
    return { algorithm, passes: checks.filter(Boolean).length, meanNs };
  });
  const best = verdicts.reduce((a, b) => (b.passes > a.passes || (b.passes === a.passes && b.meanNs > a.meanNs) ? b : a));
  console.log(
    `\nRecommended default algorithm: ${best.algorithm} (${best.passes}/5 targets, mean median NS ${fmt(best.meanNs)}).`,
  );
  console.log(`Total wall time ${(elapsedMs / 1000).toFixed(1)} s on ${WORKERS} worker(s).`);
}

if (process.argv.includes(WORKER_FLAG)) {
  process.on('message', (job: Job) => {
    void runJob(job).then((result) => process.send!(result));
  });
  process.on('disconnect', () => process.exit(0));
} else {
  const started = performance.now();
  const results = await runAll(jobs());
  report(results, performance.now() - started);
}
