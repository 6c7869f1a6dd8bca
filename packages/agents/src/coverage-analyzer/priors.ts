import { measuredPriors } from '../kit/agent/measuredPriors.js';

/** Where the figures were measured: the reward column of the agent's score table. */
const EVIDENCE = '`QE_AGENTS=coverage-analyzer pnpm --filter @qe-fleet/agents score` on fixtures/sample-target, one run per strategy (measured 6 Dec 2026 17:29-17:31 UTC, load average about 25, reward with FINDING_REWARD_WEIGHTS)';

/**
 * The coverage-analyzer agent's shipped priors: each strategy's measured reward (see `measuredPriors`). A
 * user overrides them with `strategyPriors`. The score table they come from (time, findings,
 * precision and recall against defects.json, coverage, reward with `rewardWeightsFor('coverage-analyzer')`,
 * the finding agents' weights: quality 0.45, coverage 0.1; an empty run scores no success):
 *   changed-files               498 ms    0 findings  P 1.00  R 0.00  cov 0.00  reward 0.249  (clean checkout: nothing to analyse)
 *   uncovered-functions       44553 ms    8 findings  P 1.00  R 0.89  cov 1.00  reward 0.865
 *   full                      41381 ms   10 findings  P 0.90  R 1.00  cov 1.00  reward 0.887
 * Times are about 2.5x those measured at 14:26 under load 10 (175, 17964, 14189 ms); the order is the same.
 */
export const COVERAGE_ANALYZER_PRIORS = measuredPriors(EVIDENCE, {
  'changed-files': 0.249,
  'uncovered-functions': 0.865,
  'full': 0.887,
});
