import type { ArmContext, ArmEstimate, RandomSource } from '@qe-fleet/learning-core';
import { sampleIndex, softmax } from './policy.js';
import { RowAlgorithm } from './RowAlgorithm.js';

/** Parameters of `Exp3`. */
export interface Exp3Options {
  /**
   * Exploration / learning rate γ. Default: Auer et al.'s tuning for `horizon` tasks per state,
   * min(1, sqrt(K ln K / ((e - 1) horizon))), ≈ 0.048 for 5 strategies and 2 000 tasks.
   */
  gamma?: number;
  /** Tasks per state the default γ is tuned for. Default 2000. */
  horizon?: number;
}

/**
 * EXP3 (Auer, Cesa-Bianchi, Freund & Schapire 2002), the adversarial-bandit algorithm behind the
 * seed's "adversarial-training": no assumption that rewards are stochastic or stationary, so an
 * adversary (or a shifting workload) cannot make it lose more than O(sqrt(T K ln K)) against the
 * best fixed strategy. Per state: p_i = (1 - γ) w_i / Σ w + γ / K; after a reward r on arm a,
 * w_a *= exp(γ (r / p_a) / K) (importance-weighted, so unbiased for every arm). Weights are kept
 * as logarithms (they grow without bound). A row holds [ln w, pulls, mean reward] per strategy;
 * the probability used in the update is the one `select` drew from, remembered per state.
 */
export class Exp3 extends RowAlgorithm {
  readonly name = 'adversarial-training';
  readonly gamma: number;
  readonly #drawn = new Map<number, number[]>();

  constructor(arms: readonly string[], random: RandomSource, options: Exp3Options = {}) {
    super(arms, random, 3);
    const k = arms.length;
    const horizon = options.horizon ?? 2000;
    this.gamma = options.gamma ?? Math.min(1, Math.sqrt((k * Math.log(k)) / ((Math.E - 1) * horizon)));
  }

  probabilities(ctx: ArmContext): number[] {
    const k = this.arms.length;
    const logWeights = this.arms.map((_, i) => {
      if (this.table.find(ctx.state) >= 0) return this.stat(ctx.state, i, 0);
      const prior = this.prior(ctx.type, i);
      return prior.weight > 0 ? (this.gamma * prior.weight * prior.mean) / k : 0;
    });
    return softmax(logWeights).map((p) => (1 - this.gamma) * p + this.gamma / k);
  }

  select(ctx: ArmContext): number {
    const p = this.probabilities(ctx);
    this.#drawn.set(ctx.state, p);
    return sampleIndex(this.random, p);
  }

  estimates(ctx: ArmContext): ArmEstimate[] {
    return this.arms.map((_, i) => {
      const n = this.stat(ctx.state, i, 1);
      return n > 0 ? { mean: this.stat(ctx.state, i, 2), trials: n } : { mean: 0.5, trials: 0 };
    });
  }

  update(ctx: ArmContext, arm: number, reward: number): boolean {
    const p = this.#drawn.get(ctx.state) ?? this.probabilities(ctx);
    const k = this.arms.length;
    if (this.table.find(ctx.state) < 0) {
      // Materialise the prior-derived weights before the first change.
      const initial = this.arms.map((_, i) => {
        const prior = this.prior(ctx.type, i);
        return prior.weight > 0 ? (this.gamma * prior.weight * prior.mean) / k : 0;
      });
      initial.forEach((w, i) => this.setStat(ctx.state, i, 0, w));
    }
    this.setStat(ctx.state, arm, 0, this.stat(ctx.state, arm, 0) + (this.gamma * (reward / p[arm]!)) / k);
    // Keep log-weights near 0: only differences matter, and float32 rows lose precision far out.
    const max = Math.max(...this.arms.map((_, i) => this.stat(ctx.state, i, 0)));
    this.arms.forEach((_, i) => this.setStat(ctx.state, i, 0, this.stat(ctx.state, i, 0) - max));
    const n = this.stat(ctx.state, arm, 1) + 1;
    this.setStat(ctx.state, arm, 1, n);
    this.setStat(ctx.state, arm, 2, this.stat(ctx.state, arm, 2) + (reward - this.stat(ctx.state, arm, 2)) / n);
    return true;
  }

  override clear(): void {
    super.clear();
    this.#drawn.clear();
  }
}
