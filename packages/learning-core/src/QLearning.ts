import { NO_DATA_MEAN, TabularAlgorithm } from './TabularAlgorithm.js';
import type { ArmContext, ArmEstimate, RandomSource } from './types.js';

/**
 * Tabular Q-learning (seed 3.1) with epsilon-greedy selection, over the full discretised state.
 * A row holds [Q, visits] per strategy.
 *
 * The next state s' of an experience is the state of the agent's next task of the same type (never
 * invented), so the update Q(s,a) += lr * (target - Q(s,a)) waits until that task arrives (`link`),
 * unless `discountFactor` is 0: then the target is the reward alone and applies at once. Values are
 * kept in reward units: target = (1 - d) * r + d * max Q(s'), which is (1 - d) times the textbook
 * Q and so yields the same greedy policy. QE tasks are mostly independent, so a d near 0 avoids
 * bootstrapping from unrelated tasks; the seed presets' 0.9-0.99 make s' dominate the target.
 * (With d > 0, an experience whose successor arrives after it left the replay buffer is not learned
 * from: its target cannot be computed.)
 *
 * The step is max(learningRate, 1 / (visits + 1 + prior weight)): a running mean while a pair has
 * few visits, so the first visits are not shrunk towards the initial value (which, with greedy
 * choice, would make the most-visited strategy look best), then the constant rate. An unvisited
 * pair starts at its imported prior, else at 0.5, the middle of the reward range.
 */
export class QLearning extends TabularAlgorithm {
  readonly name = 'q-learning';
  readonly replays = true;
  readonly usesEpsilon = true;
  readonly #learningRate: number;
  readonly #discount: number;

  constructor(arms: readonly string[], random: RandomSource, learningRate: number, discountFactor: number) {
    super(arms, random);
    this.#learningRate = learningRate;
    this.#discount = discountFactor;
  }

  select(_ctx: ArmContext, estimates: readonly ArmEstimate[], epsilon: number): number {
    if (this.random() < epsilon) return Math.floor(this.random() * this.arms.length);
    return this.argmax(estimates.map((e) => e.mean));
  }

  /** Q per strategy; an unvisited one starts at its imported prior, else at 0.5. */
  estimates(ctx: ArmContext): ArmEstimate[] {
    const row = this.table.find(ctx.state);
    return this.arms.map((_, i) => {
      const visits = row < 0 ? 0 : this.table.get(row, 2 * i + 1);
      if (visits > 0) return { mean: this.table.get(row, 2 * i), trials: visits };
      const prior = this.prior(ctx.type, i);
      return { mean: prior.weight > 0 ? prior.mean : NO_DATA_MEAN, trials: 0 };
    });
  }

  update(ctx: ArmContext, arm: number, reward: number, next: ArmContext | null): boolean {
    if (this.#discount > 0 && next === null) return false;
    const bootstrap = next === null ? 0 : Math.max(...this.estimates(next).map((e) => e.mean));
    const target = (1 - this.#discount) * reward + this.#discount * bootstrap;
    const current = this.estimates(ctx)[arm]!;
    const step = Math.max(this.#learningRate, 1 / (current.trials + 1 + this.prior(ctx.type, arm).weight));
    const row = this.table.ensure(ctx.state);
    this.table.set(row, 2 * arm, current.mean + step * (target - current.mean));
    this.table.set(row, 2 * arm + 1, current.trials + 1);
    return true;
  }

  link(ctx: ArmContext, arm: number, reward: number, next: ArmContext): void {
    if (this.#discount > 0) this.update(ctx, arm, reward, next);
  }
}
