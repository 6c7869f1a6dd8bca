import { fitGrowth } from '../kit/perf/fitGrowth.js';

/** A growth exponent with its bootstrap confidence interval. */
export interface GrowthInterval {
  /** Theil–Sen slope of log(median time) against log(size). */
  slope: number;
  /** Lower and upper bounds of the interval (`level`, default 90 %). */
  low: number;
  high: number;
  /** R² of the fit on the medians. */
  r2: number;
  /** Rounds the medians were taken over. */
  rounds: number;
}

/** What an interval says about super-linear growth. */
export type GrowthDecision = 'super-linear' | 'not super-linear' | 'undecided';

/**
 * The growth exponent of times measured in rounds (`rounds[r][i]`: size `sizes[i]` in round r, a
 * same-time baseline already taken out; medians at or below zero count as 1 µs), with a bootstrap interval: rounds are resampled with
 * replacement, each size's median taken again and the slope refitted. Resampling whole rounds keeps
 * what one burst of load did to every size of a round together, so a disturbed round widens the
 * interval instead of bending the slope.
 */
export function growthInterval(sizes: readonly number[], rounds: readonly (readonly number[])[], random: () => number, resamples = 400, level = 0.9): GrowthInterval {
  const fitOf = (sample: readonly (readonly number[])[]): { slope: number; r2: number } => {
    const points = sizes.map((n, i) => ({ n, ms: Math.max(median(sample.map((round) => round[i] ?? Number.NaN).filter((x) => Number.isFinite(x))), 1e-3) }));
    return fitGrowth(points);
  };
  const { slope, r2 } = fitOf(rounds);
  if (rounds.length < 2) return { slope, low: slope, high: slope, r2, rounds: rounds.length };
  const slopes: number[] = [];
  for (let b = 0; b < resamples; b++) {
    const sample = Array.from({ length: rounds.length }, () => rounds[Math.floor(random() * rounds.length)] ?? []);
    slopes.push(fitOf(sample).slope);
  }
  slopes.sort((a, b) => a - b);
  const tail = (1 - level) / 2;
  return { slope, low: quantile(slopes, tail), high: quantile(slopes, 1 - tail), r2, rounds: rounds.length };
}

/**
 * Super-linear when the slope reaches `minSlope` and the whole interval stays above `minSlope -
 * margin` (clear of linear work plus noise); not super-linear when the interval stays below
 * `minSlope`; otherwise the noise is too high to say.
 */
export function decideGrowth(interval: GrowthInterval, minSlope: number, margin = 0.3): GrowthDecision {
  if (interval.slope >= minSlope && interval.low >= minSlope - margin) return 'super-linear';
  if (interval.high < minSlope) return 'not super-linear';
  return 'undecided';
}

/** Median of finite values (NaN when none). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return (sorted[lo] ?? 0) + ((sorted[hi] ?? 0) - (sorted[lo] ?? 0)) * (at - lo);
}
