import { LearningError } from './LearningError.js';
import { show } from './inputChecks.js';
import type { PerformanceMetricValues, RewardWeights } from './types.js';

/** Execution time at which the time term of the composite score reaches 0 (seed 10.1: one minute). */
export const COMPOSITE_TIME_SCALE_MS = 60_000;

/** Seed 10.1's weights. */
export const DEFAULT_REWARD_WEIGHTS: Readonly<RewardWeights> = Object.freeze({
  success: 0.3,
  errors: 0.2,
  satisfaction: 0.25,
  time: 0.15,
  efficiency: 0.1,
  coverage: 0,
  timeScaleMs: COMPOSITE_TIME_SCALE_MS,
});

const TERMS = ['success', 'errors', 'satisfaction', 'time', 'efficiency', 'coverage'] as const;

/** The metrics the score reads; each must be a number (a BigInt or symbol would throw a TypeError mid-sum). */
const SCORED = ['successRate', 'errorRate', 'userSatisfaction', 'averageExecutionTime', 'resourceEfficiency', 'coverage'] as const;

/**
 * `DEFAULT_REWARD_WEIGHTS` with `partial` on top, validated: every weight a finite number >= 0,
 * at least one > 0, `timeScaleMs` > 0. Throws `LearningError('INVALID_CONFIG')` naming the key.
 */
export function resolveRewardWeights(partial: Partial<RewardWeights> = {}): RewardWeights {
  if (partial === null || typeof partial !== 'object') throw new LearningError('INVALID_CONFIG', 'rewardWeights must be an object');
  for (const key of Object.keys(partial)) {
    if (!(key in DEFAULT_REWARD_WEIGHTS)) throw new LearningError('INVALID_CONFIG', `unknown rewardWeights key "${key}"`);
  }
  const defined = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined));
  const weights: RewardWeights = { ...DEFAULT_REWARD_WEIGHTS, ...defined };
  for (const key of TERMS) {
    const v = weights[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new LearningError('INVALID_CONFIG', `rewardWeights.${key} must be a finite number >= 0, got ${String(v)}`);
    }
  }
  if (TERMS.every((k) => weights[k] === 0)) throw new LearningError('INVALID_CONFIG', 'rewardWeights needs one weight > 0');
  if (!(typeof weights.timeScaleMs === 'number' && Number.isFinite(weights.timeScaleMs) && weights.timeScaleMs > 0)) {
    throw new LearningError('INVALID_CONFIG', `rewardWeights.timeScaleMs must be > 0, got ${String(weights.timeScaleMs)}`);
  }
  return weights;
}

/**
 * Composite performance score of seed 10.1, the ONE objective of the package: the engine's reward
 * (`calculateReward` scores one execution with it), the tracker's score, the safeguard's rule and
 * the A/B tests' comparison. With the default weights:
 * `successRate*0.3 + (1-errorRate)*0.2 + userSatisfaction*0.25 + (1-averageExecutionTime/60000)*0.15
 * + resourceEfficiency*0.1`.
 *
 * Inputs are clamped so the score stays in [0, 1] and one outlier cannot dominate a window mean:
 * the rates, satisfaction and efficiency to [0, 1], the execution time to [0, timeScaleMs] (a task
 * slower than that scores like one that took exactly that long instead of going negative). A
 * non-finite input counts as the worst value of its term. A term whose input is absent
 * (`coverage`, or `userSatisfaction` in a per-task reward without a rating) is left out and the
 * other weights renormalised, so a missing signal neither helps nor hurts.
 */
export function compositeScore(
  metrics: Partial<PerformanceMetricValues> & { coverage?: number },
  weights: Readonly<RewardWeights> = DEFAULT_REWARD_WEIGHTS,
): number {
  if (metrics === null || typeof metrics !== 'object') throw new LearningError('INVALID_RESULT', `metrics must be an object, got ${show(metrics)}`);
  for (const name of SCORED) {
    const v = metrics[name];
    if (v !== undefined && typeof v !== 'number') throw new LearningError('INVALID_RESULT', `metrics.${name} must be a number, got ${show(v)}`);
  }
  let sum = 0;
  let total = 0;
  const term = (weight: number, value: number | undefined, score: (v: number) => number): void => {
    if (weight === 0 || value === undefined) return;
    sum += weight * score(value);
    total += weight;
  };
  term(weights.success, metrics.successRate, (v) => unit(v));
  term(weights.errors, metrics.errorRate, (v) => 1 - unit(v, 1));
  term(weights.satisfaction, metrics.userSatisfaction, (v) => unit(v));
  term(weights.time, metrics.averageExecutionTime, (v) => 1 - unit(v / weights.timeScaleMs, 1));
  term(weights.efficiency, metrics.resourceEfficiency, (v) => unit(v));
  term(weights.coverage, metrics.coverage, (v) => unit(v));
  return total > 0 ? sum / total : 0;
}

function unit(value: number, worst = 0): number {
  if (!Number.isFinite(value)) return worst;
  return Math.min(1, Math.max(0, value));
}
