/** A growth class, from the slope of log(time) against log(size). */
export type GrowthClass = 'O(1)' | 'sublinear' | 'O(n)' | 'O(n log n)' | 'O(n^2)' | 'O(n^3+)';

/** The fit of time = c · size^slope over the measured points. */
export interface GrowthFit {
  /** Exponent of the power law (log-log regression slope). */
  slope: number;
  /** Coefficient of determination of the log-log fit, 0..1 (1 with two points). */
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
 * Least-squares fit of log(ms) = a + slope · log(n) and the growth class of the slope: < 0.35
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
  const slope = sxy / sxx;
  const r2 = syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
  return { slope, r2, growth: classify(slope), points: k };
}

function classify(slope: number): GrowthClass {
  if (slope < 0.35) return 'O(1)';
  if (slope < 0.8) return 'sublinear';
  if (slope < 1.15) return 'O(n)';
  if (slope < 1.5) return 'O(n log n)';
  if (slope < 2.5) return 'O(n^2)';
  return 'O(n^3+)';
}
