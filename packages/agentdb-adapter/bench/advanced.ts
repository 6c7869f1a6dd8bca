/**
 * AdvancedLearningEngine (neighbours first, engine fallback) against the plain LearningEngine
 * (the default algorithm) on the same worlds, seeds and policy streams: NS median over seeds,
 * day 1, drift day, the share of decisions the neighbours made, and wall time per task (both on
 * `:memory:` stores; the difference is the retrieval and the extra insert).
 *
 *   QE_BENCH_SEEDS (2), QE_BENCH_DAYS (30), QE_BENCH_SCENARIOS (all)
 */
import { LearningEngine, SCENARIO_NAMES, getScenario, type ScenarioName } from '@qe-fleet/learning-core';
import { SwarmMemoryManager } from '@qe-fleet/memory';
import { AdvancedLearningEngine, createAgentDBAdapter } from '../src/index.js';
import { runHarness, type TaskLearner } from './harness.js';

const SEEDS = Number(process.env['QE_BENCH_SEEDS'] ?? 2);
const DAYS = Number(process.env['QE_BENCH_DAYS'] ?? 30);
const SCENARIOS = (process.env['QE_BENCH_SCENARIOS']?.split(',') ?? SCENARIO_NAMES) as ScenarioName[];
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

async function run(scenario: ScenarioName, seed: number, advanced: boolean) {
  const closers: Array<() => void> = [];
  let engine: LearningEngine | undefined;
  const started = performance.now();
  const result = await runHarness({
    scenario,
    seed,
    days: DAYS,
    learner: (id, random, clock, resources): TaskLearner => {
      const memory = new SwarmMemoryManager(':memory:', { clock, cleanupIntervalMs: 0 });
      memory.initialize();
      closers.push(() => memory.close());
      const options = { strategies: getScenario(scenario).strategies, clock, random, resources };
      if (advanced) {
        const db = createAgentDBAdapter({ dbPath: ':memory:', clock });
        closers.push(() => db.close());
        engine = new AdvancedLearningEngine(id, memory, { ...options, agentDB: db });
      } else engine = new LearningEngine(id, memory, options);
      engine.initialize();
      return {
        choose: (task) => engine!.selectStrategy(engine!.extractTaskState(task)).strategy,
        learn: (task, r) => void engine!.learnFromExecution(task, r),
      };
    },
  });
  const usage = engine instanceof AdvancedLearningEngine ? engine.usage : null;
  const ms = (performance.now() - started) / result.tasks;
  for (const close of closers) close();
  return { result, usage, ms };
}

console.log(`${SEEDS} seeds × ${DAYS} days, one agent; NS median (day-1 median, drift-day median)\n`);
console.log('| scenario | plain LearningEngine | AdvancedLearningEngine | decisions by neighbours | ms per task plain → advanced |');
console.log('| --- | --- | --- | --- | --- |');
for (const scenario of SCENARIOS) {
  const plain: Array<Awaited<ReturnType<typeof run>>> = [];
  const adv: Array<Awaited<ReturnType<typeof run>>> = [];
  for (let seed = 1; seed <= SEEDS; seed++) {
    plain.push(await run(scenario, seed, false));
    adv.push(await run(scenario, seed, true));
  }
  const cell = (rs: typeof plain): string => {
    const d = rs.flatMap((r) => (r.result.driftDayNormalizedScore === null ? [] : [r.result.driftDayNormalizedScore]));
    return `${median(rs.map((r) => r.result.normalizedScore)).toFixed(3)} (d1 ${median(rs.map((r) => r.result.firstDayNormalizedScore)).toFixed(2)}${d.length > 0 ? `, dd ${median(d).toFixed(2)}` : ''})`;
  };
  const share = median(adv.map((r) => r.usage!.byNeighbours / (r.usage!.byNeighbours + r.usage!.byEngine)));
  console.log(
    `| ${scenario} | ${cell(plain)} | ${cell(adv)} | ${(100 * share).toFixed(0)} % | ${median(plain.map((r) => r.ms)).toFixed(2)} → ${median(adv.map((r) => r.ms)).toFixed(2)} |`,
  );
}
