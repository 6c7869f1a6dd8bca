import { afterEach, describe, expect, it } from 'vitest';
import {
  LearningError,
  Simulator,
  TabularAlgorithm,
  createRandom,
  registerAlgorithm,
  registeredAlgorithms,
  resolveLearningConfig,
  unregisterAlgorithm,
  type ArmContext,
  type ArmEstimate,
} from '@qe-fleet/learning-core';
import { openEngine, openMemory, runTasks } from './engineHelpers.js';

/** A plugged-in epsilon-greedy over running means, with exact selection probabilities (weights 0.6 / 0.3 / 0.1 by rank). */
class RankedPolicy extends TabularAlgorithm {
  readonly name = 'ranked-policy';
  readonly replays = false;
  readonly usesEpsilon = false;
  probabilitiesCalls = 0;

  estimates(ctx: ArmContext): ArmEstimate[] {
    const row = this.table.find(ctx.type);
    return this.arms.map((_, i) => {
      const n = row < 0 ? 0 : this.table.get(row, 2 * i);
      return { mean: n > 0 ? this.table.get(row, 2 * i + 1) / n : 0.5, trials: n };
    });
  }

  probabilities(ctx: ArmContext): number[] {
    this.probabilitiesCalls++;
    const order = this.estimates(ctx)
      .map((e, i) => ({ mean: e.mean, i }))
      .sort((a, b) => b.mean - a.mean || a.i - b.i);
    const p = new Array<number>(this.arms.length).fill(0);
    order.forEach(({ i }, rank) => (p[i] = [0.6, 0.3, 0.1][rank] ?? 0));
    return p;
  }

  select(ctx: ArmContext): number {
    const p = this.probabilities(ctx);
    let u = this.random();
    for (let i = 0; i < p.length; i++) if ((u -= p[i]!) < 0) return i;
    return p.length - 1;
  }

  update(ctx: ArmContext, arm: number, reward: number): boolean {
    const row = this.table.ensure(ctx.type);
    this.table.set(row, 2 * arm, this.table.get(row, 2 * arm) + 1);
    this.table.set(row, 2 * arm + 1, this.table.get(row, 2 * arm + 1) + reward);
    return true;
  }

  link(): void {}
}

describe('registerAlgorithm: plugging an algorithm into LearningEngine', () => {
  afterEach(() => {
    unregisterAlgorithm('ranked-policy');
  });

  it('makes a registered name selectable through the config, leaves the default alone and refuses bad or built-in names', () => {
    expect(() => resolveLearningConfig({ algorithm: 'ranked-policy' })).toThrow(/one of q-learning/);
    registerAlgorithm('ranked-policy', (_config, arms, random) => new RankedPolicy(arms, random));
    expect(registeredAlgorithms()).toContain('ranked-policy');
    expect(resolveLearningConfig({ algorithm: 'ranked-policy' }).algorithm).toBe('ranked-policy');
    expect(resolveLearningConfig().algorithm).toBe('discounted-thompson');
    expect(() => registerAlgorithm('discounted-thompson', (_c, arms, random) => new RankedPolicy(arms, random))).toThrow(LearningError);
    expect(() => registerAlgorithm('Bad Name', (_c, arms, random) => new RankedPolicy(arms, random))).toThrow(/lowercase/);
    const engine = openEngine(openMemory(), { algorithm: 'ranked-policy' });
    runTasks(engine, 60, createRandom(3));
    expect(engine.getState().algorithm).toBe('ranked-policy');
    // The plugged algorithm's statistics are what the engine persists and recommends from.
    expect(Object.keys(engine.getState().model as object).some((k) => k.endsWith('|*'))).toBe(true);
    expect(engine.recommendStrategy(engine.extractTaskState({ id: 'x', type: 'unit-test' })).strategy).toBe('best');
    expect(unregisterAlgorithm('ranked-policy')).toBe(true);
    expect(() => openEngine(openMemory(), { algorithm: 'ranked-policy' })).toThrow(/algorithm/);
  });

  it('logs the exact probability of an algorithm that has probabilities, and none for a strategy the engine did not choose', () => {
    let built: RankedPolicy | undefined;
    registerAlgorithm('ranked-policy', (_config, arms, random) => (built = new RankedPolicy(arms, random)));
    const engine = openEngine(openMemory(), { algorithm: 'ranked-policy' });
    runTasks(engine, 40, createRandom(5));
    const logged = engine.getState().experiences;
    expect(logged).toHaveLength(40);
    for (const e of logged) expect([0.6, 0.3, 0.1]).toContain(e.propensity);
    expect(built!.probabilitiesCalls).toBeGreaterThan(0);
    const task = { id: 'forced', type: 'unit-test' };
    const chosen = engine.selectStrategy(engine.extractTaskState(task)).strategy;
    const other = ['slow', 'medium', 'best'].find((s) => s !== chosen)!;
    const outcome = engine.learnFromExecution(task, { strategy: other, success: true, executionTime: 100 });
    expect(outcome.experience?.propensity).toBeUndefined();
  });

  it('runs a registered algorithm in the Simulator (refused before it is registered)', async () => {
    expect(() => new Simulator({ algorithm: 'ranked-policy' })).toThrow(/unknown algorithm/);
    registerAlgorithm('ranked-policy', (_config, arms, random) => new RankedPolicy(arms, random));
    const result = await new Simulator({ scenario: 'stationary', days: 1, agentsPerType: 1, pooled: false, algorithm: 'ranked-policy', trackPerformance: false }).run();
    expect(result.algorithm).toBe('ranked-policy');
    expect(Number.isFinite(result.normalizedScore)).toBe(true);
    expect(Object.keys(result.agents[0]!.strategyChoices).length).toBeGreaterThan(1);
  });
});

describe('propensities logged by the default engine (Thompson sampling, no probabilities method)', () => {
  it('match the frequencies with which selectStrategy really picks each strategy, and are stored durably', () => {
    const path = ':memory:';
    const memory = openMemory(path);
    const engine = openEngine(memory, {}, { seed: 11 });
    // Few tasks: the posteriors still overlap, so every strategy has a real chance.
    runTasks(engine, 9, createRandom(2));
    const state = engine.extractTaskState({ id: 'probe', type: 'unit-test' });
    const counts = new Map<string, number>();
    const propensities = new Map<string, number[]>();
    const N = 3000;
    for (let i = 0; i < N; i++) {
      const task = { id: `p-${i}`, type: 'unit-test' };
      const s = engine.selectStrategy(engine.extractTaskState(task));
      counts.set(s.strategy, (counts.get(s.strategy) ?? 0) + 1);
    }
    expect(state.taskType).toBe('unit-test');
    // One logged propensity per strategy, from learning one task chosen in the same (unchanged) state.
    for (const strategy of counts.keys()) {
      const scratch = openEngine(openMemory(), {}, { seed: 11 });
      runTasks(scratch, 9, createRandom(2));
      for (let i = 0; i < 200; i++) {
        const task = { id: `s-${i}`, type: 'unit-test' };
        const s = scratch.selectStrategy(scratch.extractTaskState(task));
        if (s.strategy !== strategy) continue;
        const outcome = scratch.learnFromExecution(task, { strategy, success: true, executionTime: 1000 });
        propensities.set(strategy, [outcome.experience!.propensity!]);
        break;
      }
    }
    for (const [strategy, n] of counts) {
      const frequency = n / N;
      const logged = propensities.get(strategy)?.[0];
      if (logged === undefined) continue;
      // Closed form (quadrature, ~0.01) against the frequency (standard error ≤ 0.01).
      expect(Math.abs(logged - frequency)).toBeLessThan(0.1);
    }
    expect(counts.size).toBeGreaterThan(1);
    const first = openEngine(memory, {}, { seed: 11 }).getState().experiences;
    expect(first).toHaveLength(9);
    expect(first.every((e) => e.propensity !== undefined && e.propensity > 0 && e.propensity <= 1)).toBe(true);
  });

  it('does not change the choices a seeded engine makes (propensities are sampled from a private stream)', () => {
    const a = runTasks(openEngine(openMemory(), {}, { seed: 4 }), 80, createRandom(9));
    // Same seed, same tasks, every choice re-derived: identical sequences whether or not propensities were sampled in between.
    const b = runTasks(openEngine(openMemory(), {}, { seed: 4 }), 80, createRandom(9));
    expect(a).toEqual(b);
    const c = runTasks(openEngine(openMemory(), {}, { seed: 5 }), 80, createRandom(9));
    expect(c).not.toEqual(a);
  });
});

describe('built-in bandits: probabilities agree with what select does', () => {
  for (const algorithm of ['discounted-thompson', 'thompson-sampling', 'ucb1'] as const) {
    it(`${algorithm}: the closed-form probabilities match select's frequencies`, async () => {
      const { createAlgorithm } = await import('@qe-fleet/learning-core');
      const config = resolveLearningConfig({ algorithm });
      const alg = createAlgorithm(config, ['a', 'b', 'c', 'd'], createRandom(3));
      const ctx = { state: 5, type: 1600 };
      const outcomes = createRandom(4);
      const means = [0.4, 0.55, 0.6, 0.3];
      for (let i = 0; i < 12; i++) alg.update(ctx, i % 4, Math.min(1, Math.max(0, means[i % 4]! + 0.3 * (outcomes() - 0.5))), null);
      const p = alg.probabilities!(ctx, 0);
      expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
      const counts = [0, 0, 0, 0];
      const N = 20_000;
      const estimates = alg.estimates(ctx);
      for (let i = 0; i < N; i++) counts[alg.select(ctx, estimates, 0)]! += 1;
      counts.forEach((c, a) => expect(Math.abs(c / N - p[a]!)).toBeLessThan(0.02));
    });
  }
});
