import { measuredPriors } from '../kit/agent/measuredPriors.js';

/** Where the figures were measured: the reward column of the agent's score table. */
const EVIDENCE = '`QE_AGENTS=coverage-analyzer pnpm --filter @qe-fleet/agents score` on fixtures/sample-target, one run per strategy (measured 6 Dec 2026 14:26 UTC, load average about 10)';

/**
 * The coverage-analyzer agent's shipped priors: each strategy's measured reward (see `measuredPriors`). A
 * user overrides them with `strategyPriors`. The score table they come from (time, findings,
 * precision and recall against defects.json, reward with `rewardWeightsFor('coverage-analyzer')`):
 *   changed-files               175 ms    0 findings  P 1.00  R 0.00  reward 0.749  (clean checkout: nothing to analyse)
 *   uncovered-functions       17964 ms    8 findings  P 1.00  R 0.89  reward 0.910
 *   full                      14189 ms   10 findings  P 0.90  R 1.00  reward 0.932
 */
export const COVERAGE_ANALYZER_PRIORS = measuredPriors(EVIDENCE, {
  'changed-files': 0.749,
  'uncovered-functions': 0.91,
  'full': 0.932,
});
