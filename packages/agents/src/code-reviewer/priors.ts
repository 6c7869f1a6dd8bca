import { measuredPriors } from '../kit/agent/measuredPriors.js';

/** Where the figures were measured: the reward column of the agent's score table. */
const EVIDENCE = '`QE_AGENTS=code-reviewer pnpm --filter @qe-fleet/agents score` on fixtures/sample-target, one run per strategy (measured 6 Dec 2026 17:27-17:29 UTC, load average about 25, reward with FINDING_REWARD_WEIGHTS)';

/**
 * The code-reviewer agent's shipped priors: each strategy's measured reward (see `measuredPriors`). A
 * user overrides them with `strategyPriors`. The score table they come from (time, findings,
 * precision and recall against defects.json, coverage, reward with `rewardWeightsFor('code-reviewer')`,
 * the finding agents' weights: quality 0.45, coverage 0.1; an empty run scores no success):
 *   changed-files           594 ms   0 findings  P 1.00  R 0.00  cov 0.00  reward 0.249  (reviews nothing on a tree without uncommitted changes)
 *   recommended            6912 ms   6 findings  P 1.00  R 1.00  cov 1.00  reward 0.983
 *   type-aware            24196 ms   6 findings  P 1.00  R 1.00  cov 0.93  reward 0.938
 *   strict                41779 ms   8 findings  P 0.75  R 1.00  cov 0.93  reward 0.838
 * Times are 2.5-10x those of a quiet machine (measured at 15:15 under load 12-17: 261, 2513, 6716,
 * 4102 ms); the order is the same.
 */
export const CODE_REVIEWER_PRIORS = measuredPriors(EVIDENCE, {
  'changed-files': 0.249,
  'recommended': 0.983,
  'type-aware': 0.938,
  'strict': 0.838,
});
