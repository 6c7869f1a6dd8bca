import { featureBuckets, TYPE_STRIDE, type ArmContext, type ArmEstimate } from '@qe-fleet/learning-core';
import { AgentDBError } from '../AgentDBError.js';
import type { DecisionTransformerTrained } from './core.js';
import { DecisionTransformer } from './DecisionTransformer.js';

/** Task-type slots of `engineContextFeatures` (the engine's type index modulo this). */
export const DT_TYPE_SLOTS = 8;

/** Length of `engineContextFeatures`: task-type one-hot plus the five feature buckets. */
export const DT_CONTEXT_FEATURES = DT_TYPE_SLOTS + 5;

/**
 * The features a decision transformer sees of an engine context (all an algorithm receives):
 * a one-hot of the engine's task-type index (modulo 8) and the state's five discretised feature
 * buckets (complexity, capabilities, attempts, time limit, resources), each scaled to [0, 1].
 * Train on logs of the same engine (its type indices are in the order it met the task types).
 */
export function engineContextFeatures(ctx: ArmContext): number[] {
  const type = Math.floor(ctx.state / TYPE_STRIDE);
  const f = new Array<number>(DT_CONTEXT_FEATURES).fill(0);
  f[type % DT_TYPE_SLOTS] = 1;
  const [c, caps, attempts, time, resources] = featureBuckets(ctx.state % TYPE_STRIDE);
  f[DT_TYPE_SLOTS] = c! / 4;
  f[DT_TYPE_SLOTS + 1] = caps! / 3;
  f[DT_TYPE_SLOTS + 2] = attempts! / 3;
  f[DT_TYPE_SLOTS + 3] = time! / 4;
  f[DT_TYPE_SLOTS + 4] = resources! / 3;
  return f;
}

/**
 * A trained decision transformer behind learning-core's `LearningAlgorithm`, so an engine can run
 * it (`registerAgentDBAlgorithms({ decisionTransformer: trained })`, then
 * `config.algorithm = 'decision-transformer'`). It is an offline learner: the engine's updates
 * only extend its context window, never its weights (retrain with `train()` and register again).
 * `estimates` are its action probabilities for the target return, not expected rewards; it has no
 * statistics rows to persist. It plays the most probable action, so `probabilities` (what the engine
 * logs as the propensity, and what off-policy evaluation weighs) is that action's indicator.
 */
export class DecisionTransformerAlgorithm {
  readonly name = 'decision-transformer';
  readonly replays = false;
  readonly usesEpsilon = false;
  readonly #policy: DecisionTransformer;

  constructor(trained: DecisionTransformerTrained, arms: readonly string[], targetReturn?: number) {
    if (trained.config.actions !== arms.length || trained.config.features !== DT_CONTEXT_FEATURES) {
      throw new AgentDBError(
        'INVALID_OPTIONS',
        `decision-transformer model has ${trained.config.actions} actions and ${trained.config.features} features; ` +
          `the engine has ${arms.length} strategies and engineContextFeatures gives ${DT_CONTEXT_FEATURES}`,
      );
    }
    this.#policy = new DecisionTransformer(trained, { featuresOf: engineContextFeatures, ...(targetReturn === undefined ? {} : { targetReturn }) });
  }

  /** The probability that `select` returns each strategy: 1 for the model's argmax (ties to the first), 0 elsewhere. */
  probabilities(ctx: ArmContext): number[] {
    const chosen = this.#policy.select(ctx);
    return Array.from({ length: this.#policy.trained.config.actions }, (_, i) => (i === chosen ? 1 : 0));
  }

  select(ctx: ArmContext): number {
    return this.#policy.select(ctx);
  }

  /** The model's action probabilities for the target return (as means; not expected rewards). */
  estimates(ctx: ArmContext): ArmEstimate[] {
    return this.#policy.probabilities(ctx).map((p) => ({ mean: p, trials: 0 }));
  }

  update(ctx: ArmContext, arm: number, reward: number): boolean {
    return this.#policy.update(ctx, arm, reward);
  }

  link(): void {}
  setPrior(): void {}
  takeDirty(): number[] {
    return [];
  }
  rowCodes(): number[] {
    return [];
  }
  serializeRow(): unknown {
    return {};
  }
  restoreRow(): void {}
  clear(): void {}
}
