import { measuredPriors } from '../kit/agent/measuredPriors.js';

/** Where the figures were measured: the reward column of the agent's score table. */
const EVIDENCE = '`QE_AGENTS=unit-test-generator pnpm --filter @qe-fleet/agents score` on fixtures/sample-target, one run per strategy (measured 6 Dec 2026 14:44-14:46 UTC, load average 9-10)';

/**
 * The unit-test-generator agent's shipped priors: each strategy's measured reward (see `measuredPriors`). A
 * user overrides them with `strategyPriors`. The score table they come from (time, findings,
 * precision and recall against defects.json, reward with `rewardWeightsFor('unit-test-generator')`):
 *   doc-examples              54240 ms    5 findings  P 1.00  R 0.83  reward 0.653
 *   boundaries                46233 ms    6 findings  P 1.00  R 1.00  reward 0.646
 *   coverage-guided           39968 ms    2 findings  P 1.00  R 0.33  reward 0.643  (only functions the suite leaves unexecuted: finds the coverage gaps, not the logic bugs)
 */
export const UNIT_TEST_GENERATOR_PRIORS = measuredPriors(EVIDENCE, {
  'doc-examples': 0.653,
  'boundaries': 0.646,
  'coverage-guided': 0.643,
});
