/**
 * Every algorithm on learning-core's random worlds (`generateWorld`, the worlds of its `pnpm bench
 * worlds`: random task types, strategies, contexts whose features matter or only split tasks,
 * traps, noise, a noisy load reading, drifts, pools of 2-4 agents some of which join late), all
 * through learning-core's `Simulator` on the same worlds and seeds in one run:
 *
 * - the engine's default (discounted Thompson) pooled and alone, textbook Gaussian Thompson and
 *   UCB1 keyed by the world's hidden (task type, context) (the Simulator's baselines);
 * - the nine algorithms inside the real `LearningEngine`, selected by config name after
 *   `registerAgentDBAlgorithms()` (q-learning is the engine's built-in), each agent alone;
 *   `federated-learning` members exchange statistics through an AgentDB store every 50 updates;
 * - `decision-transformer`: trained offline (worker, 10 epochs) on the logged experiences of the
 *   engine default on the same world with another seed (seed + 1000), then run frozen through the
 *   harness (the Simulator's exact replay, `test/harness.test.ts`), whose task-type numbering is the
 *   one the model was trained with.
 *
 * Then CPU per decision (`selectStrategy`, propensity logging included) and per update
 * (`learnFromExecution`, its SQLite write included) and retained JS heap per engine: five engines
 * per algorithm, 2 000 tasks of world `FIRST` each, held at once (run with --expose-gc).
 *
 *   QE_BENCH_WORLDS (12), QE_BENCH_WORLDS_FIRST (1), QE_BENCH_WORLDS_DAYS (7)
 */
import { loadavg } from 'node:os';
import {
  LearningEngine,
  Simulator,
  createRandom,
  generateWorld,
  registerAlgorithm,
  type LearningAlgorithm,
  type SimulationPolicy,
  type TaskExperience,
  type TaskScheduler,
} from '@qe-fleet/learning-core';
import { SwarmMemoryManager } from '@qe-fleet/memory';
import {
  createAgentDBAdapter,
  createAgentDBAlgorithm,
  CurriculumScheduler,
  DecisionTransformerAlgorithm,
  logsFromExperiences,
  registerAgentDBAlgorithms,
  trainDecisionTransformer,
  engineContextFeatures,
  type DecisionTransformerTrained,
} from '../src/index.js';
import { runHarness } from './harness.js';

const WORLDS = Number(process.env['QE_BENCH_WORLDS'] ?? 12);
const FIRST = Number(process.env['QE_BENCH_WORLDS_FIRST'] ?? 1);
const DAYS = Number(process.env['QE_BENCH_WORLDS_DAYS'] ?? 7);
const ENGINE_ALGORITHMS = ['q-learning', 'sarsa', 'actor-critic', 'adversarial-training', 'active-learning', 'curriculum-learning', 'federated-learning', 'multi-task-learning'];

interface Score {
  ns: number;
  day1: number;
  drift: number | null;
}

const quantile = (values: readonly number[], q: number): number => {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo]! + (s[Math.ceil(pos)]! - s[lo]!) * (pos - lo);
};
const f = (x: number, d = 3): string => (Number.isNaN(x) ? '—' : x.toFixed(d));

const scores = new Map<string, Map<number, Score>>();
const labels: string[] = [];
const record = (label: string, seed: number, score: Score): void => {
  if (!scores.has(label)) {
    scores.set(label, new Map());
    labels.push(label);
  }
  scores.get(label)!.set(seed, score);
};

registerAgentDBAlgorithms();
/** Federated members need distinct names and a store per world; the bench registers its own factory. */
let federation = { store: createAgentDBAdapter({ dbPath: ':memory:' }), members: 0, name: 'w0' };
registerAlgorithm('federated-learning', (_config, arms, random) =>
  createAgentDBAlgorithm('federated-learning', arms, random, {
    'federated-learning': { store: federation.store, federation: federation.name, member: `m${federation.members++}` },
  }) as LearningAlgorithm,
);
let dtModel: DecisionTransformerTrained | null = null;
// For the cost rows: the engine running the last world's trained model.
registerAlgorithm('decision-transformer', (_config, arms) => new DecisionTransformerAlgorithm(dtModel!, arms));

const started = performance.now();
let dtTrainSeconds = 0;
const dtHeld: number[] = [];
for (let seed = FIRST; seed < FIRST + WORLDS; seed++) {
  const world = generateWorld(seed, { days: Math.max(4, DAYS) });
  const simulate = async (policy: SimulationPolicy, options: { pooled?: boolean; algorithm?: string; scheduler?: TaskScheduler } = {}): Promise<Score> => {
    const r = await new Simulator({
      scenario: world.scenario,
      days: DAYS,
      seed,
      policy,
      pooled: options.pooled ?? false,
      agentsPerType: world.agents,
      joinDays: world.joinDays.filter((d) => d < DAYS),
      trackPerformance: false,
      ...(options.algorithm === undefined ? {} : { algorithm: options.algorithm }),
      ...(options.scheduler === undefined ? {} : { scheduler: options.scheduler }),
    }).run();
    return { ns: r.normalizedScore, day1: r.firstDayNormalizedScore, drift: r.driftDayNormalizedScore };
  };
  record('engine default (discounted-thompson) pooled', seed, await simulate('engine', { pooled: true }));
  record('engine default (discounted-thompson) alone', seed, await simulate('engine'));
  record('engine default alone, tasks by CurriculumScheduler', seed, await simulate('engine', { scheduler: new CurriculumScheduler() }));
  record('textbook Gaussian Thompson (type, context)', seed, await simulate('gaussian-thompson'));
  record('textbook UCB1 (type, context)', seed, await simulate('ucb1'));
  for (const name of ENGINE_ALGORITHMS) {
    federation = { store: federation.store, members: 0, name: `w${seed}` };
    record(`${name}${name === 'federated-learning' ? ' (store, every 50 updates)' : ' alone'}`, seed, await simulate('engine', { algorithm: name }));
  }
  // Across task types only multi-task-learning carries anything over: the one learner an easy-first order could help.
  record('multi-task-learning alone, tasks by CurriculumScheduler', seed, await simulate('engine', { algorithm: 'multi-task-learning', scheduler: new CurriculumScheduler() }));
  // Decision transformer: logs of the engine default on this world with another seed (the harness
  // replays the Simulator exactly and numbers task types in scenario order, as the model expects).
  const typeOrder = new Map(world.scenario.taskTypes.map((t, i) => [t.taskType, i]));
  const logs: TaskExperience[] = [];
  await runHarness({
    scenario: world.scenario,
    seed: seed + 1000,
    days: DAYS,
    agents: 1,
    learner: (id, random, clock, resources) => {
      const memory = new SwarmMemoryManager(':memory:', { clock, cleanupIntervalMs: 0 });
      memory.initialize();
      const engine = new LearningEngine(id, memory, { strategies: world.scenario.strategies, clock, random, resources, config: { replayBufferSize: 100_000 } });
      engine.initialize();
      return {
        choose: (task) => engine.selectStrategy(engine.extractTaskState(task)).strategy,
        learn: (task, result) => {
          const outcome = engine.learnFromExecution(task, result);
          if (outcome.experience !== null) logs.push(outcome.experience);
        },
      };
    },
  });
  const strategies = world.scenario.strategies.map((s) => (typeof s === 'string' ? s : s.name));
  const { logged } = logsFromExperiences(logs, strategies, { typeIndex: (t) => typeOrder.get(t)! });
  const t0 = performance.now();
  dtModel = await trainDecisionTransformer([logged.map((e) => ({ features: engineContextFeatures(e.context), action: e.arm, reward: e.reward }))], { actions: strategies.length });
  dtTrainSeconds += (performance.now() - t0) / 1000;
  dtHeld.push(dtModel.heldOutAccuracy);
  const dt = await runHarness({
    scenario: world.scenario,
    seed,
    days: DAYS,
    agents: world.agents,
    joinDays: world.joinDays.filter((d) => d < DAYS),
    make: () => new DecisionTransformerAlgorithm(dtModel!, strategies),
  });
  record('decision-transformer (trained on the engine default’s logs, frozen)', seed, { ns: dt.normalizedScore, day1: dt.firstDayNormalizedScore, drift: dt.driftDayNormalizedScore });
  process.stderr.write(`worlds: world ${seed} done (${((performance.now() - started) / 1000).toFixed(0)} s) ${world.summary}\n`);
}

// Cost per algorithm: five engines × 2 000 tasks of world FIRST, :memory: stores.
const gc = (globalThis as { gc?: () => void }).gc;
const heapNow = (): number => {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
const costWorld = generateWorld(FIRST, { days: Math.max(4, DAYS) });
const cost = new Map<string, { decision: number; update: number; heap: number }>();
// The decision transformer's cost row needs the last world's model to fit world FIRST's strategies.
const dtFits = dtModel !== null && (dtModel as DecisionTransformerTrained).config.actions === costWorld.scenario.strategies.length;
for (const algorithm of ['discounted-thompson', 'thompson-sampling', 'ucb1', ...ENGINE_ALGORITHMS, ...(dtFits ? ['decision-transformer'] : [])]) {
  federation = { store: federation.store, members: 0, name: `cost-${algorithm}` };
  const N = 2000;
  const COPIES = 5;
  const before = heapNow();
  const kept: Array<{ memory: SwarmMemoryManager; engine: LearningEngine }> = [];
  let decision = 0;
  let update = 0;
  for (let copy = 0; copy < COPIES; copy++) {
    let now = Date.UTC(2026, 0, 1);
    const memory = new SwarmMemoryManager(':memory:', { clock: () => now, cleanupIntervalMs: 0 });
    memory.initialize();
    const engine = new LearningEngine(`cost-${copy}`, memory, { strategies: costWorld.scenario.strategies, clock: () => now, random: createRandom(5 + copy), resources: () => 0.6, config: { algorithm } });
    engine.initialize();
    kept.push({ memory, engine });
    const random = createRandom(7 + copy);
    const types = costWorld.scenario.taskTypes.map((t) => t.taskType);
    for (let i = 0; i < N; i++) {
      now += 360_000;
      const task = { id: `t${i}`, type: types[i % types.length]!, context: { complexity: random() }, capabilities: ['qe'] };
      let c = process.cpuUsage();
      const s = engine.selectStrategy(engine.extractTaskState(task));
      let d = process.cpuUsage(c);
      decision += d.user + d.system;
      c = process.cpuUsage();
      engine.learnFromExecution(task, { strategy: s.strategy, success: random() < 0.6, executionTime: 1000 + 5000 * random() });
      d = process.cpuUsage(c);
      update += d.user + d.system;
    }
  }
  // Retained by the engines held at once (JS heap; SQLite's pages are native memory, not counted).
  const heap = (heapNow() - before) / COPIES;
  cost.set(algorithm, { decision: decision / (N * COPIES), update: update / (N * COPIES), heap });
  for (const k of kept) k.memory.close();
}
const costOf = (label: string): string => {
  const key = label.startsWith('engine default') ? 'discounted-thompson' : label.startsWith('textbook') ? null : label.split(' ')[0]!;
  const c = key === null ? undefined : cost.get(key);
  return c === undefined ? '— | — | —' : `${c.decision.toFixed(0)} | ${c.update.toFixed(0)} | ${(c.heap / 1024).toFixed(0)}`;
};

const seeds = Array.from({ length: WORLDS }, (_, i) => FIRST + i);
const reference = 'engine default (discounted-thompson) pooled';
console.log(
  `\nRandom worlds ${FIRST}..${FIRST + WORLDS - 1} (learning-core generateWorld), ${DAYS} days × 10 tasks/h per agent, pools of 2-4 agents; ` +
    `NS on hidden expected reward (1 = oracle, 0 = uniform random); ${((performance.now() - started) / 1000).toFixed(0)} s; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}\n`,
);
console.log(`| policy | NS median | p10 | worst | day-1 median | drift-day median | ≥ engine pooled in | CPU µs / decision | CPU µs / update | heap KB |`);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const label of labels) {
  const by = scores.get(label)!;
  const rs = seeds.map((s) => by.get(s)!);
  const ns = rs.map((r) => r.ns);
  const drift = rs.flatMap((r) => (r.drift === null ? [] : [r.drift]));
  const ref = scores.get(reference)!;
  const wins = seeds.filter((s) => by.get(s)!.ns >= ref.get(s)!.ns).length;
  console.log(
    `| ${label} | ${f(quantile(ns, 0.5))} | ${f(quantile(ns, 0.1))} | ${f(Math.min(...ns))} | ${f(quantile(rs.map((r) => r.day1), 0.5), 2)} | ` +
      `${f(quantile(drift, 0.5), 2)} | ${wins} / ${WORLDS} | ${costOf(label)} |`,
  );
}
for (const name of ['thompson-sampling', 'ucb1']) {
  const c = cost.get(name)!;
  console.log(`| (cost only) engine with built-in ${name} | | | | | | | ${c.decision.toFixed(0)} | ${c.update.toFixed(0)} | ${(c.heap / 1024).toFixed(0)} |`);
}
console.log(
  `\nDecision transformer: ${(dtTrainSeconds / WORLDS).toFixed(1)} s of training per world (worker); held-out accuracy median ${f(quantile(dtHeld, 0.5))}.` +
    `\nCost: five engines × 2 000 tasks of world ${FIRST} (one agent each), :memory: stores; CPU = process user+system per call; heap = V8 heap + ArrayBuffers retained per engine (SQLite's native pages not counted)${gc === undefined ? ' (run with --expose-gc for a meaningful figure)' : ''}.`,
);
