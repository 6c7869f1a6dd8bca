import type { GrowthFit } from '../kit/perf/fitGrowth.js';

/** Thresholds of a super-linear verdict. */
export interface GrowthThresholds {
  minSlope: number;
  minR2: number;
}

/** The confirming run of one function: its fit and that of one plain pass over the same inputs. */
export interface ConfirmingFit {
  fit: GrowthFit;
  baseline?: GrowthFit;
}

/** Report with this fit, or do not, and why. */
export type GrowthVerdict = { report: true; ownSlope: number } | { report: false; why: string };

/** Super-linear: at least three sizes, the slope and R² over their thresholds. */
export function isSuperLinear(fit: Pick<GrowthFit, 'points' | 'slope' | 'r2'>, thresholds: GrowthThresholds): boolean {
  return fit.points >= 3 && fit.slope >= thresholds.minSlope && fit.r2 >= thresholds.minR2;
}

/**
 * Whether a function whose first run fitted as super-linear is reported: its confirming run must
 * fit so too once the engine's own growth is taken out. The unit is one plain pass over the same
 * inputs and over the result (enumerate and copy them): growth beyond linear that this pass shows as well belongs to
 * the engine (V8 turning a big object into a dictionary, caches), not to the function. ky's
 * findUnknownOptions (one loop over an options object) measured n^1.61 with the pass at n^1.59.
 */
export function confirmGrowth(first: GrowthFit, again: ConfirmingFit | undefined, thresholds: GrowthThresholds): GrowthVerdict {
  if (again === undefined || !isSuperLinear(again.fit, thresholds)) {
    const seen = again === undefined ? '?' : `${again.fit.slope.toFixed(2)} (R² ${again.fit.r2.toFixed(2)}, ${again.fit.points} sizes)`;
    return { report: false, why: `n^${first.slope.toFixed(2)} once, n^${seen} when timed again: timing noise, not reported` };
  }
  const engine = again.baseline === undefined ? 0 : Math.max(0, again.baseline.slope - 1);
  const ownSlope = again.fit.slope - engine;
  if (isSuperLinear({ ...again.fit, slope: ownSlope }, thresholds)) return { report: true, ownSlope };
  return { report: false, why: `n^${again.fit.slope.toFixed(2)}, but one plain pass over the same inputs grows as n^${again.baseline?.slope.toFixed(2)}: n^${ownSlope.toFixed(2)} of its own, not reported` };
}
