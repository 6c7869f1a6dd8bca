import type { ArmContext, ArmEstimate, RandomSource } from '@qe-fleet/learning-core';
import { GaussianArms } from './GaussianArms.js';

/** Parameters of `MultiTaskLearning`. */
export interface MultiTaskLearningOptions {
  /**
   * Between-type variance of an arm's mean used until at least two task types have
   * `minTrialsPerType` trials of it. Default 0.01 (sd 0.1: strategies rank differently per type).
   */
  defaultBetweenTypeVariance?: number;
  /** Trials of an arm a task type needs to count in the between-type variance. Default 5. */
  minTrialsPerType?: number;
  /**
   * Whether a row code is a task type's (for `restoreRow`). Default: learning-core's layout, where
   * a type's code is its base + 1600 and bases are multiples of 1601.
   */
  isTypeCode?: (code: number) => boolean;
}

/** learning-core's discretised feature combinations per type (its `FEATURE_COUNT`, not exported). */
const FEATURE_COUNT = 1600;

/**
 * Multi-task learning by hierarchical pooling (empirical Bayes, as in Gelman et al.'s normal
 * hierarchical model): the parameter shared across task types is each strategy's mean reward
 * over all types, μ_a (pooled statistics of every type row); each type's mean for the strategy is
 * drawn around it with between-type variance τ_a², estimated by the method of moments (variance
 * of the type means minus their mean sampling variance, floored at 0.0005). A type's estimate of
 * an arm is then its own mean shrunk towards μ_a with weight κ_a = v / τ_a² pseudo-trials (v the
 * reward variance), so a NEW task type starts from what the other types learned, and a type with
 * its own data soon follows it. Selection: Thompson sampling on that posterior.
 */
export class MultiTaskLearning extends GaussianArms {
  readonly name = 'multi-task-learning';
  readonly #defaultTau2: number;
  readonly #minTrials: number;
  readonly #typeCodes = new Set<number>();
  readonly #isTypeCode: (code: number) => boolean;

  constructor(arms: readonly string[], random: RandomSource, options: MultiTaskLearningOptions = {}) {
    super(arms, random);
    this.#defaultTau2 = options.defaultBetweenTypeVariance ?? 0.01;
    this.#minTrials = options.minTrialsPerType ?? 5;
    this.#isTypeCode = options.isTypeCode ?? ((code) => code % (FEATURE_COUNT + 1) === FEATURE_COUNT);
  }

  /** The shared mean of an arm over all task types and the pseudo-trials it lends one type. */
  shared(ctx: ArmContext, arm: number): { mean: number; weight: number } {
    let n = 0;
    let sum = 0;
    const means: number[] = [];
    const samplingVariances: number[] = [];
    const v = this.variance(ctx);
    for (const code of this.#typeCodes) {
      const s = this.armStats(code, arm);
      n += s.n;
      sum += s.sum;
      if (s.n >= this.#minTrials) {
        means.push(s.sum / s.n);
        samplingVariances.push(v / s.n);
      }
    }
    if (n === 0) return { mean: 0.5, weight: 0 };
    let tau2 = this.#defaultTau2;
    if (means.length >= 2) {
      const m = means.reduce((a, b) => a + b, 0) / means.length;
      const spread = means.reduce((a, b) => a + (b - m) ** 2, 0) / (means.length - 1);
      const noise = samplingVariances.reduce((a, b) => a + b, 0) / samplingVariances.length;
      tau2 = Math.max(0.0005, spread - noise);
    }
    return { mean: sum / n, weight: Math.min(200, v / tau2) };
  }

  protected override typeEstimate(ctx: ArmContext, arm: number): ArmEstimate {
    const own = this.armStats(ctx.type, arm);
    const prior = this.prior(ctx.type, arm);
    const shared = this.shared(ctx, arm);
    const trials = own.n + prior.weight + shared.weight;
    if (trials === 0) return { mean: 0.5, trials: 0 };
    return { mean: (own.sum + prior.weight * prior.mean + shared.weight * shared.mean) / trials, trials };
  }

  override update(ctx: ArmContext, arm: number, reward: number): boolean {
    this.#typeCodes.add(ctx.type);
    return super.update(ctx, arm, reward);
  }

  override restoreRow(code: number, value: unknown): void {
    super.restoreRow(code, value);
    if (this.#isTypeCode(code)) this.#typeCodes.add(code);
  }

  override clear(): void {
    super.clear();
    this.#typeCodes.clear();
  }
}
