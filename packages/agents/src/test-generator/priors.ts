import type { StrategyPrior } from '@qe-fleet/learning-core';

/** Where the figures were measured: the reward column of the agent's score table. */
const EVIDENCE = '`pnpm --filter @qe-fleet/agents score` on fixtures/sample-target, one run per strategy (packages/agents README, "Measured (test-generator, api-tester, performance-tester)")';

/**
 * Runs of evidence each figure is worth: one run on one target says little about a user's
 * project, so a handful of the user's own runs outweigh it (learning-core caps priors at 50).
 */
const TRIALS = 3;

/**
 * The test-generator agent's shipped priors: each strategy's measured reward (learning-core
 * `calculateReward` with the agent's weights, `rewardWeightsFor('test-generator')`), so a fresh database's
 * first run uses the best-measured strategy instead of the first-listed one. A user overrides
 * them with `strategyPriors`; re-measure and update them when the agent's strategies change.
 */
export const TEST_GENERATOR_PRIORS: Readonly<Record<string, StrategyPrior>> = Object.freeze({
  'smoke': { expectedReward: 0.791, trials: TRIALS, evidence: EVIDENCE }, // finds nothing there (recall 0.00)
  'invariants': { expectedReward: 0.877, trials: TRIALS, evidence: EVIDENCE },
  'invariants-routes': { expectedReward: 0.911, trials: TRIALS, evidence: EVIDENCE },
  'metamorphic-routes': { expectedReward: 0.908, trials: TRIALS, evidence: EVIDENCE },
});
