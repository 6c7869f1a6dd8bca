import { compositeScore, DEFAULT_REWARD_WEIGHTS } from './compositeScore.js';
import { checkFeedback, checkResult, show } from './inputChecks.js';
import { LearningError } from './LearningError.js';
import type { ExecutionResult, LearningFeedback, RewardOptions } from './types.js';

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
  const rating = unit('feedback.rating', (feedback ?? result.feedback)?.rating);
  const satisfaction = unit('result.satisfaction', result.satisfaction);
  const weights = options.weights ?? DEFAULT_REWARD_WEIGHTS;
  return compositeScore(
    {
      successRate: result.success ? 1 : 0,
      errorRate: (result.errors?.length ?? 0) > 0 ? 1 : 0,
      userSatisfaction: rating ?? satisfaction,
      averageExecutionTime: time,
      resourceEfficiency: unit('result.resourceUsage', result.resourceUsage),
      coverage: unit('result.coverage', result.coverage),
    },
    weights,
  );
}
