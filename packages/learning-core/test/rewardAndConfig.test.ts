import { describe, expect, it } from 'vitest';
import {
  AGENT_CONFIGS,
  FINDING_REWARD_WEIGHTS,
  executionMetrics,
  AGGRESSIVE_CONFIG,
  BALANCED_CONFIG,
  CONSERVATIVE_CONFIG,
  LearningError,
  calculateReward,
  compositeScore,
  DEFAULT_REWARD_WEIGHTS,
  resolveRewardWeights,
  createRandom,
  normalCdf,
  resolveLearningConfig,
  rewardWeightsFor,
  wilsonLowerBound,
  type ExecutionResult,
} from '@qe-fleet/learning-core';
import { openEngine, openMemory } from './engineHelpers.js';

const ok: ExecutionResult = { strategy: 'best', success: true, executionTime: 1000 };

function expectLearningError(fn: () => unknown, code: string, message: RegExp): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(LearningError);
    expect((error as LearningError).code).toBe(code);
    expect((error as Error).message).toMatch(message);
    return;
  }
  throw new Error('expected a LearningError');
}

describe('calculateReward', () => {
  it('stays in [0, 1] over random valid results, and orders success above failure', () => {
    const random = createRandom(11);
    for (let i = 0; i < 2000; i++) {
      const result: ExecutionResult = {
        strategy: 's',
        success: random() < 0.5,
        executionTime: random() * 1e6,
        errors: Array.from({ length: Math.floor(random() * 5) }, () => 'e'),
        coverage: random() < 0.5 ? random() : undefined,
        satisfaction: random() < 0.5 ? random() : undefined,
        resourceUsage: random() < 0.5 ? random() : undefined,
      };
      const r = calculateReward(result, random() < 0.3 ? { rating: random() } : undefined);
      expect(r).toBeGreaterThanOrEqual(0);
      expect(r).toBeLessThanOrEqual(1);
      const flipped = calculateReward({ ...result, success: !result.success });
      expect(result.success ? r > flipped : r < flipped).toBe(true);
    }
  });

  it('scores an empty run (coverage 0: nothing examined) as no success and no satisfaction, however cheap', () => {
    // A "changed files" strategy on a clean checkout: 1 s, no errors, reports satisfaction 0.5.
    const empty: ExecutionResult = { strategy: 'changed-files', success: true, executionTime: 1000, errors: [], coverage: 0, satisfaction: 0.5, resourceUsage: 0.97 };
    expect(executionMetrics(empty)).toMatchObject({ successRate: 0, userSatisfaction: 0, coverage: 0 });
    // errors 0.2 + time 0.15 * (1 - 1/60) + efficiency 0.1 * 0.97, over all five seed weights
    expect(calculateReward(empty)).toBeCloseTo(0.2 + 0.15 * (59 / 60) + 0.097, 12);
    // Examining a little is a success again, and its satisfaction counts.
    const examined = { ...empty, coverage: 0.01 };
    expect(executionMetrics(examined)).toMatchObject({ successRate: 1, userSatisfaction: 0.5 });
    expect(calculateReward(examined)).toBeGreaterThan(calculateReward(empty) + 0.4);
    // A slow run that found something beats the empty one with the finding agents' weights.
    const weights = rewardWeightsFor('mutation-tester');
    const sample: ExecutionResult = { strategy: 'file-sample', success: true, executionTime: 76_000, errors: [], coverage: 0.25, satisfaction: 0.15, resourceUsage: 0.28 };
    expect(calculateReward(sample, undefined, { weights })).toBeGreaterThan(calculateReward({ ...empty, satisfaction: 0 }, undefined, { weights }));
    // The user's rating still counts on an empty run; a bad ratio is refused even there.
    expect(executionMetrics(empty, { rating: 0.9 }).userSatisfaction).toBe(0.9);
    expectLearningError(() => executionMetrics({ ...empty, satisfaction: 2 }), 'INVALID_RESULT', /satisfaction/);
  });

  it('gives the agents that choose how much to examine the finding weights (quality 0.45 + coverage 0.1)', () => {
    expect(rewardWeightsFor('code-reviewer')).toEqual(FINDING_REWARD_WEIGHTS);
    expect(rewardWeightsFor('coverage-analyzer')).toEqual(FINDING_REWARD_WEIGHTS);
    expect(rewardWeightsFor('mutation-tester')).toEqual({ ...FINDING_REWARD_WEIGHTS, timeScaleMs: 900_000 });
    const w = FINDING_REWARD_WEIGHTS;
    expect(w.satisfaction + w.coverage).toBeGreaterThan(w.success + w.errors + w.time + w.efficiency - 0.01);
    // The same fast, error-free run that finds nothing: seed weights pay 0.75 of it, the finding weights 0.45.
    const nothing: ExecutionResult = { strategy: 's', success: true, executionTime: 0, errors: [], satisfaction: 0, resourceUsage: 1, coverage: 1 };
    expect(calculateReward(nothing)).toBeCloseTo(0.75, 12);
    expect(calculateReward(nothing, undefined, { weights: FINDING_REWARD_WEIGHTS })).toBeCloseTo(0.55, 12);
  });

  it('is the seed 10.1 composite score of the run as a one-task window', () => {
    // success 0.3*1 + errors 0.2*1 + time 0.15*(1 - 30000/60000), over the weights present (0.65)
    expect(calculateReward({ strategy: 's', success: true, executionTime: 30_000 })).toBeCloseTo((0.3 + 0.2 + 0.075) / 0.65, 12);
    // instant perfect run with every signal at its best is 1; a failure with everything at worst is 0
    expect(calculateReward({ strategy: 's', success: true, executionTime: 0, coverage: 1, satisfaction: 1, resourceUsage: 1 })).toBe(1);
    const worst = calculateReward({ strategy: 's', success: false, executionTime: 1e9, errors: Array(99).fill('x'), coverage: 0, satisfaction: 0, resourceUsage: 0 });
    expect(worst).toBe(0);
    // the weights carry the one time scale: 1 s at a 1 s scale scores 0 on time
    expect(calculateReward(ok, undefined, { weights: resolveRewardWeights({ timeScaleMs: 1000 }) })).toBeCloseTo((0.3 + 0.2) / 0.65, 12);
    // a second time scale beside the weights' would be a second objective: refused, not ignored
    expectLearningError(() => calculateReward(ok, undefined, { referenceTimeMs: 1000 } as never), 'INVALID_RESULT', /referenceTimeMs/);
    // an agent is scored with the weights its engine and tracker use
    expect(rewardWeightsFor('test-generator')).toEqual(resolveLearningConfig(AGENT_CONFIGS['test-generator']).rewardWeights);
    expect(rewardWeightsFor('no-such-agent')).toEqual(DEFAULT_REWARD_WEIGHTS);
    // feedback rating overrides satisfaction
    expect(calculateReward({ ...ok, satisfaction: 0 }, { rating: 1 })).toBeGreaterThan(calculateReward({ ...ok, satisfaction: 0 }));
    // the same number the tracker and the safeguard compute from the same fields
    const run: ExecutionResult = { strategy: 's', success: true, executionTime: 12_000, errors: [], satisfaction: 0.7, resourceUsage: 0.4 };
    const metrics = { tasksCompleted: 1, successRate: 1, errorRate: 0, averageExecutionTime: 12_000, userSatisfaction: 0.7, resourceEfficiency: 0.4 };
    expect(calculateReward(run)).toBeCloseTo(compositeScore(metrics), 12);
    const weights = resolveRewardWeights({ satisfaction: 0, coverage: 0.5 });
    expect(calculateReward({ ...run, coverage: 0.9 }, undefined, { weights })).toBeCloseTo(compositeScore({ ...metrics, coverage: 0.9 }, weights), 12);
    expect(calculateReward({ ...run, coverage: 0.9 }, undefined, { weights })).toBeCloseTo(
      (0.3 + 0.2 + 0.15 * 0.8 + 0.1 * 0.4 + 0.5 * 0.9) / 1.25,
      12,
    );
  });

  it('takes per-agent rewardWeights in LearningConfig, completed from seed 10.1 and validated', () => {
    expect(BALANCED_CONFIG.rewardWeights).toEqual(DEFAULT_REWARD_WEIGHTS);
    expect(DEFAULT_REWARD_WEIGHTS).toMatchObject({ success: 0.3, errors: 0.2, satisfaction: 0.25, time: 0.15, efficiency: 0.1, coverage: 0 });
    expect(resolveLearningConfig({ rewardWeights: { coverage: 0.2 } as never }).rewardWeights).toEqual({ ...DEFAULT_REWARD_WEIGHTS, coverage: 0.2 });
    expectLearningError(() => resolveLearningConfig({ rewardWeights: { success: -1 } as never }), 'INVALID_CONFIG', /rewardWeights.success/);
    expectLearningError(() => resolveLearningConfig({ rewardWeights: { speed: 1 } as never }), 'INVALID_CONFIG', /speed/);
    const zero = { success: 0, errors: 0, satisfaction: 0, time: 0, efficiency: 0, coverage: 0 };
    expectLearningError(() => resolveRewardWeights(zero), 'INVALID_CONFIG', /one weight/);
  });

  it.each([
    ['NaN time', { executionTime: Number.NaN }, /executionTime/],
    ['infinite time', { executionTime: Number.POSITIVE_INFINITY }, /executionTime/],
    ['negative time', { executionTime: -1 }, /executionTime/],
    ['NaN coverage', { coverage: Number.NaN }, /coverage/],
    ['coverage above 1', { coverage: 1.5 }, /coverage/],
    ['non-boolean success', { success: 'yes' }, /success/],
  ])('refuses %s with INVALID_RESULT', (_name, patch, message) => {
    expectLearningError(() => calculateReward({ ...ok, ...patch } as ExecutionResult), 'INVALID_RESULT', message);
  });

  it('a refused result writes nothing through learnFromExecution', () => {
    const memory = openMemory();
    const engine = openEngine(memory);
    engine.learnFromExecution({ id: 't1', type: 'unit-test' }, ok);
    const before = engine.getState();
    const events = memory.queryEvents('learning:training').length;
    expectLearningError(() => engine.learnFromExecution({ id: 't2', type: 'unit-test' }, { ...ok, executionTime: Number.NaN }), 'INVALID_RESULT', /executionTime/);
    expectLearningError(() => engine.learnFromExecution({ id: 't3', type: 'unit-test' }, { ...ok, strategy: 'nope' }), 'UNKNOWN_STRATEGY', /nope/);
    expectLearningError(() => engine.learnFromExecution({ id: 't4', type: '' }, ok), 'INVALID_TASK', /type/);
    expect(engine.getState()).toEqual(before);
    expect(memory.queryEvents('learning:training').length).toBe(events);
    expect(engine.getTotalExperiences()).toBe(1);
  });
});

describe('Wilson lower bound (95 %)', () => {
  it.each([
    [0, 10, 0],
    [10, 10, 0.722467],
    [3, 3, 0.438503],
    [8, 10, 0.490160],
    [50, 100, 0.403832],
    [95, 100, 0.88825],
    [0, 0, 0],
  ])('%i of %i -> %f', (s, n, expected) => {
    expect(wilsonLowerBound(s, n)).toBeCloseTo(expected, 5);
  });

  it('normalCdf matches known values', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.158655, 6);
  });
});

describe('config', () => {
  it('exports the seed presets and agent configs', () => {
    expect(BALANCED_CONFIG).toMatchObject({ learningRate: 0.1, discountFactor: 0.95, explorationRate: 0.3, explorationDecay: 0.995, minExplorationRate: 0.01, batchSize: 32, updateFrequency: 10 });
    expect(CONSERVATIVE_CONFIG).toMatchObject({ learningRate: 0.05, discountFactor: 0.99, batchSize: 16, updateFrequency: 20, maxMemorySize: 50 * 1024 * 1024 });
    expect(AGGRESSIVE_CONFIG).toMatchObject({ learningRate: 0.2, explorationRate: 0.5, minExplorationRate: 0.05, batchSize: 64, updateFrequency: 5 });
    expect(AGENT_CONFIGS['flaky-test-detector']).toEqual({ learningRate: 0.12, explorationRate: 0.25, batchSize: 128 });
    for (const preset of [BALANCED_CONFIG, CONSERVATIVE_CONFIG, AGGRESSIVE_CONFIG]) expect(resolveLearningConfig(preset)).toEqual(preset);
    for (const partial of Object.values(AGENT_CONFIGS)) expect(() => resolveLearningConfig(partial)).not.toThrow();
  });

  it('resolves a partial over BALANCED_CONFIG', () => {
    expect(resolveLearningConfig({ algorithm: 'ucb1', batchSize: 8 })).toEqual({ ...BALANCED_CONFIG, algorithm: 'ucb1', batchSize: 8 });
  });

  it.each([
    [{ learningRate: 0 }, /"learningRate" must be a number in \(0, 1\], got 0/],
    [{ learningRate: Number.NaN }, /"learningRate"/],
    [{ discountFactor: 1 }, /"discountFactor" must be a number in \[0, 1\)/],
    [{ explorationRate: 1.2 }, /"explorationRate" must be a number in \[0, 1\]/],
    [{ minExplorationRate: 0.5 }, /"minExplorationRate" must be at most explorationRate/],
    [{ batchSize: 2.5 }, /"batchSize" must be an integer in \[1, 1000\]/],
    [{ batchSize: 2000 }, /"batchSize" must be an integer in \[1, 1000\]/],
    [{ algorithm: 'sarsa' }, /"algorithm" must be one of q-learning, ucb1/],
    [{ enabled: 'yes' }, /"enabled" must be a boolean/],
    [{ banditDiscount: 0 }, /"banditDiscount"/],
    [{ learningrate: 0.1 }, /unknown learning config key "learningrate"/],
  ])('refuses %j with INVALID_CONFIG', (partial, message) => {
    expectLearningError(() => resolveLearningConfig(partial as never), 'INVALID_CONFIG', message);
  });
});
