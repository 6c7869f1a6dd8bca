import { measuredPriors } from '../kit/agent/measuredPriors.js';

/** Where the figures were measured: the reward column of the agent's score table. */
const EVIDENCE = '`QE_AGENTS=e2e-tester pnpm --filter @qe-fleet/agents score` on fixtures/sample-target, one run per strategy (measured 6 Dec 2026 14:23 UTC, load average 13-16)';

/**
 * The e2e-tester agent's shipped priors: each strategy's measured reward (see `measuredPriors`). A
 * user overrides them with `strategyPriors`. The score table they come from (time, findings,
 * precision and recall against defects.json, reward with `rewardWeightsFor('e2e-tester')`):
 *   smoke                      8847 ms    1 findings  P 1.00  R 0.33  reward 0.840
 *   links                     11946 ms    2 findings  P 1.00  R 0.67  reward 0.904
 *   flows                     18163 ms    4 findings  P 1.00  R 1.00  reward 0.931
 */
export const E2E_TESTER_PRIORS = measuredPriors(EVIDENCE, {
  'smoke': 0.84,
  'links': 0.904,
  'flows': 0.931,
});
