import { compositeScore, DEFAULT_REWARD_WEIGHTS } from './compositeScore.js';
import { checkFeedback, checkResult, show } from './inputChecks.js';
import { LearningError } from './LearningError.js';
import type { ExecutionResult, LearningFeedback, PerformanceMetricValues, RewardOptions } from './types.js';

const invalid = (message: string): never => {
  throw new LearningError('INVALID_RESULT', message);
};

function unit(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    return invalid(`${name} must be a number in [0, 1], got ${String(value)}`);
  }
  return value;
}

/**
 * The reward of one execution, in [0, 1]: the seed 10.1 composite score (`compositeScore`) of the
 * execution as a one-task window, so the engine learns exactly what `PerformanceTracker` reports
 * and the safeguard guards (seed B.1's named API over the one objective):
 *
 * | term | default weight | per-task input |
 * | --- | --- | --- |
 * | success | 0.3 | 1 or 0 |
 * | errors | 0.2 | error rate: 1 when the run reported errors, else 0 |
 * | satisfaction | 0.25 | `feedback.rating` (argument, else `result.feedback`), else `satisfaction`; left out when neither |
 * | time | 0.15 | 1 − executionTime / timeScaleMs (60 s), clamped to [0, 1] |
 * | efficiency | 0.1 | `resourceUsage` (higher is more efficient); left out when absent |
 * | coverage | 0 | `coverage`; left out when absent |
 *
 * An execution that examined nothing (`coverage` 0: no file, route or page was looked at, e.g. a
 * "changed files" strategy on a clean checkout) is an empty run: it scores 0 on success and on
 * satisfaction (unless the user rated it), whatever it reports, so being cheap cannot make doing
 * nothing the best strategy (`executionMetrics`).
 *
 * Weights come from `options.weights` (the engine passes its `LearningConfig.rewardWeights`; a
 * script scoring an agent's runs passes `rewardWeightsFor(agentType)`), time scale included. Refuses
 * (LearningError `INVALID_RESULT`) NaN, infinite or negative times and ratios outside [0, 1];
 * nothing is computed from a bad result.
 */
export function calculateReward(
  result: ExecutionResult,
  feedback?: LearningFeedback,
  options: RewardOptions = {},
): number {
  checkResult(result, { strategy: false });
  checkFeedback(feedback);
  if (options === null || typeof options !== 'object') invalid(`options must be an object, got ${show(options)}`);
  if ((options as { referenceTimeMs?: unknown }).referenceTimeMs !== undefined) {
    invalid('referenceTimeMs is no longer an option: pass weights (rewardWeightsFor(agentType)), whose timeScaleMs is the one time scale');
  }
  if (typeof result.success !== 'boolean') invalid('result.success must be a boolean');
  const time = result.executionTime;
  if (typeof time !== 'number' || !Number.isFinite(time) || time < 0) {
    invalid(`result.executionTime must be a finite number of ms >= 0, got ${String(time)}`);
  }
  if (result.errors !== undefined && !Array.isArray(result.errors)) invalid('result.errors must be an array');
  return compositeScore(executionMetrics(result, feedback), options.weights ?? DEFAULT_REWARD_WEIGHTS);
}

/**
 * One execution as the composite score's metrics (a one-task window), as `calculateReward` scores
 * it and the facade records it for the tracker: success 1 or 0, error rate 1 when it reported
 * errors, satisfaction from the feedback rating else `satisfaction`, time, efficiency, coverage.
 * An empty run (`coverage` 0) has success 0 and, without a rating, satisfaction 0. Absent inputs
 * stay absent. Throws `INVALID_RESULT` on a ratio outside [0, 1].
 */
export function executionMetrics(
  result: Pick<ExecutionResult, 'success' | 'executionTime' | 'errors' | 'coverage' | 'satisfaction' | 'resourceUsage' | 'feedback'>,
  feedback?: LearningFeedback,
): Partial<PerformanceMetricValues> & { coverage?: number } {
  const rating = unit('feedback.rating', (feedback ?? result.feedback)?.rating);
  const coverage = unit('result.coverage', result.coverage);
  const empty = coverage === 0;
  const reported = unit('result.satisfaction', result.satisfaction);
  const satisfaction = empty ? 0 : reported;
  const metrics: Partial<PerformanceMetricValues> & { coverage?: number } = {
    successRate: result.success && !empty ? 1 : 0,
    errorRate: (result.errors?.length ?? 0) > 0 ? 1 : 0,
    averageExecutionTime: result.executionTime,
  };
  const userSatisfaction = rating ?? satisfaction;
  if (userSatisfaction !== undefined) metrics.userSatisfaction = userSatisfaction;
  const efficiency = unit('result.resourceUsage', result.resourceUsage);
  if (efficiency !== undefined) metrics.resourceEfficiency = efficiency;
  if (coverage !== undefined) metrics.coverage = coverage;
  return metrics;
}
