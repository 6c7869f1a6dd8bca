import {
  QLearning,
  type ArmContext,
  type ArmEstimate,
  type RandomSource,
} from '@qe-fleet/learning-core';
import { epsilonGreedyProbabilities } from './policy.js';
import type { AgentDBAlgorithm } from './types.js';

/** Parameters of `QLearningPolicy`. */
export interface QLearningOptions {
  /** Default 0.1. */
  learningRate?: number;
  /** Default 0.3 (the same as `Sarsa`, so the two differ only in the bootstrap). */
  discountFactor?: number;
}

/**
 * learning-core's own tabular Q-learning (`QLearning`: epsilon-greedy, target (1 - d) r +
 * d max Q(s', ·)), unchanged, with the selection probabilities off-policy evaluation needs.
 */
export class QLearningPolicy implements AgentDBAlgorithm {
  readonly name = 'q-learning';
  readonly replays = true;
  readonly usesEpsilon = true;
  readonly #inner: QLearning;

  constructor(arms: readonly string[], random: RandomSource, options: QLearningOptions = {}) {
    this.#inner = new QLearning(arms, random, options.learningRate ?? 0.1, options.discountFactor ?? 0.3);
  }

  select(ctx: ArmContext, estimates: readonly ArmEstimate[], epsilon: number): number {
    return this.#inner.select(ctx, estimates, epsilon);
  }

  probabilities(ctx: ArmContext, epsilon: number): number[] {
    return epsilonGreedyProbabilities(this.#inner.estimates(ctx).map((e) => e.mean), epsilon);
  }

  estimates(ctx: ArmContext): ArmEstimate[] {
    return this.#inner.estimates(ctx);
  }

  update(ctx: ArmContext, arm: number, reward: number, next: ArmContext | null): boolean {
    return this.#inner.update(ctx, arm, reward, next);
  }

  link(ctx: ArmContext, arm: number, reward: number, next: ArmContext): void {
    this.#inner.link(ctx, arm, reward, next);
  }

  setPrior(type: number, arm: number, mean: number, weight: number): void {
    this.#inner.setPrior(type, arm, mean, weight);
  }

  takeDirty(): number[] {
    return this.#inner.takeDirty();
  }

  rowCodes(): Iterable<number> {
    return this.#inner.rowCodes();
  }

  serializeRow(code: number): unknown {
    return this.#inner.serializeRow(code);
  }

  restoreRow(code: number, value: unknown): void {
    this.#inner.restoreRow(code, value);
  }

  clear(): void {
    this.#inner.clear();
  }
}
