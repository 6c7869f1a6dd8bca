import { describe, expect, it } from 'vitest';
import type { ArmContext, ArmEstimate, RandomSource } from '@qe-fleet/learning-core';
import { ActorCritic, AgentDBError, MultiTaskLearning, evaluatePolicy, type LoggedExperience } from '@qe-fleet/agentdb-adapter';
import { hiddenWorld, runHarness, type HarnessAlgorithm, type LoggedDecision } from '../bench/harness.js';

const STRATEGIES = ['template-based', 'boundary-value', 'property-based', 'mutation-guided', 'coverage-guided'];

function uniform(random: RandomSource): HarnessAlgorithm {
  return {
    usesEpsilon: false,
    estimates: (): ArmEstimate[] => [],
    select: () => Math.floor(random() * 5),
    probabilities: () => [0.2, 0.2, 0.2, 0.2, 0.2],
    update: () => true,
    link() {},
  };
}

/** A target policy: multi-task learning trained on its own run (seed 9), then frozen. */
async function trainedTarget(): Promise<MultiTaskLearning> {
  const run = await runHarness({ scenario: 'many-types', seed: 9, days: 2, make: (_, random) => new MultiTaskLearning(STRATEGIES, random) });
  return run.algorithms[0] as MultiTaskLearning;
}

/** Ground truth from the simulator: the target's expected reward on the logged contexts, by the hidden table. */
async function truth(target: MultiTaskLearning, log: readonly LoggedDecision[]): Promise<number> {
  const world = await hiddenWorld('many-types');
  const cache = new Map<number, number[]>();
  let sum = 0;
  for (const d of log) {
    let p = cache.get(d.context.state);
    if (p === undefined) cache.set(d.context.state, (p = target.probabilities(d.context)));
    sum += p.reduce((s, pa, a) => s + pa * world.expected(d.taskType, STRATEGIES[a]!, d.day, d.contextIndex), 0);
  }
  return sum / log.length;
}

const asExperiences = (log: readonly LoggedDecision[]): LoggedExperience[] =>
  log.map((d) => ({ context: d.context, arm: d.arm, reward: d.reward, propensity: d.propensity }));

describe('evaluatePolicy', () => {
  it('recovers the simulator’s ground truth from uniformly random logs (IPS, SNIPS and DR intervals cover it)', async () => {
    const target = await trainedTarget();
    const logged = await runHarness({ scenario: 'many-types', seed: 4, days: 5, log: true, make: (_, random) => uniform(random) });
    const truthValue = await truth(target, logged.log);
    const result = evaluatePolicy(target, asExperiences(logged.log));
    expect(result.experiences).toBe(1200);
    for (const estimate of [result.ips, result.snips, result.doublyRobust]) {
      expect(estimate.lower).toBeLessThanOrEqual(truthValue);
      expect(estimate.upper).toBeGreaterThanOrEqual(truthValue);
    }
    // The trained policy is better than the random logger, and the estimators say so.
    expect(result.doublyRobust.lower).toBeGreaterThan(result.loggedValue);
    expect(Math.abs(result.doublyRobust.value - truthValue)).toBeLessThan(0.02);
    expect(result.doublyRobust.standardError).toBeLessThan(result.ips.standardError);
  });

  it('works on the logs of an adaptive policy (actor-critic, propensities logged at each decision)', async () => {
    const target = await trainedTarget();
    const logged = await runHarness({ scenario: 'many-types', seed: 5, days: 5, log: true, make: (_, random) => new ActorCritic(STRATEGIES, random, { temperature: 0.2 }) });
    const truthValue = await truth(target, logged.log);
    const result = evaluatePolicy(target, asExperiences(logged.log));
    expect(result.doublyRobust.lower).toBeLessThanOrEqual(truthValue);
    expect(result.doublyRobust.upper).toBeGreaterThanOrEqual(truthValue);
    expect(result.effectiveSampleSize).toBeLessThan(result.experiences);
  });

  it('misses the truth when the logged propensities are wrong (the check can fail)', async () => {
    const target = await trainedTarget();
    const logged = await runHarness({ scenario: 'many-types', seed: 4, days: 5, log: true, make: (_, random) => uniform(random) });
    const truthValue = await truth(target, logged.log);
    const wrong = asExperiences(logged.log).map((e) => ({ ...e, propensity: 1 }));
    const result = evaluatePolicy(target, wrong);
    expect(result.ips.upper).toBeLessThan(truthValue);
  });

  it('refuses bad experiences', () => {
    const policy = { probabilities: (_: ArmContext) => [0.5, 0.5] };
    const ok: LoggedExperience = { context: { state: 1, type: 2 }, arm: 0, reward: 0.5, propensity: 0.5 };
    const code = (fn: () => unknown): string | undefined => {
      try {
        fn();
      } catch (error) {
        return error instanceof AgentDBError ? error.code : 'other';
      }
      return undefined;
    };
    expect(code(() => evaluatePolicy(policy, [ok]))).toBe('INVALID_EXPERIENCES');
    expect(code(() => evaluatePolicy(policy, [ok, { ...ok, propensity: 0 }]))).toBe('INVALID_EXPERIENCES');
    expect(code(() => evaluatePolicy(policy, [ok, { ...ok, reward: 2 }]))).toBe('INVALID_EXPERIENCES');
    expect(code(() => evaluatePolicy(policy, [ok, { ...ok, arm: 5 }]))).toBe('INVALID_EXPERIENCES');
    expect(evaluatePolicy(policy, [ok, ok]).ips.value).toBeCloseTo(0.5, 12);
  });
});
