import { FEATURE_BUCKETS, FEATURE_GROUPS } from './taskState.js';

/** Groups of each feature (one more than its largest group number). */
const GROUPS = FEATURE_GROUPS.map((groups) => Math.max(...groups) + 1);

/** The group of each feature bucket (order of `FEATURE_BUCKETS`). */
const groupsOf = (buckets: readonly number[]): number[] => buckets.map((bucket, f) => FEATURE_GROUPS[f]![bucket]!);

/** A state row with its buckets already mapped to their groups. */
interface GroupedRow {
  groups: readonly number[];
  trials: ArrayLike<number>;
  sums: ArrayLike<number>;
}

/** Passes of backfitting: the second corrects what the first credited to a feature correlated with another. */
const PASSES = 2;

/** What one arm of one task type knows, for `FeatureBackoff.fit`. */
export interface ArmLevel {
  /** Mean over the whole type (imported evidence included). */
  mean: number;
  /** Reward variance of the arm over the type. */
  variance: number;
  /** Trials behind `mean`. */
  trials: number;
}

/** One state row of a type: its feature buckets and, per arm, trials and reward sum. */
export interface StateRow {
  buckets: readonly number[];
  trials: ArrayLike<number>;
  sums: ArrayLike<number>;
}

/** The fitted model of one arm: type mean plus one shrunk effect per feature group, plus a shrunk residual per cell of the features that matter. */
interface ArmFit {
  level: ArmLevel;
  /** [feature][group] → effect on the mean. */
  effects: Float64Array[];
  /** [feature][group] → posterior variance of that effect. */
  effectVariance: Float64Array[];
  /** The features whose effects the evidence shows (tau² > 0); with two or more, their cells carry residuals. */
  cellFeatures: readonly number[];
  /** Cell (`cellOf`) → [residual beyond the additive model, its posterior variance]. */
  cells: ReadonlyMap<number, readonly [number, number]>;
  /** Prior variance of a cell's residual: the smallest tau² of `cellFeatures`. */
  cellPrior: number;
}

/** The cell of a row's groups over some features (every feature has at most 4 groups). */
const cellOf = (groups: readonly number[], features: readonly number[]): number => features.reduce((cell, f) => cell * 4 + groups[f]!, 0);

/**
 * Splits a task type's evidence by a task feature only as far as the evidence shows the feature
 * matters: the estimate of an arm in a state is the type's mean plus, per feature, the effect of
 * the group of the state's bucket of that feature (`FEATURE_GROUPS`: its low or high half), each
 * effect shrunk by empirical Bayes (method of moments: the spread of the group means beyond what
 * sampling noise explains, tau², against the reward variance sigma²: an effect measured over n
 * trials keeps n tau² / (n tau² + sigma²) of itself).
 * A feature that does not matter (a noisy load reading, a bucket computed from the same number as
 * another) gets tau² near 0 and splits nothing; effects are fitted by backfitting, so two features
 * carrying the same information are not counted twice.
 * Where two or more features matter, what the additive model leaves in each cell of their groups
 * (a strategy that is best only when the task is both complex and retried) is a residual shrunk
 * the same way, with the smallest of those features' tau² as its prior variance (an interaction is
 * believed no larger than the effects it joins): a cell's own evidence takes over as it grows, as
 * a textbook per-context bandit's does, while features that do not matter still split nothing.
 */
export class FeatureBackoff {
  readonly #fits: ArmFit[];

  private constructor(fits: ArmFit[]) {
    this.#fits = fits;
  }

  /** Fits every arm of a type from its state rows. */
  static fit(levels: readonly ArmLevel[], rows: readonly StateRow[]): FeatureBackoff {
    const grouped = rows.map((row) => ({ groups: groupsOf(row.buckets), trials: row.trials, sums: row.sums }));
    return new FeatureBackoff(levels.map((level, arm) => fitArm(level, arm, grouped)));
  }

  /** Mean and variance of the estimate of `arm` in the state with these feature buckets. */
  estimate(arm: number, buckets: readonly number[]): { mean: number; variance: number } {
    const fit = this.#fits[arm]!;
    let mean = fit.level.mean;
    let variance = fit.level.variance / (fit.level.trials + 1);
    const groups = groupsOf(buckets);
    groups.forEach((group, f) => {
      mean += fit.effects[f]![group]!;
      variance += fit.effectVariance[f]![group]!;
    });
    if (fit.cellFeatures.length >= 2) {
      const [residual, residualVariance] = fit.cells.get(cellOf(groups, fit.cellFeatures)) ?? [0, fit.cellPrior];
      mean += residual;
      variance += residualVariance;
    }
    return { mean: Math.min(1, Math.max(0, mean)), variance };
  }
}

function fitArm(level: ArmLevel, arm: number, rows: readonly GroupedRow[]): ArmFit {
  const effects = GROUPS.map((g) => new Float64Array(g));
  const effectVariance = GROUPS.map((g) => new Float64Array(g));
  const sigma2 = Math.max(level.variance, 1e-4);
  const used = rows.filter((r) => r.trials[arm]! > 0);
  const additive = { level, effects, effectVariance, cellFeatures: [], cells: new Map(), cellPrior: 0 };
  if (used.length < 2) return additive;
  const tau2s = new Float64Array(FEATURE_BUCKETS.length);
  for (let pass = 0; pass < PASSES; pass++) {
    for (let f = 0; f < FEATURE_BUCKETS.length; f++) {
      const residual = new Float64Array(GROUPS[f]!);
      const trials = new Float64Array(GROUPS[f]!);
      for (const row of used) {
        let others = level.mean;
        for (let g = 0; g < FEATURE_BUCKETS.length; g++) if (g !== f) others += effects[g]![row.groups[g]!]!;
        const n = row.trials[arm]!;
        residual[row.groups[f]!]! += row.sums[arm]! - n * others;
        trials[row.groups[f]!]! += n;
      }
      let seen = 0;
      let total = 0;
      let spread = 0;
      for (let b = 0; b < trials.length; b++) {
        if (trials[b]! <= 0) continue;
        seen++;
        total += trials[b]!;
        spread += (residual[b]! * residual[b]!) / trials[b]!;
      }
      // Method of moments: E[sum n r²] = (groups - 1) sigma² + n tau² when the groups differ by tau².
      const tau2 = seen < 2 ? 0 : Math.max(0, (spread - (seen - 1) * sigma2) / total);
      tau2s[f] = tau2;
      for (let b = 0; b < trials.length; b++) {
        const n = trials[b]!;
        const keep = tau2 === 0 ? 0 : (n * tau2) / (n * tau2 + sigma2);
        effects[f]![b] = n > 0 ? keep * (residual[b]! / n) : 0;
        effectVariance[f]![b] = tau2 === 0 ? 0 : (tau2 * sigma2) / (n * tau2 + sigma2);
      }
    }
  }
  const cellFeatures = [...tau2s.keys()].filter((f) => tau2s[f]! > 0);
  if (cellFeatures.length < 2) return additive;
  const cellPrior = Math.min(...cellFeatures.map((f) => tau2s[f]!));
  const residuals = new Map<number, [number, number]>();
  for (const row of used) {
    let predicted = level.mean;
    for (let f = 0; f < FEATURE_BUCKETS.length; f++) predicted += effects[f]![row.groups[f]!]!;
    const cell = cellOf(row.groups, cellFeatures);
    const n = row.trials[arm]!;
    const [residual, trials] = residuals.get(cell) ?? [0, 0];
    residuals.set(cell, [residual + row.sums[arm]! - n * predicted, trials + n]);
  }
  const cells = new Map<number, readonly [number, number]>();
  for (const [cell, [residual, n]] of residuals) {
    cells.set(cell, [((n * cellPrior) / (n * cellPrior + sigma2)) * (residual / n), (cellPrior * sigma2) / (n * cellPrior + sigma2)]);
  }
  return { level, effects, effectVariance, cellFeatures, cells, cellPrior };
}
