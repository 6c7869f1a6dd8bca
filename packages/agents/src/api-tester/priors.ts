import { measuredPriors } from '../kit/agent/measuredPriors.js';

/** Where the figures were measured: the reward column of the agent's score table. */
const EVIDENCE = '`QE_AGENTS=api-tester pnpm --filter @qe-fleet/agents score` on fixtures/sample-target, one run per strategy (measured 6 Dec 2026 15:15-15:19 UTC, load average 12-17)';

/**
 * The api-tester agent's shipped priors: each strategy's measured reward (see `measuredPriors`). A
 * user overrides them with `strategyPriors`. The score table they come from (time, findings,
 * precision and recall against defects.json, reward with `rewardWeightsFor('api-tester')`; the
 * figures shipped before were the README's older tables under the reward mix before the
 * composite objective):
 *   examples-only          4283 ms   3 findings  P 1.00  R 0.50  reward 0.899
 *   schema-fuzz            5021 ms   4 findings  P 1.00  R 0.67  reward 0.930
 *   negative-cases         4943 ms   4 findings  P 1.00  R 0.67  reward 0.930
 *   stateful               4076 ms   4 findings  P 1.00  R 0.67  reward 0.933
 *   thorough               5854 ms   6 findings  P 1.00  R 1.00  reward 0.976
 */
export const API_TESTER_PRIORS = measuredPriors(EVIDENCE, {
  'examples-only': 0.899,
  'schema-fuzz': 0.93,
  'negative-cases': 0.93,
  'stateful': 0.933,
  'thorough': 0.976,
});
