import { measuredPriors } from '../kit/agent/measuredPriors.js';

/** Where the figures were measured: the reward column of the agent's score table. */
const EVIDENCE = '`QE_AGENTS=test-data-generator pnpm --filter @qe-fleet/agents score` on fixtures/sample-target, one run per strategy (measured 6 Dec 2026 14:24 UTC, load average 9-11)';

/**
 * The test-data-generator agent's shipped priors: each strategy's measured reward (see `measuredPriors`). A
 * user overrides them with `strategyPriors`. The score table they come from (time, findings,
 * precision and recall against defects.json, reward with `rewardWeightsFor('test-data-generator')`):
 *   valid-only                 6520 ms    2 findings  P 1.00  R 0.50  reward 0.891
 *   boundaries                 4773 ms    4 findings  P 0.75  R 1.00  reward 0.945
 *   negative                   6560 ms    4 findings  P 0.75  R 0.50  reward 0.874
 *   full                       7996 ms    5 findings  P 0.80  R 1.00  reward 0.940
 */
export const TEST_DATA_GENERATOR_PRIORS = measuredPriors(EVIDENCE, {
  'valid-only': 0.891,
  'boundaries': 0.945,
  'negative': 0.874,
  'full': 0.94,
});
