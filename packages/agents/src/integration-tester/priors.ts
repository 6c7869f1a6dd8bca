import { measuredPriors } from '../kit/agent/measuredPriors.js';

/** Where the figures were measured: the reward column of the agent's score table. */
const EVIDENCE = '`QE_AGENTS=integration-tester pnpm --filter @qe-fleet/agents score` on fixtures/sample-target, one run per strategy (measured 6 Dec 2026 14:24 UTC, load average 11-13)';

/**
 * The integration-tester agent's shipped priors: each strategy's measured reward (see `measuredPriors`). A
 * user overrides them with `strategyPriors`. The score table they come from (time, findings,
 * precision and recall against defects.json, reward with `rewardWeightsFor('integration-tester')`):
 *   read-after-write           3584 ms    2 findings  P 1.00  R 0.33  reward 0.860
 *   crud-flows                 2845 ms    4 findings  P 1.00  R 0.67  reward 0.938
 *   stateful-random            2971 ms    4 findings  P 1.00  R 0.67  reward 0.938
 */
export const INTEGRATION_TESTER_PRIORS = measuredPriors(EVIDENCE, {
  'read-after-write': 0.86,
  'crud-flows': 0.938,
  'stateful-random': 0.938,
});
