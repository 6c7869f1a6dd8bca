import type { PerformanceMetricValues } from './types.js';

/** Execution time at which the time term of the composite score reaches 0 (seed 10.1: one minute). */
export const COMPOSITE_TIME_SCALE_MS = 60_000;

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
