import { registerAlgorithm, type LearningAlgorithm } from '@qe-fleet/learning-core';
import { createAgentDBAlgorithm, type AgentDBAlgorithmOptions } from './algorithms/createAgentDBAlgorithm.js';
import type { FederatedLearningOptions } from './algorithms/FederatedLearning.js';
import type { AgentDBAlgorithmName } from './algorithms/types.js';
import type { DecisionTransformerTrained } from './decisionTransformer/core.js';
import { DecisionTransformerAlgorithm } from './decisionTransformer/DecisionTransformerAlgorithm.js';

/** What `registerAgentDBAlgorithms` needs besides the defaults. */
export interface RegisterAgentDBAlgorithmsOptions {
  /** Per-algorithm parameters, as `createAgentDBAlgorithm` takes them. */
  parameters?: Omit<AgentDBAlgorithmOptions, 'federated-learning'>;
  /**
   * `federated-learning` is registered only with a store and a member name: fixed options (every
   * engine of the process is then that member), or a function of the engine's strategy names
   * giving each engine its own (e.g. its agent's id as the member, its type as the federation).
   */
  federated?: FederatedLearningOptions | ((arms: readonly string[]) => FederatedLearningOptions);
  /**
   * `decision-transformer` is registered only with a trained model (`train()`,
   * `trainDecisionTransformer`), or a function of the engine's strategy names giving each engine
   * its model (it may throw `AgentDBError('MODEL_NOT_FOUND')` when that agent has none).
   */
  decisionTransformer?: DecisionTransformerChoice | ((arms: readonly string[]) => DecisionTransformerChoice);
}

/** A trained decision transformer to run, and the return it is conditioned on (default its 90th percentile). */
export interface DecisionTransformerChoice {
  model: DecisionTransformerTrained;
  targetReturn?: number;
}

/** The algorithms of this package that learning-core does not already have (its `q-learning` is the same algorithm). */
const ONLINE: readonly AgentDBAlgorithmName[] = ['sarsa', 'actor-critic', 'adversarial-training', 'active-learning', 'curriculum-learning', 'multi-task-learning'];

/**
 * Registers this package's algorithms with learning-core's `registerAlgorithm`, so an agent selects
 * one through its config (`BaseAgentOptions.learning.algorithm`, `LearningEngine`'s
 * `config.algorithm`, the `Simulator`'s `algorithm`): `sarsa`, `actor-critic`,
 * `adversarial-training`, `active-learning`, `curriculum-learning`, `multi-task-learning` always;
 * `federated-learning` with `federated`; `decision-transformer` with a trained model. `q-learning`
 * is learning-core's built-in. Idempotent; returns the names registered.
 */
export function registerAgentDBAlgorithms(options: RegisterAgentDBAlgorithmsOptions = {}): string[] {
  const names: string[] = [];
  for (const name of ONLINE) {
    registerAlgorithm(name, (_config, arms, random) => createAgentDBAlgorithm(name, arms, random, options.parameters ?? {}) as LearningAlgorithm);
    names.push(name);
  }
  const federated = options.federated;
  if (federated !== undefined) {
    registerAlgorithm('federated-learning', (_config, arms, random) =>
      createAgentDBAlgorithm('federated-learning', arms, random, { 'federated-learning': typeof federated === 'function' ? federated(arms) : federated }) as LearningAlgorithm,
    );
    names.push('federated-learning');
  }
  const dt = options.decisionTransformer;
  if (dt !== undefined) {
    registerAlgorithm('decision-transformer', (_config, arms) => {
      const { model, targetReturn } = typeof dt === 'function' ? dt(arms) : dt;
      return new DecisionTransformerAlgorithm(model, arms, targetReturn);
    });
    names.push('decision-transformer');
  }
  return names;
}
