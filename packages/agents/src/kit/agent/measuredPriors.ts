import type { StrategyPrior } from '@qe-fleet/learning-core';

/**
 * Runs of evidence a shipped figure is worth: one run on one target says little about a user's
 * project, so a handful of the user's own runs outweigh it (learning-core caps priors at 50).
 */
export const SHIPPED_PRIOR_TRIALS = 3;

/**
 * An agent's shipped priors (`StrategyDefinition.prior`, through `strategyPriors`) from its score
 * table: each strategy's measured reward (learning-core `calculateReward` with the agent's weights,
 * `rewardWeightsFor(agentId)`: time and efficiency count, so a strategy that finds the same in much
 * more time expects less), worth SHIPPED_PRIOR_TRIALS runs, with `evidence` saying where it was
 * measured. A fresh database's first run then uses the best-measured strategy instead of the
 * first-listed one; re-measure when the agent's strategies change.
 */
export function measuredPriors(evidence: string, rewards: Readonly<Record<string, number>>): Readonly<Record<string, StrategyPrior>> {
  return Object.freeze(Object.fromEntries(Object.entries(rewards).map(([name, expectedReward]) => [name, Object.freeze({ expectedReward, trials: SHIPPED_PRIOR_TRIALS, evidence })])));
}
