import { gaussianArgmaxProbabilities, standardNormal, type ArmContext, type ArmEstimate, type RandomSource } from '@qe-fleet/learning-core';
import { pooledVariance } from './policy.js';
import { RowAlgorithm } from './RowAlgorithm.js';

/** Pseudo-trials a task type lends a state (learning-core's bandits use the same 20). */
export const BACKOFF_TRIALS = 20;

/** Sufficient statistics of one arm in one row. */
export interface ArmStats {
  n: number;
  sum: number;
  squares: number;
}

/**
 * The Gaussian-posterior family shared by active-, curriculum-, federated- and multi-task
 * learning: each experience adds (1, r, r²) to its state row and its task-type row; an arm's
 * estimate in a state is its state mean shrunk towards the type estimate as if the type lent up
 * to 20 trials (learning-core's back-off); its posterior variance is v / (trials + 1), v the
 * pooled reward variance of the task type. Subclasses change where statistics come from (`armStats`),
 * what a type's estimate is (`typeEstimate`), how rewards enter (`update`) and the selection rule
 * (default Thompson sampling).
 */
export abstract class GaussianArms extends RowAlgorithm {
  constructor(arms: readonly string[], random: RandomSource) {
    super(arms, random, 3);
  }

  /** Statistics of an arm in a row (subclasses may add others' statistics). */
  protected armStats(code: number, arm: number): ArmStats {
    return { n: this.stat(code, arm, 0), sum: this.stat(code, arm, 1), squares: this.stat(code, arm, 2) };
  }

  /** Adds one reward to a row. */
  protected addReward(code: number, arm: number, reward: number): void {
    this.setStat(code, arm, 0, this.stat(code, arm, 0) + 1);
    this.setStat(code, arm, 1, this.stat(code, arm, 1) + reward);
    this.setStat(code, arm, 2, this.stat(code, arm, 2) + reward * reward);
  }

  /** The task-type level estimate of an arm: its type statistics plus an imported prior. */
  protected typeEstimate(ctx: ArmContext, arm: number): ArmEstimate {
    const s = this.armStats(ctx.type, arm);
    const prior = this.prior(ctx.type, arm);
    const trials = s.n + prior.weight;
    return { mean: trials > 0 ? (s.sum + prior.weight * prior.mean) / trials : 0.5, trials };
  }

  /** Reward variance of the task type (pooled over its arms). */
  protected variance(ctx: ArmContext): number {
    return pooledVariance(this.arms.map((_, i) => this.armStats(ctx.type, i)));
  }

  estimates(ctx: ArmContext): ArmEstimate[] {
    return this.arms.map((_, i) => {
      const type = this.typeEstimate(ctx, i);
      const lent = Math.min(BACKOFF_TRIALS, type.trials);
      const own = this.armStats(ctx.state, i);
      const trials = own.n + lent;
      return { mean: trials > 0 ? (own.sum + lent * type.mean) / trials : 0.5, trials };
    });
  }

  /** One posterior draw per arm. */
  protected draw(ctx: ArmContext, estimates: readonly ArmEstimate[], random: RandomSource): number[] {
    const v = this.variance(ctx);
    return estimates.map((e) => e.mean + Math.sqrt(v / (e.trials + 1)) * standardNormal(random));
  }

  select(ctx: ArmContext, estimates: readonly ArmEstimate[]): number {
    return this.argmax(this.draw(ctx, estimates, this.random));
  }

  /** `select`'s probabilities in closed form (learning-core's quadrature over the same posteriors `draw` samples). */
  probabilities(ctx: ArmContext): number[] {
    const estimates = this.estimates(ctx);
    const v = this.variance(ctx);
    return gaussianArgmaxProbabilities(
      estimates.map((e) => e.mean),
      estimates.map((e) => Math.sqrt(v / (e.trials + 1))),
    );
  }

  update(ctx: ArmContext, arm: number, reward: number): boolean {
    this.addReward(ctx.state, arm, reward);
    this.addReward(ctx.type, arm, reward);
    return true;
  }
}
