import { measuredPriors } from '../kit/agent/measuredPriors.js';

/** Where the figures were measured: the reward column of the agent's score table. */
const EVIDENCE = '`QE_AGENTS=load-tester pnpm --filter @qe-fleet/agents score` on fixtures/sample-target, one run per strategy (measured 6 Dec 2026 14:25 UTC, load average 9-10)';

/**
 * The load-tester agent's shipped priors: each strategy's measured reward (see `measuredPriors`). A
 * user overrides them with `strategyPriors`. The score table they come from (time, findings,
 * precision and recall against defects.json, reward with `rewardWeightsFor('load-tester')`):
 *   smoke                     13672 ms    0 findings  P 1.00  R 0.00  reward 0.697  (no growth at one payload size: finds nothing here)
 *   ramp                      19084 ms    0 findings  P 1.00  R 0.00  reward 0.678  (rising concurrency: finds nothing here)
 *   payload-growth            22990 ms    2 findings  P 1.00  R 1.00  reward 0.915
 */
export const LOAD_TESTER_PRIORS = measuredPriors(EVIDENCE, {
  'smoke': 0.697,
  'ramp': 0.678,
  'payload-growth': 0.915,
});
