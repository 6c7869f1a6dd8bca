import type { ArmContext, ArmEstimate, RandomSource } from '@qe-fleet/learning-core';
import { GaussianArms } from './GaussianArms.js';
import { expectedImprovementFactor } from './policy.js';

/** Parameters of `ActiveLearning`. */
export interface ActiveLearningOptions {
  /**
   * Tasks per state over which information is worth buying: the value of one more observation is
   * weighted by the tasks left, max(1, horizon - tasks seen in the state). Default 1000.
   */
  horizon?: number;
}

/**
 * Active learning as the knowledge-gradient policy (Frazier, Powell & Dayanik 2008; online form,
 * Ryzhov, Powell & Frazier 2012): it spends exploration where the expected gain in knowing which
 * strategy is best is largest. For each arm, KG_a = σ̃_a f(-|μ_a - max_{b≠a} μ_b| / σ̃_a), with
 * f(z) = z Φ(z) + φ(z) and σ̃_a² = σ_a² - σ_a'² the variance one more observation removes from
 * the arm's posterior mean (σ² = v / (n + 1) before, v / (n + 2) after). It plays
 * argmax μ_a + (tasks left) · KG_a: pure exploitation once the information is worth less than
 * the reward given up. Deterministic (ties to the first strategy); posterior as in `GaussianArms`.
 */
export class ActiveLearning extends GaussianArms {
  readonly name = 'active-learning';
  readonly #horizon: number;

  constructor(arms: readonly string[], random: RandomSource, options: ActiveLearningOptions = {}) {
    super(arms, random);
    this.#horizon = options.horizon ?? 1000;
  }

  /** The knowledge gradient of each arm. */
  knowledgeGradients(ctx: ArmContext, estimates: readonly ArmEstimate[]): number[] {
    const v = this.variance(ctx);
    return estimates.map((e, a) => {
      const sigmaTilde = Math.sqrt(Math.max(0, v / (e.trials + 1) - v / (e.trials + 2)));
      if (sigmaTilde === 0) return 0;
      let bestOther = Number.NEGATIVE_INFINITY;
      estimates.forEach((o, b) => {
        if (b !== a && o.mean > bestOther) bestOther = o.mean;
      });
      return sigmaTilde * expectedImprovementFactor(-Math.abs(e.mean - bestOther) / sigmaTilde);
    });
  }

  #scores(ctx: ArmContext, estimates: readonly ArmEstimate[]): number[] {
    let seen = 0;
    for (let i = 0; i < this.arms.length; i++) seen += this.stat(ctx.state, i, 0);
    const left = Math.max(1, this.#horizon - seen);
    const kg = this.knowledgeGradients(ctx, estimates);
    return estimates.map((e, i) => e.mean + left * kg[i]!);
  }

  override select(ctx: ArmContext, estimates: readonly ArmEstimate[]): number {
    return this.argmax(this.#scores(ctx, estimates));
  }

  override probabilities(ctx: ArmContext): number[] {
    const chosen = this.select(ctx, this.estimates(ctx));
    return this.arms.map((_, i) => (i === chosen ? 1 : 0));
  }
}
