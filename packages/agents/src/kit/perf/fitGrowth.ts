/** A growth class, from the slope of log(time) against log(size). */
export type GrowthClass = 'O(1)' | 'sublinear' | 'O(n)' | 'O(n log n)' | 'O(n^2)' | 'O(n^3+)';

/** The fit of time = c · size^slope over the measured points. */
export interface GrowthFit {
  /** Exponent of the power law: the median of the log-log slopes between every two points (Theil–Sen). */
  slope: number;
  /** Coefficient of determination of the least-squares log-log fit, 0..1 (1 with two points): how much of the variation a power law explains at all. */
  r2: number;
  growth: GrowthClass;
  points: number;
}

/** A measured time at an input size. */
export interface SizePoint {
  n: number;
  ms: number;
}

/**
 * Fit of log(ms) = a + slope · log(n) and the growth class of the slope. The slope is Theil–Sen's
 * (median of pairwise slopes), so one size measured while the machine was busy does not move it:
 * a least-squares slope let one disturbed point drag a quadratic function to 1.7 or push a linear
 * one to 1.5. Classes: < 0.35
 * constant, < 0.8 sublinear, < 1.15 linear, < 1.5 n log n (between 100 and 10 000 its log-log slope
 * is about 1.2-1.3), < 2.5 quadratic, else cubic or worse. Needs two points of distinct sizes.
 */
export function fitGrowth(points: readonly SizePoint[]): GrowthFit {
  const usable = points.filter((p) => p.n > 0 && p.ms > 0);
  const xs = usable.map((p) => Math.log(p.n));
  const ys = usable.map((p) => Math.log(p.ms));
  const k = usable.length;
  const mx = xs.reduce((a, b) => a + b, 0) / Math.max(k, 1);
  const my = ys.reduce((a, b) => a + b, 0) / Math.max(k, 1);
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < k; i++) {
    const dx = (xs[i] ?? 0) - mx;
    const dy = (ys[i] ?? 0) - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (k < 2 || sxx === 0) return { slope: 0, r2: 0, growth: 'O(1)', points: k };
  const slope = median(pairwiseSlopes(xs, ys));
  const r2 = syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
  return { slope, r2, growth: classifySlope(slope), points: k };
}

function pairwiseSlopes(xs: readonly number[], ys: readonly number[]): number[] {
  const slopes: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    for (let j = i + 1; j < xs.length; j++) {
      const dx = (xs[j] ?? 0) - (xs[i] ?? 0);
      if (dx !== 0) slopes.push(((ys[j] ?? 0) - (ys[i] ?? 0)) / dx);
    }
  }
  return slopes;
}

function median(values: number[]): number {
  const sorted = values.sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** The growth class of a log-log slope (the classes of `fitGrowth`). */
export function classifySlope(slope: number): GrowthClass {
  if (slope < 0.35) return 'O(1)';
  if (slope < 0.8) return 'sublinear';
  if (slope < 1.15) return 'O(n)';
  if (slope < 1.5) return 'O(n log n)';
  if (slope < 2.5) return 'O(n^2)';
  return 'O(n^3+)';
}
