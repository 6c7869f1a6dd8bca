import { LearningError } from './LearningError.js';
import { show } from './inputChecks.js';
import type { PerformanceMetricValues } from './types.js';

/** Execution time at which the time term of the composite score reaches 0 (seed 10.1: one minute). */
export const COMPOSITE_TIME_SCALE_MS = 60_000;

/** The metrics the score reads; each must be a number (a BigInt or symbol would throw a TypeError mid-sum). */
const SCORED = ['successRate', 'errorRate', 'userSatisfaction', 'averageExecutionTime', 'resourceEfficiency'] as const;

/**
 * Composite performance score of seed 10.1:
 * `successRate*0.3 + (1-errorRate)*0.2 + userSatisfaction*0.25 + (1-averageExecutionTime/60000)*0.15
 * + resourceEfficiency*0.1`.
 *
 * Inputs are clamped so the score stays in [0, 1] and one outlier cannot dominate a window mean:
 * the rates, satisfaction and efficiency to [0, 1], the execution time to [0, 60 000] ms (a task
 * slower than a minute scores like a one-minute task instead of going negative). A non-finite
 * input counts as the worst value of its term.
 */
export function compositeScore(metrics: PerformanceMetricValues): number {
  if (metrics === null || typeof metrics !== 'object') throw new LearningError('INVALID_RESULT', `metrics must be an object, got ${show(metrics)}`);
  for (const name of SCORED) {
    const v = metrics[name];
    if (v !== undefined && typeof v !== 'number') throw new LearningError('INVALID_RESULT', `metrics.${name} must be a number, got ${show(v)}`);
  }
  return (
    unit(metrics.successRate) * 0.3 +
    (1 - unit(metrics.errorRate, 1)) * 0.2 +
    unit(metrics.userSatisfaction) * 0.25 +
    (1 - unit(metrics.averageExecutionTime / COMPOSITE_TIME_SCALE_MS, 1)) * 0.15 +
    unit(metrics.resourceEfficiency) * 0.1
  );
}

function unit(value: number, worst = 0): number {
  if (!Number.isFinite(value)) return worst;
  return Math.min(1, Math.max(0, value));
}
