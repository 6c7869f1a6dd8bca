import { Worker } from 'node:worker_threads';
import type { ArmContext } from '@qe-fleet/learning-core';
import { AgentDBError } from '../AgentDBError.js';
import {
  decisionTransformerCore,
  type DecisionTransformerConfig,
  type DecisionTransformerTrained,
  type TrajectoryStep,
} from './core.js';

/** Options of `trainDecisionTransformer`: the model's hyper-parameters plus where to train. */
export interface TrainDecisionTransformerOptions extends Partial<DecisionTransformerConfig> {
  /** Train in a worker thread (default true), never on the caller's thread. */
  worker?: boolean;
}

const DEFAULTS = {
  dModel: 16,
  dHidden: 32,
  context: 8,
  returnHorizon: 1,
  epochs: 10,
  batchSize: 32,
  learningRate: 0.003,
  seed: 1,
  heldOut: 0.2,
} as const;

/**
 * Trains a decision transformer offline on stored trajectories (sequences of steps of one agent),
 * in a worker thread: the model's code is shipped to the worker as source (`decisionTransformerCore`
 * is self-contained), so training never runs on the task path. Resolves with the weights, the
 * training loss per epoch, and held-out loss and accuracy (the last `heldOut` share of every
 * trajectory) beside the accuracy of always predicting the most frequent action.
 */
export async function trainDecisionTransformer(
  trajectories: readonly TrajectoryStep[][],
  options: TrainDecisionTransformerOptions = {},
): Promise<DecisionTransformerTrained> {
  const first = trajectories.find((t) => t.length > 0)?.[0];
  if (!Array.isArray(trajectories) || first === undefined) throw new AgentDBError('INVALID_EXPERIENCES', 'no trajectory steps to train on');
  const features = options.features ?? first.features.length;
  const actions = options.actions ?? 1 + Math.max(...trajectories.flat().map((s) => s.action));
  for (const [i, step] of trajectories.flat().entries()) {
    if (!Array.isArray(step.features) || step.features.length !== features || !step.features.every(Number.isFinite)) {
      throw new AgentDBError('INVALID_EXPERIENCES', `step ${i}: features must be ${features} finite numbers`);
    }
    if (!Number.isInteger(step.action) || step.action < 0 || step.action >= actions) throw new AgentDBError('INVALID_EXPERIENCES', `step ${i}: bad action`);
    if (!(step.reward >= 0 && step.reward <= 1)) throw new AgentDBError('INVALID_EXPERIENCES', `step ${i}: reward must be in [0, 1]`);
  }
  const { worker = true, ...rest } = options;
  const config: DecisionTransformerConfig = { ...DEFAULTS, ...rest, features, actions };
  if (!worker) return decisionTransformerCore().train(config, trajectories);
  const code =
    // getBuiltinModule works whether the worker runs the code as CommonJS or as a module (it
    // inherits the parent's flags, e.g. --input-type=module), where require would not.
    `const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads');\n` +
    // Transpilers may wrap functions in a name-keeping helper; the worker has none.
    `var __name = (f) => f;\n` +
    `const core = (${decisionTransformerCore.toString()})();\n` +
    `parentPort.postMessage(core.train(workerData.config, workerData.trajectories));\n`;
  return new Promise((resolve, reject) => {
    const w = new Worker(code, { eval: true, workerData: { config, trajectories } });
    w.once('message', (trained: DecisionTransformerTrained) => {
      resolve(trained);
      void w.terminate();
    });
    w.once('error', reject);
    w.once('exit', (exitCode) => {
      if (exitCode !== 0) reject(new AgentDBError('STORAGE_ERROR', `training worker exited with ${exitCode}`));
    });
  });
}

/** Options of `DecisionTransformer` as a policy. */
export interface DecisionTransformerPolicyOptions {
  /** The state features of a context (what the trajectories were built with). */
  featuresOf: (ctx: ArmContext) => number[];
  /** Return to condition on. Default the 90th percentile of the training returns-to-go. */
  targetReturn?: number;
}

/**
 * A trained decision transformer used as a (frozen) policy: it keeps its own recent history of
 * (features, action, reward) and plays the argmax of p(action | history, target return). Learning
 * happens only offline (`trainDecisionTransformer`); `update` just extends the history.
 */
export class DecisionTransformer {
  readonly trained: DecisionTransformerTrained;
  readonly usesEpsilon = false;
  readonly replays = false;
  readonly #core = decisionTransformerCore();
  readonly #featuresOf: (ctx: ArmContext) => number[];
  readonly #target: number;
  readonly #params: Record<string, Float64Array>;
  #history: TrajectoryStep[] = [];

  constructor(trained: DecisionTransformerTrained, options: DecisionTransformerPolicyOptions) {
    this.trained = trained;
    this.#featuresOf = options.featuresOf;
    this.#target = options.targetReturn ?? trained.returnQuantiles.p90;
    this.#params = this.#core.load(trained.weights);
  }

  probabilities(ctx: ArmContext): number[] {
    const steps = [...this.#history.slice(-(this.trained.config.context - 1)), { features: this.#featuresOf(ctx), action: 0, reward: 0 }];
    return this.#core.predict(this.trained.config, this.#params, steps, this.#target);
  }

  select(ctx: ArmContext): number {
    const p = this.probabilities(ctx);
    return p.indexOf(Math.max(...p));
  }

  estimates(): Array<{ mean: number; trials: number }> {
    return [];
  }

  update(ctx: ArmContext, arm: number, reward: number): boolean {
    this.#history.push({ features: this.#featuresOf(ctx), action: arm, reward });
    if (this.#history.length > this.trained.config.context) this.#history.shift();
    return true;
  }

  link(): void {
    // Offline learner: nothing to bootstrap online.
  }
}
