/**
 * Small numerical helpers shared by the algorithms: softmax, epsilon-greedy probabilities, Monte
 * Carlo selection probabilities, and the Gaussian posterior of a [0, 1] reward from sufficient
 * statistics.
 */
import { createRandom, normalCdf, type RandomSource } from '@qe-fleet/learning-core';

/** softmax(values / temperature), computed stably. */
export function softmax(values: readonly number[], temperature = 1): number[] {
  const max = Math.max(...values);
  const exps = values.map((v) => Math.exp((v - max) / temperature));
  const sum = exps.reduce((s, x) => s + x, 0);
  return exps.map((x) => x / sum);
}

/** Draws an index from a probability vector. */
export function sampleIndex(random: RandomSource, probabilities: readonly number[]): number {
  let u = random();
  for (let i = 0; i < probabilities.length; i++) {
    u -= probabilities[i]!;
    if (u < 0) return i;
  }
  return probabilities.length - 1;
}

/** Probabilities of epsilon-greedy over `means` (ties go to the first, as `argmax` does). */
export function epsilonGreedyProbabilities(means: readonly number[], epsilon: number): number[] {
  let best = 0;
  for (let i = 1; i < means.length; i++) if (means[i]! > means[best]!) best = i;
  return means.map((_, i) => epsilon / means.length + (i === best ? 1 - epsilon : 0));
}

/** Draws used to estimate a Thompson-style rule's selection probabilities. */
export const MONTE_CARLO_DRAWS = 2000;

/**
 * Selection probabilities of a rule that picks the argmax of random draws, by Monte Carlo, from a
 * fixed private stream (so estimating never changes what the policy itself will draw). The
 * standard error of each probability is at most 0.5 / sqrt(2000) ≈ 0.011.
 */
export function monteCarloProbabilities(arms: number, draw: (random: RandomSource) => number[]): number[] {
  const random = createRandom(0x5eed);
  const counts = new Array<number>(arms).fill(0);
  for (let i = 0; i < MONTE_CARLO_DRAWS; i++) {
    const values = draw(random);
    let best = 0;
    for (let a = 1; a < arms; a++) if (values[a]! > values[best]!) best = a;
    counts[best]! += 1;
  }
  return counts.map((c) => c / MONTE_CARLO_DRAWS);
}

/** Variance of a [0, 1] reward nothing is known about (the largest it can have). */
export const NO_DATA_VARIANCE = 0.25;

/**
 * Reward variance from sums over several arms (n, sum, sum of squares each): the pooled
 * within-arm variance, shrunk towards 0.25 by 2 pseudo-observations and floored at 0.0025.
 */
export function pooledVariance(stats: ReadonlyArray<{ n: number; sum: number; squares: number }>): number {
  let deviations = 0;
  let dof = 0;
  for (const { n, sum, squares } of stats) {
    if (n <= 0) continue;
    deviations += Math.max(0, squares - (sum * sum) / n);
    dof += Math.max(0, n - 1);
  }
  return Math.max(0.0025, (deviations + 2 * NO_DATA_VARIANCE) / (dof + 2));
}

/** The standard normal density. */
export function normalPdf(x: number): number {
  return Math.exp(-(x * x) / 2) / Math.sqrt(2 * Math.PI);
}

/** z Φ(z) + φ(z): the expected improvement factor of the knowledge gradient. */
export function expectedImprovementFactor(z: number): number {
  return z * normalCdf(z) + normalPdf(z);
}
