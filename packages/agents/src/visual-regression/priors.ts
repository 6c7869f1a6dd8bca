import { measuredPriors } from '../kit/agent/measuredPriors.js';

/** Where the figures were measured: the reward column of the agent's score table. */
const EVIDENCE = '`QE_AGENTS=visual-regression pnpm --filter @qe-fleet/agents score` on fixtures/sample-target, one run per strategy (measured 6 Dec 2026 14:22 UTC, load average 15-18)';

/**
 * The visual-regression agent's shipped priors: each strategy's measured reward (see `measuredPriors`). A
 * user overrides them with `strategyPriors`. The score table they come from (time, findings,
 * precision and recall against defects.json, reward with `rewardWeightsFor('visual-regression')`):
 *   desktop                   23755 ms    2 findings  P 1.00  R 1.00  reward 0.912
 *   mobile                    20051 ms    2 findings  P 1.00  R 1.00  reward 0.925
 *   all-viewports             24147 ms    2 findings  P 1.00  R 1.00  reward 0.911
 */
export const VISUAL_REGRESSION_PRIORS = measuredPriors(EVIDENCE, {
  'desktop': 0.912,
  'mobile': 0.925,
  'all-viewports': 0.911,
});
