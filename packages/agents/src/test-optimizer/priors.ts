import { measuredPriors } from '../kit/agent/measuredPriors.js';

/** Where the figures were measured: the reward column of the agent's score table. */
const EVIDENCE = '`QE_AGENTS=test-optimizer pnpm --filter @qe-fleet/agents score` on fixtures/sample-target, one run per strategy (measured 6 Dec 2026 14:29-14:42 UTC, load average 6-10)';

/**
 * The test-optimizer agent's shipped priors: each strategy's measured reward (see `measuredPriors`). A
 * user overrides them with `strategyPriors`. The score table they come from (time, findings,
 * precision and recall against defects.json, reward with `rewardWeightsFor('test-optimizer')`):
 *   redundancy                27123 ms    5 findings  P 1.00  R 1.00  reward 0.901
 *   prioritise               298803 ms    0 findings  P 1.00  R 0.00  reward 0.517  (an order, no findings; StrykerJS mutants as its faults: 5 min)
 *   select-changed            23647 ms    0 findings  P 1.00  R 0.00  reward 0.663  (clean checkout: no change set)
 *   full                     406318 ms    5 findings  P 1.00  R 1.00  reward 0.754  (finds what redundancy finds, 15x the time)
 */
export const TEST_OPTIMIZER_PRIORS = measuredPriors(EVIDENCE, {
  'redundancy': 0.901,
  'prioritise': 0.517,
  'select-changed': 0.663,
  'full': 0.754,
});
