import type { ArmContext, ArmEstimate, RandomSource } from '@qe-fleet/learning-core';
import { epsilonGreedyProbabilities } from './policy.js';
import { RowAlgorithm } from './RowAlgorithm.js';

/** Parameters of `Sarsa`. */
export interface SarsaOptions {
  /** Constant step once an arm has more than 1 / learningRate visits. Default 0.1. */
  learningRate?: number;
  /**
   * d in target = (1 - d) r + d Q(s', a'), values kept in reward units as learning-core's
   * Q-learning keeps them. Default 0.3. With 0 SARSA and Q-learning are the same running mean.
   */
  discountFactor?: number;
}

/**
 * Tabular SARSA (Rummery & Niranjan 1994), on-policy TD control: it bootstraps from the strategy
 * the policy actually chose in the next state, Q(s', a'), where Q-learning takes max Q(s', ·). A
 * row holds [Q, visits] per strategy over the full discretised state; selection is epsilon-greedy
 * on the engine's epsilon schedule (`usesEpsilon`).
 *
 * The next state s' is the state of the agent's next task of the same type (learning-core's
 * convention); a' is the strategy that next task actually ran: the engine calls `update` with it
 * before it calls `link` for the previous task, so it is remembered per state row from `update`
 * (not from `select`, which a forced strategy overrides, and which a restart's replay does not call). Step: max(learningRate,
 * 1 / (visits + 1 + prior weight)), a running mean while visits are few, as in learning-core.
 */
export class Sarsa extends RowAlgorithm {
  readonly name = 'sarsa';
  override readonly replays = false;
  override readonly usesEpsilon = true;
  readonly #learningRate: number;
  readonly #discount: number;
  readonly #lastChoice = new Map<number, number>();

  constructor(arms: readonly string[], random: RandomSource, options: SarsaOptions = {}) {
    super(arms, random, 2);
    this.#learningRate = options.learningRate ?? 0.1;
    this.#discount = options.discountFactor ?? 0.3;
  }

  select(ctx: ArmContext, estimates: readonly ArmEstimate[], epsilon: number): number {
    return this.random() < epsilon ? Math.floor(this.random() * this.arms.length) : this.argmax(estimates.map((e) => e.mean));
  }

  probabilities(ctx: ArmContext, epsilon: number): number[] {
    return epsilonGreedyProbabilities(this.estimates(ctx).map((e) => e.mean), epsilon);
  }

  /** Q per strategy; an unvisited one starts at its imported prior, else at 0.5. */
  estimates(ctx: ArmContext): ArmEstimate[] {
    return this.arms.map((_, i) => {
      const visits = this.stat(ctx.state, i, 1);
      if (visits > 0) return { mean: this.stat(ctx.state, i, 0), trials: visits };
      const prior = this.prior(ctx.type, i);
      return { mean: prior.weight > 0 ? prior.mean : 0.5, trials: 0 };
    });
  }

  update(ctx: ArmContext, arm: number, reward: number, next: ArmContext | null): boolean {
    this.#lastChoice.set(ctx.state, arm);
    if (this.#discount > 0 && next === null) return false;
    this.#apply(ctx, arm, reward, next);
    return true;
  }

  override link(ctx: ArmContext, arm: number, reward: number, next: ArmContext): void {
    if (this.#discount > 0) this.#apply(ctx, arm, reward, next);
  }

  #apply(ctx: ArmContext, arm: number, reward: number, next: ArmContext | null): void {
    let bootstrap = 0;
    if (next !== null) {
      const nextEstimates = this.estimates(next);
      const chosen = this.#lastChoice.get(next.state) ?? this.argmax(nextEstimates.map((e) => e.mean));
      bootstrap = nextEstimates[chosen]!.mean;
    }
    const target = (1 - this.#discount) * reward + this.#discount * bootstrap;
    const current = this.estimates(ctx)[arm]!;
    const step = Math.max(this.#learningRate, 1 / (current.trials + 1 + this.prior(ctx.type, arm).weight));
    this.setStat(ctx.state, arm, 0, current.mean + step * (target - current.mean));
    this.setStat(ctx.state, arm, 1, current.trials + 1);
  }

  override clear(): void {
    super.clear();
    this.#lastChoice.clear();
  }
}
