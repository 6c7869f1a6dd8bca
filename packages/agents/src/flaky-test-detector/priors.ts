import { measuredPriors } from '../kit/agent/measuredPriors.js';

/** Where the figures were measured: the reward column of the agent's score table. */
const EVIDENCE = '`QE_AGENTS=flaky-test-detector pnpm --filter @qe-fleet/agents score` on fixtures/sample-target, one run per strategy (measured 6 Dec 2026 14:27-14:29 UTC, load average 6-10)';

/**
 * The flaky-test-detector agent's shipped priors: each strategy's measured reward (see `measuredPriors`). A
 * user overrides them with `strategyPriors`. The score table they come from (time, findings,
 * precision and recall against defects.json, reward with `rewardWeightsFor('flaky-test-detector')`):
 *   rerun-failures            10372 ms    1 findings  P 1.00  R 0.50  reward 0.876
 *   isolation                 45724 ms    2 findings  P 1.00  R 1.00  reward 0.842  (finds both for 4x the time)
 *   shuffle                   61790 ms    0 findings  P 1.00  R 0.00  reward 0.549  (no order dependence shown by this run's random orders)
 */
export const FLAKY_TEST_DETECTOR_PRIORS = measuredPriors(EVIDENCE, {
  'rerun-failures': 0.876,
  'isolation': 0.842,
  'shuffle': 0.549,
});
