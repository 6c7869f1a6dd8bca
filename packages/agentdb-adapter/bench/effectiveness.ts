/**
 * Every algorithm of this package on learning-core's simulator scenarios, beside the engine's
 * default (the real LearningEngine, pooled and alone, through learning-core's `Simulator`),
 * textbook Thompson sampling and UCB1 (the Simulator's baselines), all on the same seeds, so the
 * same worlds and task streams (`test/harness.test.ts` checks the harness replays them exactly).
 *
 * Per scenario and policy: NS median / p10 / worst over seeds, day-1 and drift-day medians. Then
 * per algorithm: CPU per decision (estimates + select) and per update (update + link), measured
 * on a model trained for 30 days of many-types, and the heap that trained model retains.
 *
 *   QE_BENCH_SEEDS (3), QE_BENCH_DAYS (30), QE_BENCH_SCENARIOS (all, comma-separated),
 *   QE_BENCH_PART (both; `ns` or `cost` for one half)
 */
import {
  BALANCED_CONFIG,
  BanditLearner,
  SCENARIO_NAMES,
  Simulator,
  createRandom,
  type ScenarioName,
  type SimulationPolicy,
} from '@qe-fleet/learning-core';
import { AGENTDB_ALGORITHMS, createAgentDBAdapter, createAgentDBAlgorithm, type AgentDBAlgorithmName } from '../src/index.js';
import { hiddenWorld, runHarness, type HarnessAlgorithm } from './harness.js';

const SEEDS = Number(process.env['QE_BENCH_SEEDS'] ?? 3);
const DAYS = Number(process.env['QE_BENCH_DAYS'] ?? 30);
const SCENARIOS = (process.env['QE_BENCH_SCENARIOS']?.split(',') ?? SCENARIO_NAMES) as ScenarioName[];
const POOL = 3;
const PART = process.env['QE_BENCH_PART'] ?? 'both';

interface Score {
  ns: number;
  day1: number;
  drift: number | null;
}

const quantile = (values: readonly number[], q: number): number => {
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo]! + (s[Math.ceil(pos)]! - s[lo]!) * (pos - lo);
};
const f = (x: number | null, d = 3): string => (x === null || Number.isNaN(x) ? '—' : x.toFixed(d));

async function simulator(scenario: ScenarioName, seed: number, policy: SimulationPolicy, agents: number): Promise<Score> {
  const r = await new Simulator({
    scenario,
    seed,
    days: DAYS,
    policy,
    pooled: agents > 1,
    agentsPerType: agents,
    trackPerformance: false,
  }).run();
  return { ns: r.normalizedScore, day1: r.firstDayNormalizedScore, drift: r.driftDayNormalizedScore };
}

function builder(name: AgentDBAlgorithmName | 'bare discounted-thompson', roundEvery?: number): (id: string, random: () => number) => HarnessAlgorithm {
  const store = createAgentDBAdapter({ dbPath: ':memory:' });
  return (id, random) => {
    const strategies = ['template-based', 'boundary-value', 'property-based', 'mutation-guided', 'coverage-guided'];
    if (name === 'bare discounted-thompson') {
      return new BanditLearner('discounted-thompson', strategies, random, 'thompson', { kind: 'discount', factor: BALANCED_CONFIG.banditDiscount });
    }
    return createAgentDBAlgorithm(name, strategies, random, {
      'federated-learning': { store, federation: 'bench', member: id, ...(roundEvery === undefined ? {} : { roundEvery }) },
    });
  };
}

const rows = new Map<string, Map<ScenarioName, Score[]>>();
const record = (label: string, scenario: ScenarioName, score: Score): void => {
  if (!rows.has(label)) rows.set(label, new Map());
  const byScenario = rows.get(label)!;
  byScenario.set(scenario, [...(byScenario.get(scenario) ?? []), score]);
};

const started = performance.now();
const labels: string[] = [];
const addLabel = (l: string): string => {
  if (!labels.includes(l)) labels.push(l);
  return l;
};
for (const scenario of PART === 'cost' ? [] : SCENARIOS) {
  await hiddenWorld(scenario);
  for (let seed = 1; seed <= SEEDS; seed++) {
    record(addLabel(`engine default (${BALANCED_CONFIG.algorithm}) pooled ×${POOL}`), scenario, await simulator(scenario, seed, 'engine', POOL));
    record(addLabel(`engine default (${BALANCED_CONFIG.algorithm}) alone`), scenario, await simulator(scenario, seed, 'engine', 1));
    record(addLabel('textbook Thompson'), scenario, await simulator(scenario, seed, 'thompson', 1));
    record(addLabel('textbook UCB1'), scenario, await simulator(scenario, seed, 'ucb1', 1));
    for (const name of [...AGENTDB_ALGORITHMS, 'bare discounted-thompson'] as const) {
      const r = await runHarness({ scenario, seed, days: DAYS, make: builder(name) });
      record(addLabel(`${name}${name === 'bare discounted-thompson' ? ' (engine algorithm, no engine)' : ''} alone`), scenario, {
        ns: r.normalizedScore,
        day1: r.firstDayNormalizedScore,
        drift: r.driftDayNormalizedScore,
      });
    }
    const fed = await runHarness({ scenario, seed, days: DAYS, agents: POOL, make: builder('federated-learning') });
    record(addLabel(`federated-learning pooled ×${POOL}`), scenario, { ns: fed.normalizedScore, day1: fed.firstDayNormalizedScore, drift: fed.driftDayNormalizedScore });
    // The same three agents without a single round: what the federation adds.
    const solo = await runHarness({ scenario, seed, days: DAYS, agents: POOL, make: builder('federated-learning', Number.MAX_SAFE_INTEGER) });
    record(addLabel(`federated-learning ×${POOL}, no rounds (same agents, not sharing)`), scenario, { ns: solo.normalizedScore, day1: solo.firstDayNormalizedScore, drift: solo.driftDayNormalizedScore });
    process.stderr.write(`effectiveness: ${scenario} seed ${seed} done (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
  }
}

if (PART !== 'cost') console.log(
  `\nNS on hidden expected reward (1 = oracle, 0 = uniform random), ${SEEDS} seeds × ${DAYS} days × 10 tasks/h; ` +
    `cells: median / p10 / worst, then day-1 median (d1) and drift-day median (dd)\n`,
);
if (PART !== 'cost') {
  console.log(`| policy | ${SCENARIOS.join(' | ')} | mean of medians |`);
  console.log(`| --- | ${SCENARIOS.map(() => '---').join(' | ')} | --- |`);
}
for (const label of labels) {
  const byScenario = rows.get(label)!;
  const medians: number[] = [];
  const cells = SCENARIOS.map((s) => {
    const scores = byScenario.get(s) ?? [];
    const ns = scores.map((x) => x.ns);
    medians.push(quantile(ns, 0.5));
    const drift = scores.flatMap((x) => (x.drift === null ? [] : [x.drift]));
    return (
      `${f(quantile(ns, 0.5))} / ${f(quantile(ns, 0.1))} / ${f(Math.min(...ns))}, d1 ${f(quantile(scores.map((x) => x.day1), 0.5), 2)}` +
      (drift.length > 0 ? `, dd ${f(quantile(drift, 0.5), 2)}` : '')
    );
  });
  console.log(`| ${label} | ${cells.join(' | ')} | ${f(medians.reduce((a, b) => a + b, 0) / medians.length)} |`);
}

// CPU and heap per algorithm, on a model trained on 30 days of many-types (4 task types).
const gc = (globalThis as { gc?: () => void }).gc;
const heapNow = (): number => {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
console.log(
  `\nCPU (process user+system µs per call, 20 000 calls on a model trained on 30 days of many-types) and retained heap ` +
    `(V8 heap + ArrayBuffers per trained model: its rows restored into 200 instances held at once${gc === undefined ? '; run with --expose-gc for a meaningful figure' : ''})\n`,
);
console.log('| algorithm | CPU per decision (µs) | CPU per update (µs) | heap (KB) |');
console.log('| --- | --- | --- | --- |');
for (const name of [...AGENTDB_ALGORITHMS, 'bare discounted-thompson'] as const) {
  // The trained model's rows restored into 200 fresh instances held at once, so the per-model
  // figure rises above the GC's noise (transient state, e.g. federated remote sums, not included).
  const COPIES = 200;
  const alg = (await runHarness({ scenario: 'many-types', seed: 1, days: 30, make: builder(name) })).algorithms[0]! as HarnessAlgorithm & {
    rowCodes(): Iterable<number>;
    serializeRow(code: number): unknown;
    restoreRow(code: number, value: unknown): void;
  };
  const rowsOf = [...alg.rowCodes()].map((code) => [code, JSON.parse(JSON.stringify(alg.serializeRow(code)))] as const);
  const make = builder(name);
  const before = heapNow();
  const kept: HarnessAlgorithm[] = [];
  for (let c = 0; c < COPIES; c++) {
    const copy = make(`copy-${c}`, createRandom(c)) as typeof alg;
    for (const [code, row] of rowsOf) copy.restoreRow(code, row);
    kept.push(copy);
  }
  const retained = (heapNow() - before) / COPIES;
  const random = createRandom(9);
  const contexts = [0, 1, 2, 3].map((t) => ({ state: t * 1601 + 883, type: t * 1601 + 1600 }));
  const N = 20_000;
  let cpu = process.cpuUsage();
  let sink = 0;
  for (let i = 0; i < N; i++) {
    const ctx = contexts[i % 4]!;
    sink += alg.select(ctx, alg.estimates(ctx), 0.01);
  }
  const decision = process.cpuUsage(cpu);
  cpu = process.cpuUsage();
  for (let i = 0; i < N; i++) {
    const ctx = contexts[i % 4]!;
    alg.update(ctx, i % 5, random(), null);
    alg.link(contexts[(i + 3) % 4]!, (i + 1) % 5, random(), ctx);
  }
  const update = process.cpuUsage(cpu);
  const us = (c: NodeJS.CpuUsage): string => ((c.user + c.system) / N).toFixed(2);
  console.log(`| ${name} | ${us(decision)} | ${us(update)} | ${(retained / 1024).toFixed(0)} |${sink < 0 || kept.length === 0 ? ' ' : ''}`);
}
console.log(
  `\nEngine, for scale: the whole LearningEngine path costs ≈ 0.3 ms per task on :memory: (learning-core README), most of it SQLite.` +
    `\nTotal wall time ${((performance.now() - started) / 1000).toFixed(0)} s; load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(2)).join(' ')}.`,
);
