import { chiSquareGoodnessOfFit } from './sampleRatio.js';
import type { ABTestArmResult } from './types.js';

/**
 * Sequential A/B decisions that stay valid when the test is looked at after every result, made on
 * the package's one objective: the composite score (`compositeScore`, seed 10.1) of each result,
 * the number the engine learns, the tracker reports and the safeguard guards.
 *
 * Each comparison is a mixture sequential probability ratio test (mSPRT, Johari et al., "Always
 * Valid Inference", 2017) with a normal mixing distribution over the effect: the likelihood ratio
 * is a martingale under "no difference", so by Ville's inequality the chance that it EVER crosses
 * 1/α is at most α, however often we look. Inverting it gives a confidence sequence (an interval
 * valid at all sample sizes at once), which is what the decision reports. The composite scores'
 * variance is not known, so the test is the Welch-type one of Johari et al. §4: each arm's
 * variance is estimated from its own results and the two added (s²_A/n_A + s²_B/n_B); the
 * guarantee is then asymptotic. Because a score lies in [0, 1], each arm's variance is estimated
 * with two pseudo-results at the bounds 0 and 1 added: a handful of identical scores cannot claim
 * zero noise (and a certain win), while with many results the pseudo-results no longer matter.
 *
 * The mixing variance is set on the standardised scale (τ = `effectScale` × the per-observation
 * standard deviation), so one constant serves every metric.
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

/** A pair of arms (B against A): the deciding composite score, and its two main parts for the report. */
export interface ArmComparison {
  a: string;
  b: string;
  /** Mean composite score of B minus A: what decides. */
  compositeScore: MixtureTestResult;
  /** Success rate of B minus A (reported, never decides on its own). */
  successRate: MixtureTestResult;
  /** Mean ln(executionTime) of B minus A; negative means B is faster (reported, never decides on its own). */
  logExecutionTime: MixtureTestResult;
}

/** Times below 1 ms count as 1 ms so their logarithm stays finite. */
function logTime(executionTime: number): number {
  return Math.log(Math.max(executionTime, 1));
}

/** An arm with no traffic yet. */
export function emptyArmResult(strategy: string): ABTestArmResult {
  return { strategy, assigned: 0, trials: 0, successes: 0, sumLogTime: 0, sumSqLogTime: 0, scored: 0, sumScore: 0, sumSqScore: 0 };
}

/**
 * Adds one result to an arm's sufficient statistics (in place): its success, its time and its
 * composite score in [0, 1] (`calculateReward` with the agent's weights; clamped into [0, 1]).
 */
export function addArmResult(arm: ABTestArmResult, success: boolean, executionTime: number, score: number): void {
  const lt = logTime(executionTime);
  arm.trials++;
  if (success) arm.successes++;
  arm.sumLogTime += lt;
  arm.sumSqLogTime += lt * lt;
  const x = Number.isFinite(score) ? Math.min(1, Math.max(0, score)) : 0;
  arm.scored = (arm.scored ?? 0) + 1;
  arm.sumScore = (arm.sumScore ?? 0) + x;
  arm.sumSqScore = (arm.sumSqScore ?? 0) + x * x;
}

/** Mean composite score of an arm (0 before its first scored result). */
export function meanScore(arm: ABTestArmResult): number {
  const n = arm.scored ?? 0;
  return n > 0 ? (arm.sumScore ?? 0) / n : 0;
}

/**
 * Compares arm `b` with arm `a` at level `alpha`: on the composite score (what decides), and on
 * success rate and log execution time (what the report shows beside it).
 */
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
  const na = a.scored ?? 0;
  const nb = b.scored ?? 0;
  const cs = na > 0 && nb > 0 ? 1 / na + 1 / nb : 0;
  const scoreVariance = cs > 0 ? boundedVariance(a) / na + boundedVariance(b) / nb : 0;
  const compositeScore = normalMixtureTest(meanScore(b) - meanScore(a), scoreVariance, cs, alpha, effectScale);
  return { a: a.strategy, b: b.strategy, compositeScore, successRate, logExecutionTime };
}

function logTimeMoments(arm: ABTestArmResult): { mean: number; variance: number } {
  if (arm.trials === 0) return { mean: 0, variance: 0 };
  const mean = arm.sumLogTime / arm.trials;
  const variance = arm.trials > 1 ? Math.max(0, (arm.sumSqLogTime - arm.trials * mean * mean) / (arm.trials - 1)) : 0;
  return { mean, variance };
}

/** Sample variance of an arm's scores with two pseudo-scores, 0 and 1, added (see the module comment). */
function boundedVariance(arm: ABTestArmResult): number {
  const n = (arm.scored ?? 0) + 2;
  const sum = (arm.sumScore ?? 0) + 1;
  const sumSq = (arm.sumSqScore ?? 0) + 1;
  return Math.max(0, (sumSq - (sum * sum) / n) / (n - 1));
}

/** Settings of `decideABTest`. */
export interface SequentialDecisionOptions {
  /** Family-wise false-positive rate over every pair and all looks. */
  alpha: number;
  /** No decision before every arm has this many (scored) results. */
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
  | { outcome: 'winner'; winner: string; metric: 'compositeScore'; comparisons: ArmComparison[] }
  | { outcome: 'no-difference'; comparisons: ArmComparison[] }
  | { outcome: 'sample-ratio-mismatch'; counts: 'assigned' | 'results'; pValue: number };

/** Default SRM level: strict, because it is checked at every look. */
export const DEFAULT_SRM_THRESHOLD = 0.001;

/**
 * One look at an A/B test with equal allocation.
 *
 * First the sample ratio: the assigned counts and the recorded results per arm are each tested
 * against equal shares; a mismatch ends the test without a winner. Then, once every arm has
 * `minSamplesPerArm` scored results, every pair is compared on the mean composite score at
 * α / pairs (Bonferroni over pairs, so any false winner has probability ≤ α over all looks). The
 * winner is the arm whose score is significantly higher than every other arm's. Success rate and
 * time are reported beside it but never decide alone: a strategy that succeeds a little more
 * often but is much slower has the lower composite score and loses, as it does in the engine and
 * the tracker (a separate success-rate veto would have kept exactly that trap alive).
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
  if (arms.length < 2 || arms.some((arm) => (arm.scored ?? 0) < options.minSamplesPerArm)) {
    return { outcome: 'continue', comparisons: [] };
  }
  const pairs = (arms.length * (arms.length - 1)) / 2;
  const level = options.alpha / pairs;
  const comparisons: ArmComparison[] = [];
  const beaten = new Map<string, number>(arms.map((arm) => [arm.strategy, 0]));
  for (let i = 0; i < arms.length; i++) {
    for (let j = i + 1; j < arms.length; j++) {
      const cmp = compareArms(arms[i]!, arms[j]!, level, options.effectScale);
      comparisons.push(cmp);
      if (!cmp.compositeScore.significant) continue;
      const winner = cmp.compositeScore.difference > 0 ? cmp.b : cmp.a;
      beaten.set(winner, beaten.get(winner)! + 1);
    }
  }
  for (const [strategy, count] of beaten) {
    if (count === arms.length - 1) return { outcome: 'winner', winner: strategy, metric: 'compositeScore', comparisons };
  }
  if (arms.every((arm) => (arm.scored ?? 0) >= options.maxSamplesPerArm)) return { outcome: 'no-difference', comparisons };
  return { outcome: 'continue', comparisons };
}
