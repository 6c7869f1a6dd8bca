import { chiSquareGoodnessOfFit } from './sampleRatio.js';
import type { ABTestArmResult } from './types.js';

/**
 * Sequential A/B decisions that stay valid when the test is looked at after every result.
 *
 * Each comparison is a mixture sequential probability ratio test (mSPRT, Johari et al., "Always
 * Valid Inference", 2017) with a normal mixing distribution over the effect: the likelihood ratio
 * is a martingale under "no difference", so by Ville's inequality the chance that it EVER crosses
 * 1/α is at most α, however often we look. Inverting it gives a confidence sequence (an interval
 * valid at all sample sizes at once), which is what the decision reports.
 *
 * The mixing variance is set on the standardised scale (τ = `effectScale` × the per-observation
 * standard deviation), so one constant serves success rates and log execution times alike.
 */

/** Prior standard deviation of the standardised effect; 0.3 favours effects around a third of a standard deviation. */
export const DEFAULT_EFFECT_SCALE = 0.3;

/** One mSPRT look at a difference of two means. */
export interface MixtureTestResult {
  /** Observed difference (B − A). */
  difference: number;
  /** Half-width of the (1 − α) confidence sequence around `difference`. */
  halfWidth: number;
  /** ln of the mixture likelihood ratio. */
  logLikelihoodRatio: number;
  /** The ratio crossed 1/α (equivalently the confidence sequence excludes 0). */
  significant: boolean;
}

/**
 * mSPRT look at `difference`, whose sampling variance is `variance` = σ²·`c` with
 * c = 1/n_A + 1/n_B. A zero variance (every outcome identical) is never significant.
 */
export function normalMixtureTest(
  difference: number,
  variance: number,
  c: number,
  alpha: number,
  effectScale = DEFAULT_EFFECT_SCALE,
): MixtureTestResult {
  if (!(variance > 0) || !(c > 0)) {
    return { difference, halfWidth: Number.POSITIVE_INFINITY, logLikelihoodRatio: 0, significant: false };
  }
  const d2 = effectScale * effectScale;
  const z2 = (difference * difference) / variance;
  // With V = σ²c and τ² = d²σ²:  ln Λ = ½ ln(V/(V+τ²)) + τ²Δ² / (2V(V+τ²)).
  const logLikelihoodRatio = 0.5 * Math.log(c / (c + d2)) + (d2 * z2) / (2 * (c + d2));
  const threshold = Math.log(1 / alpha);
  const halfWidth = Math.sqrt(((variance * (c + d2)) / d2) * (2 * threshold + Math.log((c + d2) / c)));
  return { difference, halfWidth, logLikelihoodRatio, significant: logLikelihoodRatio >= threshold };
}

/** Both metrics of one pair of arms (B against A). */
export interface ArmComparison {
  a: string;
  b: string;
  /** Success rate of B minus A. */
  successRate: MixtureTestResult;
  /** Mean ln(executionTime) of B minus A; negative means B is faster. */
  logExecutionTime: MixtureTestResult;
}

/** Times below 1 ms count as 1 ms so their logarithm stays finite. */
function logTime(executionTime: number): number {
  return Math.log(Math.max(executionTime, 1));
}

/** An arm with no traffic yet. */
export function emptyArmResult(strategy: string): ABTestArmResult {
  return { strategy, assigned: 0, trials: 0, successes: 0, sumLogTime: 0, sumSqLogTime: 0 };
}

/** Adds one result to an arm's sufficient statistics (in place). */
export function addArmResult(arm: ABTestArmResult, success: boolean, executionTime: number): void {
  const lt = logTime(executionTime);
  arm.trials++;
  if (success) arm.successes++;
  arm.sumLogTime += lt;
  arm.sumSqLogTime += lt * lt;
}

/** Compares arm `b` with arm `a` on success rate and on log execution time, each at level `alpha`. */
export function compareArms(a: ABTestArmResult, b: ABTestArmResult, alpha: number, effectScale = DEFAULT_EFFECT_SCALE): ArmComparison {
  const c = a.trials > 0 && b.trials > 0 ? 1 / a.trials + 1 / b.trials : 0;
  const pa = a.trials > 0 ? a.successes / a.trials : 0;
  const pb = b.trials > 0 ? b.successes / b.trials : 0;
  // Pooled rate: the variance under the null hypothesis the ratio is a martingale for.
  const pooled = (a.successes + b.successes) / Math.max(a.trials + b.trials, 1);
  const successRate = normalMixtureTest(pb - pa, pooled * (1 - pooled) * c, c, alpha, effectScale);
  const la = logTimeMoments(a);
  const lb = logTimeMoments(b);
  const timeVariance = a.trials > 1 && b.trials > 1 ? la.variance / a.trials + lb.variance / b.trials : 0;
  const logExecutionTime = normalMixtureTest(lb.mean - la.mean, timeVariance, c, alpha, effectScale);
  return { a: a.strategy, b: b.strategy, successRate, logExecutionTime };
}

function logTimeMoments(arm: ABTestArmResult): { mean: number; variance: number } {
  if (arm.trials === 0) return { mean: 0, variance: 0 };
  const mean = arm.sumLogTime / arm.trials;
  const variance = arm.trials > 1 ? Math.max(0, (arm.sumSqLogTime - arm.trials * mean * mean) / (arm.trials - 1)) : 0;
  return { mean, variance };
}

/** Settings of `decideABTest`. */
export interface SequentialDecisionOptions {
  /** Family-wise false-positive rate over every pair, both metrics and all looks. */
  alpha: number;
  /** No decision before every arm has this many results. */
  minSamplesPerArm: number;
  /** Once every arm has this many results without a winner, the test ends with no winner. */
  maxSamplesPerArm: number;
  /** p-value below which the allocation counts are declared mismatched (default 0.001). */
  srmThreshold?: number;
  effectScale?: number;
}

/** What a look at an A/B test concludes. */
export type SequentialDecision =
  | { outcome: 'continue'; comparisons: ArmComparison[] }
  | { outcome: 'winner'; winner: string; metric: 'successRate' | 'executionTime'; comparisons: ArmComparison[] }
  | { outcome: 'no-difference'; comparisons: ArmComparison[] }
  | { outcome: 'sample-ratio-mismatch'; counts: 'assigned' | 'results'; pValue: number };

/** Default SRM level: strict, because it is checked at every look. */
export const DEFAULT_SRM_THRESHOLD = 0.001;

/**
 * One look at an A/B test with equal allocation.
 *
 * First the sample ratio: the assigned counts and the recorded results per arm are each tested
 * against equal shares; a mismatch ends the test without a winner. Then, once every arm has
 * `minSamplesPerArm` results, every pair is compared on both metrics at α / (2 × pairs)
 * (Bonferroni over pairs and metrics, so any false winner has probability ≤ α). An arm beats
 * another when its success rate is significantly higher, or when it is significantly faster and
 * its success rate is not significantly lower; success rate comes first because it carries half
 * of the composite score. The winner is the arm that beats every other arm.
 */
export function decideABTest(arms: readonly ABTestArmResult[], options: SequentialDecisionOptions): SequentialDecision {
  const srmThreshold = options.srmThreshold ?? DEFAULT_SRM_THRESHOLD;
  const equal = arms.map(() => 1);
  for (const counts of ['assigned', 'results'] as const) {
    const observed = arms.map((arm) => (counts === 'assigned' ? arm.assigned : arm.trials));
    // The chi-square approximation needs about five expected per arm.
    if (observed.reduce((s, n) => s + n, 0) < 5 * arms.length) continue;
    const { pValue } = chiSquareGoodnessOfFit(observed, equal);
    if (pValue < srmThreshold) return { outcome: 'sample-ratio-mismatch', counts, pValue };
  }
  if (arms.length < 2 || arms.some((arm) => arm.trials < options.minSamplesPerArm)) {
    return { outcome: 'continue', comparisons: [] };
  }
  const pairs = (arms.length * (arms.length - 1)) / 2;
  const level = options.alpha / (2 * pairs);
  const comparisons: ArmComparison[] = [];
  const beats = new Map<string, Map<string, 'successRate' | 'executionTime'>>(arms.map((arm) => [arm.strategy, new Map()]));
  for (let i = 0; i < arms.length; i++) {
    for (let j = i + 1; j < arms.length; j++) {
      const cmp = compareArms(arms[i]!, arms[j]!, level, options.effectScale);
      comparisons.push(cmp);
      const dominance = dominanceOf(cmp);
      if (dominance) beats.get(dominance.winner)!.set(dominance.winner === cmp.a ? cmp.b : cmp.a, dominance.metric);
    }
  }
  for (const [strategy, beaten] of beats) {
    if (beaten.size === arms.length - 1) {
      const metric = [...beaten.values()].includes('successRate') ? 'successRate' : 'executionTime';
      return { outcome: 'winner', winner: strategy, metric, comparisons };
    }
  }
  if (arms.every((arm) => arm.trials >= options.maxSamplesPerArm)) return { outcome: 'no-difference', comparisons };
  return { outcome: 'continue', comparisons };
}

function dominanceOf(cmp: ArmComparison): { winner: string; metric: 'successRate' | 'executionTime' } | null {
  const { successRate: s, logExecutionTime: t } = cmp;
  if (s.significant) return { winner: s.difference > 0 ? cmp.b : cmp.a, metric: 'successRate' };
  if (t.significant) return { winner: t.difference < 0 ? cmp.b : cmp.a, metric: 'executionTime' };
  return null;
}
