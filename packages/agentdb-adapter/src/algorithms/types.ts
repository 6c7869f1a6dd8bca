import type { ArmContext, LearningAlgorithm } from '@qe-fleet/learning-core';

/** The algorithms of this package (seed 9.2, less the decision transformer). */
export type AgentDBAlgorithmName =
  | 'q-learning'
  | 'sarsa'
  | 'actor-critic'
  | 'adversarial-training'
  | 'active-learning'
  | 'curriculum-learning'
  | 'federated-learning'
  | 'multi-task-learning';

/**
 * learning-core's `LearningAlgorithm` (select / estimates / update / link / setPrior / rows) with a
 * name outside its closed `AlgorithmName` union, plus the probability of each arm under `select`,
 * which off-policy evaluation needs.
 */
export interface AgentDBAlgorithm extends Omit<LearningAlgorithm, 'name'> {
  readonly name: AgentDBAlgorithmName;
  /**
   * Probability that `select(ctx, estimates(ctx), epsilon)` returns each arm now. Exact where the
   * rule has a closed form (epsilon-greedy, softmax, EXP3, deterministic rules); Monte Carlo for
   * Thompson-style rules, from a stream of its own so the policy's random stream is not disturbed.
   */
  probabilities(ctx: ArmContext, epsilon: number): number[];
}
