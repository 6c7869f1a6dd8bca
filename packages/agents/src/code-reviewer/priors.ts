import type { StrategyPrior } from '@qe-fleet/learning-core';

/** Where the figures were measured: the reward column of the agent's score table. */
const EVIDENCE = '`pnpm --filter @qe-fleet/agents score` on fixtures/sample-target, one run per strategy (packages/agents README, "Measured on fixtures/sample-target")';

/**
 * Runs of evidence each figure is worth: one run on one target says little about a user's
 * project, so a handful of the user's own runs outweigh it (learning-core caps priors at 50).
 */
const TRIALS = 3;

/**
 * The code-reviewer agent's shipped priors: each strategy's measured reward (learning-core
 * `calculateReward` with the agent's weights, `rewardWeightsFor('code-reviewer')`), so a fresh database's
 * first run uses the best-measured strategy instead of the first-listed one. A user overrides
 * them with `strategyPriors`; re-measure and update them when the agent's strategies change.
 */
export const CODE_REVIEWER_PRIORS: Readonly<Record<string, StrategyPrior>> = Object.freeze({
  'changed-files': { expectedReward: 0.799, trials: TRIALS, evidence: EVIDENCE }, // reviews nothing on a tree without uncommitted changes
  'recommended': { expectedReward: 0.987, trials: TRIALS, evidence: EVIDENCE },
  'type-aware': { expectedReward: 0.959, trials: TRIALS, evidence: EVIDENCE },
  'strict': { expectedReward: 0.961, trials: TRIALS, evidence: EVIDENCE },
});
