import type { ArmContext, RandomSource } from '@qe-fleet/learning-core';
import { GaussianArms } from './GaussianArms.js';

/** Parameters of `CurriculumLearning`. */
export interface CurriculumLearningOptions {
  /** Admission threshold at the start, in squared standard deviations. Default 1. */
  initialPace?: number;
  /** Updates after which every experience is admitted (the pace has grown to infinity). Default 500. */
  paceTasks?: number;
  /** Experiences that may wait; beyond it the oldest is admitted. Default 500. */
  maxDeferred?: number;
}

interface Deferred {
  ctx: ArmContext;
  arm: number;
  reward: number;
}

/**
 * Curriculum learning as self-paced learning (Kumar, Packer & Koller 2010), on the Gaussian
 * Thompson learner of `GaussianArms`: the model learns from easy experiences first. An experience's
 * difficulty is its standardised squared error under the current model, (r - μ)² / v. It is
 * admitted into the statistics when that is at most the pace λ, which grows linearly from
 * `initialPace` to infinity over `paceTasks` updates; harder ones wait and are re-offered after
 * every update, and all are admitted once the pace is infinite, so nothing is lost and the final
 * statistics are unbiased.
 *
 * This is the curriculum a learner can apply to the experiences it is given; which task an agent
 * meets next (task types from easy to hard) is a queue's choice: `CurriculumScheduler`.
 */
export class CurriculumLearning extends GaussianArms {
  readonly name = 'curriculum-learning';
  readonly #initialPace: number;
  readonly #paceTasks: number;
  readonly #maxDeferred: number;
  #updates = 0;
  #deferred: Deferred[] = [];

  constructor(arms: readonly string[], random: RandomSource, options: CurriculumLearningOptions = {}) {
    super(arms, random);
    this.#initialPace = options.initialPace ?? 1;
    this.#paceTasks = options.paceTasks ?? 500;
    this.#maxDeferred = options.maxDeferred ?? 500;
  }

  /** Experiences waiting for the pace to admit them. */
  get deferred(): number {
    return this.#deferred.length;
  }

  #pace(): number {
    if (this.#updates >= this.#paceTasks) return Number.POSITIVE_INFINITY;
    // Grows from initialPace; the 1 / (1 - progress) term makes it reach infinity at paceTasks.
    const progress = this.#updates / this.#paceTasks;
    return this.#initialPace / (1 - progress);
  }

  #difficulty(item: Deferred): number {
    const mean = this.estimates(item.ctx)[item.arm]!.mean;
    return (item.reward - mean) ** 2 / this.variance(item.ctx);
  }

  #admit(item: Deferred): void {
    this.addReward(item.ctx.state, item.arm, item.reward);
    this.addReward(item.ctx.type, item.arm, item.reward);
  }

  override update(ctx: ArmContext, arm: number, reward: number): boolean {
    this.#updates++;
    const pace = this.#pace();
    const item = { ctx, arm, reward };
    if (this.#difficulty(item) <= pace) this.#admit(item);
    else this.#deferred.push(item);
    if (this.#deferred.length > 0) {
      const waiting = this.#deferred;
      this.#deferred = [];
      for (const w of waiting) {
        if (pace === Number.POSITIVE_INFINITY || this.#difficulty(w) <= pace) this.#admit(w);
        else this.#deferred.push(w);
      }
      while (this.#deferred.length > this.#maxDeferred) this.#admit(this.#deferred.shift()!);
    }
    return true;
  }

  override clear(): void {
    super.clear();
    this.#updates = 0;
    this.#deferred = [];
  }
}
