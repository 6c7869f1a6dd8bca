import { checkFinite } from './inputChecks.js';

/** z of a two-sided 95 % interval. */
export const Z95 = 1.959963984540054;

/**
 * Lower bound of the 95 % Wilson score interval of a success rate: a confidence that is honest
 * about small samples (3/3 successes gives 0.44, 300/300 gives 0.99). 0 when there are no trials.
 */
export function wilsonLowerBound(successes: number, trials: number, z = Z95): number {
  checkFinite(successes, 'successes', 'INVALID_ARGUMENT');
  checkFinite(trials, 'trials', 'INVALID_ARGUMENT');
  if (trials <= 0) return 0;
  const p = successes / trials;
  const z2 = z * z;
  const centre = p + z2 / (2 * trials);
  const margin = z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return Math.max(0, (centre - margin) / (1 + z2 / trials));
}

/** The 95 % Wilson score interval of a success rate; [0, 1] when there are no trials. */
export function wilsonInterval(successes: number, trials: number, z = Z95): [number, number] {
  if (trials <= 0) return [0, 1];
  return [wilsonLowerBound(successes, trials, z), 1 - wilsonLowerBound(trials - successes, trials, z)];
}

/** Standard normal cumulative distribution (Abramowitz-Stegun 7.1.26, error < 1.5e-7). */
export function normalCdf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x) / Math.SQRT2);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** Quadrature nodes of `gaussianArgmaxProbabilities`: z in [-6, 6] (trapezoid, exact to ~1e-4 for these integrands). */
const ARGMAX_NODES = Array.from({ length: 41 }, (_, i) => -6 + i * 0.3);
const ARGMAX_WEIGHTS = ARGMAX_NODES.map((z) => (0.3 * Math.exp(-(z * z) / 2)) / Math.sqrt(2 * Math.PI));

/**
 * P(arm i has the largest draw) when arm j draws N(means[j], sds[j]²) independently: what Gaussian
 * Thompson sampling's selection probabilities are, in closed form (one-dimensional quadrature of
 * φ(z) Π_{j≠i} Φ((μ_i + σ_i z − μ_j) / σ_j)) instead of sampling. Normalised to sum to 1; with
 * `only`, just those arms are integrated (each costs 1/k of the whole) and the others are 0.
 */
export function gaussianArgmaxProbabilities(means: readonly number[], sds: readonly number[], only?: readonly number[]): number[] {
  const k = means.length;
  const sd = sds.map((s) => Math.max(s, 1e-9));
  const p = new Array<number>(k).fill(0);
  // An arm whose draw is almost surely below another arm's (6 standard deviations apart) is never chosen.
  let floor = -Infinity;
  for (let j = 0; j < k; j++) floor = Math.max(floor, means[j]! - 6 * sd[j]!);
  for (let i = 0; i < k; i++) {
    if (means[i]! + 6 * sd[i]! < floor || (only !== undefined && !only.includes(i))) continue;
    let sum = 0;
    for (let n = 0; n < ARGMAX_NODES.length; n++) {
      const x = means[i]! + sd[i]! * ARGMAX_NODES[n]!;
      let product = ARGMAX_WEIGHTS[n]!;
      for (let j = 0; j < k && product > 1e-12; j++) if (j !== i) product *= normalCdf((x - means[j]!) / sd[j]!);
      sum += product;
    }
    p[i] = sum;
  }
  if (only !== undefined) return p.map((x) => Math.min(1, x));
  const total = p.reduce((a, b) => a + b, 0);
  return total > 0 ? p.map((x) => x / total) : p.map(() => 1 / k);
}
