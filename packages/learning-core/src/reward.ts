import { checkFeedback, checkFinite, checkResult, show } from './inputChecks.js';
import { LearningError } from './LearningError.js';
import type { ExecutionResult, LearningFeedback, RewardOptions } from './types.js';

/** Default time (ms) that earns half the time score when the task names no timeout. */
const DEFAULT_REFERENCE_TIME_MS = 30_000;

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
 * The reward of one execution, in [0, 1] (seed B.1's signals, bounded so every algorithm can use
 * it). A weighted mean of the signals present, so a missing signal neither helps nor hurts:
 *
 * | signal | weight | score |
 * | --- | --- | --- |
 * | success | 0.45 | 1 or 0 |
 * | time | 0.20 | ref / (ref + executionTime): 1 when instant, 0.5 at the reference time |
 * | errors | 0.10 | 1 / (1 + errors.length) |
 * | coverage | 0.10 | `coverage` |
 * | feedback | 0.10 | `feedback.rating` (argument, else `result.feedback`), else `satisfaction` |
 * | resources | 0.05 | `resourceUsage` (higher is more efficient) |
 *
 * The reference time is `options.referenceTimeMs` (the engine passes the task's timeout), else
 * 30 s. Refuses (LearningError `INVALID_RESULT`) NaN, infinite or negative times and ratios
 * outside [0, 1]; nothing is computed from a bad result.
 */
export function calculateReward(
  result: ExecutionResult,
  feedback?: LearningFeedback,
  options: RewardOptions = {},
): number {
  checkResult(result, { strategy: false });
  checkFeedback(feedback);
  if (options === null || typeof options !== 'object') invalid(`options must be an object, got ${show(options)}`);
  if (options.referenceTimeMs !== undefined) checkFinite(options.referenceTimeMs, 'referenceTimeMs', 'INVALID_RESULT');
  if (typeof result.success !== 'boolean') invalid('result.success must be a boolean');
  const time = result.executionTime;
  if (typeof time !== 'number' || !Number.isFinite(time) || time < 0) {
    invalid(`result.executionTime must be a finite number of ms >= 0, got ${String(time)}`);
  }
  const reference = options.referenceTimeMs ?? DEFAULT_REFERENCE_TIME_MS;
  if (!Number.isFinite(reference) || reference <= 0) invalid(`referenceTimeMs must be > 0, got ${reference}`);
  if (result.errors !== undefined && !Array.isArray(result.errors)) invalid('result.errors must be an array');
  const rating = unit('feedback.rating', (feedback ?? result.feedback)?.rating);
  const satisfaction = unit('result.satisfaction', result.satisfaction);

  const signals: Array<[weight: number, score: number | undefined]> = [
    [0.45, result.success ? 1 : 0],
    [0.2, reference / (reference + time)],
    [0.1, 1 / (1 + (result.errors?.length ?? 0))],
    [0.1, unit('result.coverage', result.coverage)],
    [0.1, rating ?? satisfaction],
    [0.05, unit('result.resourceUsage', result.resourceUsage)],
  ];
  let weighted = 0;
  let weights = 0;
  for (const [weight, score] of signals) {
    if (score === undefined) continue;
    weighted += weight * score;
    weights += weight;
  }
  return weighted / weights;
}
