import type { StrategyPrior } from '@qe-fleet/learning-core';

/** Where the figures were measured: the reward column of the agent's score table. */
const EVIDENCE = '`pnpm --filter @qe-fleet/agents score` on fixtures/sample-target, one run per strategy (packages/agents README, "Measured (test-generator, api-tester, performance-tester)")';

/**
 * Runs of evidence each figure is worth: one run on one target says little about a user's
 * project, so a handful of the user's own runs outweigh it (learning-core caps priors at 50).
 */
const TRIALS = 3;

/**
 * The api-tester agent's shipped priors: each strategy's measured reward (learning-core
 * `calculateReward` with the agent's weights, `rewardWeightsFor('api-tester')`), so a fresh database's
 * first run uses the best-measured strategy instead of the first-listed one. A user overrides
 * them with `strategyPriors`; re-measure and update them when the agent's strategies change.
 */
export const API_TESTER_PRIORS: Readonly<Record<string, StrategyPrior>> = Object.freeze({
  'examples-only': { expectedReward: 0.958, trials: TRIALS, evidence: EVIDENCE },
  'schema-fuzz': { expectedReward: 0.971, trials: TRIALS, evidence: EVIDENCE },
  'negative-cases': { expectedReward: 0.972, trials: TRIALS, evidence: EVIDENCE },
  'stateful': { expectedReward: 0.975, trials: TRIALS, evidence: EVIDENCE },
  'thorough': { expectedReward: 0.991, trials: TRIALS, evidence: EVIDENCE },
});
