import { StatsTable, type ArmContext, type ArmEstimate, type RandomSource } from '@qe-fleet/learning-core';
import { sampleIndex, softmax } from './policy.js';
import { RowAlgorithm, type SerializedArmsRow } from './RowAlgorithm.js';

/** Parameters of `ActorCritic`. */
export interface ActorCriticOptions {
  /** Actor step on the preferences. Default 0.1. */
  actorRate?: number;
  /** Critic step once a state has more than 1 / criticRate visits (running mean before). Default 0.05. */
  criticRate?: number;
  /** Softmax temperature over the preferences. Default 0.05 (rewards are in [0, 1]; gaps ~0.1). */
  temperature?: number;
  /**
   * d in the TD error δ = (1 - d) r + d V(s') - V(s) (reward units, as learning-core's Q-learning).
   * Default 0: QE tasks are mostly independent, so the update needs no next state.
   */
  discountFactor?: number;
}

/**
 * One-step actor-critic (Sutton & Barto 2018, 13.5) per discretised state: the actor is a softmax
 * policy π(a|s) ∝ exp(θ_a / temperature); the critic a learned state value V(s), the baseline;
 * after a reward, δ = target - V(s), V(s) += criticStep · δ, and the policy-gradient step
 * θ_b += actorRate · δ · (1[b = a] - π(b|s)) for every arm b (the gradient of ln π(a|s)).
 *
 * A row holds [θ, visits, mean reward] per strategy; the mean reward (a running mean) is only for
 * `estimates` and recommendations, never for choosing. The critic is a second table, [V, visits]
 * per state. An imported prior sets an arm's initial preference to (mean - 0.5) when its row is
 * created.
 */
export class ActorCritic extends RowAlgorithm {
  readonly name = 'actor-critic';
  readonly #actorRate: number;
  readonly #criticRate: number;
  readonly #temperature: number;
  readonly #discount: number;
  readonly #critic = new StatsTable(2);

  constructor(arms: readonly string[], random: RandomSource, options: ActorCriticOptions = {}) {
    super(arms, random, 3);
    this.#actorRate = options.actorRate ?? 0.1;
    this.#criticRate = options.criticRate ?? 0.05;
    this.#temperature = options.temperature ?? 0.05;
    this.#discount = options.discountFactor ?? 0;
  }

  #policy(ctx: ArmContext): number[] {
    return softmax(
      this.arms.map((_, i) => this.#preference(ctx, i)),
      this.#temperature,
    );
  }

  #preference(ctx: ArmContext, arm: number): number {
    if (this.table.find(ctx.state) >= 0) return this.stat(ctx.state, arm, 0);
    const prior = this.prior(ctx.type, arm);
    return prior.weight > 0 ? prior.mean - 0.5 : 0;
  }

  select(ctx: ArmContext): number {
    return sampleIndex(this.random, this.#policy(ctx));
  }

  probabilities(ctx: ArmContext): number[] {
    return this.#policy(ctx);
  }

  estimates(ctx: ArmContext): ArmEstimate[] {
    return this.arms.map((_, i) => {
      const n = this.stat(ctx.state, i, 1);
      return n > 0 ? { mean: this.stat(ctx.state, i, 2), trials: n } : { mean: 0.5, trials: 0 };
    });
  }

  #value(code: number): { v: number; n: number } {
    const row = this.#critic.find(code);
    return row < 0 ? { v: 0.5, n: 0 } : { v: this.#critic.get(row, 0), n: this.#critic.get(row, 1) };
  }

  update(ctx: ArmContext, arm: number, reward: number, next: ArmContext | null): boolean {
    if (this.#discount > 0 && next === null) return false;
    this.#apply(ctx, arm, reward, next);
    return true;
  }

  override link(ctx: ArmContext, arm: number, reward: number, next: ArmContext): void {
    if (this.#discount > 0) this.#apply(ctx, arm, reward, next);
  }

  #apply(ctx: ArmContext, arm: number, reward: number, next: ArmContext | null): void {
    const pi = this.#policy(ctx);
    const preferences = this.arms.map((_, i) => this.#preference(ctx, i));
    const { v, n } = this.#value(ctx.state);
    const target = (1 - this.#discount) * reward + (next === null ? 0 : this.#discount * this.#value(next.state).v);
    // The critic starts as a running mean so its first visits do not shrink towards 0.5.
    const delta = n === 0 ? 0 : target - v;
    const criticRow = this.#critic.ensure(ctx.state);
    const step = Math.max(this.#criticRate, 1 / (n + 1));
    this.#critic.set(criticRow, 0, v + step * (target - v));
    this.#critic.set(criticRow, 1, n + 1);
    this.arms.forEach((_, b) => {
      this.setStat(ctx.state, b, 0, preferences[b]! + this.#actorRate * delta * ((b === arm ? 1 : 0) - pi[b]!));
    });
    const visits = this.stat(ctx.state, arm, 1) + 1;
    const mean = this.stat(ctx.state, arm, 2);
    this.setStat(ctx.state, arm, 1, visits);
    this.setStat(ctx.state, arm, 2, mean + (reward - mean) / visits);
  }

  override takeDirty(): number[] {
    return [...new Set([...super.takeDirty(), ...this.#critic.takeDirty()])];
  }

  override rowCodes(): Iterable<number> {
    return new Set([...super.rowCodes(), ...this.#critic.codes()]);
  }

  override serializeRow(code: number): SerializedArmsRow & { value: [number, number] } {
    const { v, n } = this.#value(code);
    return { ...super.serializeRow(code), value: [v, n] };
  }

  override restoreRow(code: number, value: unknown): void {
    const critic = (value as { value?: unknown } | null)?.value;
    const ok = Array.isArray(critic) && critic.length === 2 && critic.every((x) => typeof x === 'number' && Number.isFinite(x));
    super.restoreRow(code, value);
    if (ok) {
      const row = this.#critic.ensure(code);
      this.#critic.set(row, 0, critic[0] as number);
      this.#critic.set(row, 1, critic[1] as number);
    }
  }

  override clear(): void {
    super.clear();
    this.#critic.clear();
  }
}
