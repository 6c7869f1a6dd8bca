/**
 * Random variates for the simulator and its baseline policies, all drawn from an injected uniform
 * source (`createRandom(seed)`) so every run is reproducible from its seed.
 */
import { standardNormal } from './random.js';
import type { RandomSource } from './types.js';

/** Normal variate. */
export function sampleNormal(random: RandomSource, mean = 0, sd = 1): number {
  return mean + sd * standardNormal(random);
}

/** Log-normal variate given its median (e^mu) and the standard deviation of its logarithm. */
export function sampleLogNormal(random: RandomSource, median: number, sigma: number): number {
  return median * Math.exp(sampleNormal(random, 0, sigma));
}

/** Gamma(shape, 1) variate (Marsaglia–Tsang; shape < 1 via the u^(1/shape) boost). */
export function sampleGamma(random: RandomSource, shape: number): number {
  if (shape < 1) return sampleGamma(random, shape + 1) * (1 - random()) ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = sampleNormal(random);
    const v = (1 + c * x) ** 3;
    if (v <= 0) continue;
    const u = 1 - random();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** Beta(alpha, beta) variate from two gamma variates. */
export function sampleBeta(random: RandomSource, alpha: number, beta: number): number {
  const x = sampleGamma(random, alpha);
  return x / (x + sampleGamma(random, beta));
}

/** Normal variate clamped to [0, 1], for noisy ratings and ratios. */
export function sampleUnit(random: RandomSource, mean: number, sd: number): number {
  return Math.min(1, Math.max(0, sampleNormal(random, mean, sd)));
}

/** The q-quantile (0..1) of `values` by linear interpolation; NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/**
 * A 32-bit seed for one named stream of a run (FNV-1a over the label, mixed with the run seed), so
 * the task stream, the outcome stream and each policy's exploration are independent of each other:
 * changing one policy does not change the tasks or outcomes another policy faces.
 */
export function streamSeed(seed: number, label: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  return h >>> 0;
}
