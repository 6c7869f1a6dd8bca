import { measuredPriors } from '../kit/agent/measuredPriors.js';

/** Where the figures were measured: the reward column of the agent's score table. */
const EVIDENCE = '`pnpm --filter @qe-fleet/agents score` on fixtures/sample-target, one run per strategy (packages/agents README, "Measured on fixtures/sample-target")';

/**
 * The code-reviewer agent's shipped priors: each strategy's measured reward (see `measuredPriors`). A
 * user overrides them with `strategyPriors`.
 */
export const CODE_REVIEWER_PRIORS = measuredPriors(EVIDENCE, {
  'changed-files': 0.799, // reviews nothing on a tree without uncommitted changes
  'recommended': 0.987,
  'type-aware': 0.959,
  'strict': 0.961,
});
