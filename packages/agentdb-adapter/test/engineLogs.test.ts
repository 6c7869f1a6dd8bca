import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LearningEngine, Simulator, createRandom, getScenario, unregisterAlgorithm } from '@qe-fleet/learning-core';
import { SwarmMemoryManager } from '@qe-fleet/memory';
import {
  MultiTaskLearning,
  Sarsa,
  evaluateAlgorithm,
  evaluateDecisionTransformer,
  evaluatePolicy,
  loggedValue,
  logsFromExperiences,
  registerAgentDBAlgorithms,
  type EngineLogEntry,
} from '@qe-fleet/agentdb-adapter';
import { hiddenWorld, runHarness } from '../bench/harness.js';

const SCENARIO = 'many-types';
const strategies = getScenario(SCENARIO).strategies;
const names = strategies.map((s) => (typeof s === 'string' ? s : s.name));
const typeOrder = new Map(getScenario(SCENARIO).taskTypes.map((t, i) => [t.taskType, i]));
const DAY_MS = 24 * 3600_000;
const START = Date.UTC(2026, 0, 1);

interface EngineRun {
  logged: EngineLogEntry[];
  skipped: number;
  day: Map<string, number>;
}

/** A real LearningEngine (default config) driven through the Simulator's world for `days`; its stored experiences as logs. */
async function engineLogs(seed: number, days: number, config: Record<string, unknown> = {}): Promise<EngineRun> {
  const day = new Map<string, number>();
  let engine: LearningEngine | undefined;
  let memory: SwarmMemoryManager | undefined;
  await runHarness({
    scenario: SCENARIO,
    seed,
    days,
    learner: (id, random, clock, resources) => {
      memory = new SwarmMemoryManager(':memory:', { clock, cleanupIntervalMs: 0 });
      memory.initialize();
      engine = new LearningEngine(id, memory, { strategies, clock, random, resources, config });
      engine.initialize();
      return {
        choose: (task) => engine!.selectStrategy(engine!.extractTaskState(task)).strategy,
        learn: (task, result) => {
          day.set(task.id, (clock() - START) / DAY_MS);
          engine!.learnFromExecution(task, result);
        },
      };
    },
  });
  const experiences = engine!.getState().experiences;
  memory!.close();
  return { ...logsFromExperiences(experiences, names, { typeIndex: (t) => typeOrder.get(t)! }), day };
}

describe('off-policy evaluation on the real engine’s logged propensities, against the simulator’s ground truth', () => {
  let target: MultiTaskLearning;
  const runs: EngineRun[] = [];
  beforeAll(async () => {
    const trained = await runHarness({ scenario: SCENARIO, seed: 9, days: 2, make: (_, random) => new MultiTaskLearning(names, random) });
    target = trained.algorithms[0] as MultiTaskLearning;
    for (const seed of [1, 2, 3, 4, 5]) runs.push(await engineLogs(seed, 4));
  }, 120_000);

  it('logs a propensity with every engine choice, and the propensities are calibrated (mean importance weight of the uniform policy ≈ 1)', () => {
    for (const run of runs) {
      expect(run.logged.length).toBeGreaterThan(900);
      const uniform = evaluatePolicy({ probabilities: () => names.map(() => 1 / names.length) }, run.logged);
      expect(uniform.experiences).toBe(run.logged.length);
    }
    // E[π/μ] = Σ_a π(a) = 1 when μ are the true selection probabilities. Over the five runs' logs
    // together: a rare choice logged at a propensity below 0.001 weighs several hundred and moves a
    // single run's 960-choice mean by 0.3 or more, where calibration is not in doubt.
    const logged = runs.flatMap((run) => run.logged);
    const meanWeight = logged.reduce((s, e) => s + 1 / names.length / e.propensity, 0) / logged.length;
    expect(Math.abs(meanWeight - 1)).toBeLessThan(0.2);
  });

  it('covers the true value of a frozen target policy in most seeds (doubly robust 95 % interval)', async () => {
    const world = await hiddenWorld(SCENARIO);
    let covered = 0;
    for (const run of runs) {
      const truth =
        run.logged.reduce((s, e) => {
          const p = target.probabilities(e.context);
          return s + p.reduce((acc, pa, a) => acc + pa * world.expected(e.taskType, names[a]!, run.day.get(e.taskId)!), 0);
        }, 0) / run.logged.length;
      const estimate = evaluatePolicy(target, run.logged);
      if (estimate.doublyRobust.lower <= truth && truth <= estimate.doublyRobust.upper) covered++;
      expect(Math.abs(estimate.doublyRobust.value - truth)).toBeLessThan(0.1);
    }
    expect(covered).toBeGreaterThanOrEqual(4);
  });

  it('replaying the engine’s own algorithm over its logs estimates the logged value (the difference interval holds 0 in most seeds)', () => {
    let holds = 0;
    for (const run of runs) {
      const self = evaluateAlgorithm('discounted-thompson', run.logged, names);
      if (self.versusLogged.lower <= 0 && self.versusLogged.upper >= 0) holds++;
      expect(Math.abs(self.doublyRobust.value - loggedValue(run.logged).value)).toBeLessThan(0.05);
    }
    expect(holds).toBeGreaterThanOrEqual(4);
  });

  it('ranks a bad candidate below the logged engine (the check can fail): uniform-like EXP3 early on', () => {
    registerAgentDBAlgorithms();
    const bad = evaluateAlgorithm('adversarial-training', runs[0]!.logged, names);
    expect(bad.versusLogged.upper).toBeLessThan(0);
  });

  it('trains and evaluates the decision transformer on held-out logs', async () => {
    const dt = await evaluateDecisionTransformer(runs[0]!.logged, names, { epochs: 3 });
    expect(dt.trainedOn).toBe(Math.floor(runs[0]!.logged.length * 0.7));
    expect(dt.experiences).toBe(runs[0]!.logged.length - dt.trainedOn);
    expect(dt.doublyRobust.upper).toBeGreaterThan(dt.doublyRobust.lower);
    expect(dt.model.lossByEpoch).toHaveLength(3);
  }, 60_000);
});

describe('registerAgentDBAlgorithms: the nine selectable through the engine config', () => {
  afterAll(() => {
    for (const n of ['sarsa', 'actor-critic', 'adversarial-training', 'active-learning', 'curriculum-learning', 'multi-task-learning', 'federated-learning', 'decision-transformer']) {
      unregisterAlgorithm(n);
    }
  });

  it('runs each registered algorithm inside a LearningEngine, persisting its rows and logging its exact probabilities', async () => {
    const { createAgentDBAdapter } = await import('@qe-fleet/agentdb-adapter');
    const store = createAgentDBAdapter({ dbPath: ':memory:' });
    const registered = registerAgentDBAlgorithms({ federated: { store, federation: 'test', member: 'fleet-a' } });
    expect(registered).toEqual(['sarsa', 'actor-critic', 'adversarial-training', 'active-learning', 'curriculum-learning', 'multi-task-learning', 'federated-learning']);
    for (const algorithm of ['q-learning', ...registered]) {
      const memory = new SwarmMemoryManager(':memory:', { cleanupIntervalMs: 0 });
      memory.initialize();
      const engine = new LearningEngine('a1', memory, { strategies: names, random: createRandom(3), resources: () => 0.5, config: { algorithm } });
      engine.initialize();
      const outcomes = createRandom(8);
      for (let i = 0; i < 40; i++) {
        const task = { id: `t${i}`, type: i % 2 === 0 ? 'unit' : 'api' };
        const s = engine.selectStrategy(engine.extractTaskState(task));
        engine.learnFromExecution(task, { strategy: s.strategy, success: outcomes() < (s.strategy === names[2] ? 0.9 : 0.3), executionTime: 1000 });
      }
      const state = engine.getState();
      expect(state.algorithm).toBe(algorithm);
      expect(state.experiences.every((e) => e.propensity! > 0 && e.propensity! <= 1)).toBe(true);
      // A restart rebuilds the same model from the store.
      const again = new LearningEngine('a1', memory, { strategies: names, random: createRandom(3), resources: () => 0.5, config: { algorithm } });
      again.initialize();
      expect({ algorithm, model: again.getState().model }).toEqual({ algorithm, model: state.model });
      memory.close();
    }
    store.close();
  });

  it('logs Sarsa’s own epsilon-greedy probability, and runs a registered algorithm in the Simulator', async () => {
    registerAgentDBAlgorithms();
    const memory = new SwarmMemoryManager(':memory:', { cleanupIntervalMs: 0 });
    memory.initialize();
    const engine = new LearningEngine('a1', memory, { strategies: names, random: createRandom(3), resources: () => 0.5, config: { algorithm: 'sarsa' } });
    engine.initialize();
    const task = { id: 't', type: 'unit' };
    const s = engine.selectStrategy(engine.extractTaskState(task));
    const outcome = engine.learnFromExecution(task, { strategy: s.strategy, success: true, executionTime: 1000 });
    const reference = new Sarsa(names, createRandom(1));
    const p = reference.probabilities({ state: 0 * 1601 + Number(outcome.experience!.stateKey.split('|')[1]!.replace(/\D/g, '') || 0), type: 1600 }, engine.getConfig().explorationRate);
    expect(p).toContain(outcome.experience!.propensity);
    memory.close();
    const r = await new Simulator({ scenario: 'stationary', days: 2, agentsPerType: 1, pooled: false, algorithm: 'multi-task-learning', trackPerformance: false }).run();
    expect(r.algorithm).toBe('multi-task-learning');
    expect(r.normalizedScore).toBeGreaterThan(0.3);
  });
});
