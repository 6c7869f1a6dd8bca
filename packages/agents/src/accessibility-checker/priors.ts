import { measuredPriors } from '../kit/agent/measuredPriors.js';

/** Where the figures were measured: the reward column of the agent's score table. */
const EVIDENCE = '`QE_AGENTS=accessibility-checker pnpm --filter @qe-fleet/agents score` on fixtures/sample-target, one run per strategy (measured 6 Dec 2026 14:21 UTC, load average 13-18)';

/**
 * The accessibility-checker agent's shipped priors: each strategy's measured reward (see `measuredPriors`). A
 * user overrides them with `strategyPriors`. The score table they come from (time, findings,
 * precision and recall against defects.json, reward with `rewardWeightsFor('accessibility-checker')`):
 *   wcag-aa                   18106 ms    4 findings  P 1.00  R 1.00  reward 0.932
 *   best-practices            16040 ms    4 findings  P 1.00  R 1.00  reward 0.939
 *   states                    15994 ms    4 findings  P 1.00  R 1.00  reward 0.939
 */
export const ACCESSIBILITY_CHECKER_PRIORS = measuredPriors(EVIDENCE, {
  'wcag-aa': 0.932,
  'best-practices': 0.939,
  'states': 0.939,
});
