import { measuredPriors } from '../kit/agent/measuredPriors.js';

/** Where the figures were measured: the reward column of the agent's score table. */
const EVIDENCE = '`QE_AGENTS=code-reviewer pnpm --filter @qe-fleet/agents score` on fixtures/sample-target, one run per strategy (measured 6 Dec 2026 15:15-15:19 UTC, load average 12-17)';

/**
 * The code-reviewer agent's shipped priors: each strategy's measured reward (see `measuredPriors`). A
 * user overrides them with `strategyPriors`. The score table they come from (time, findings,
 * precision and recall against defects.json, reward with `rewardWeightsFor('code-reviewer')`; the
 * figures shipped before were the README's older tables under the reward mix before the
 * composite objective):
 *   changed-files           261 ms   0 findings  P 1.00  R 0.00  reward 0.749  (reviews nothing on a tree without uncommitted changes)
 *   recommended            2513 ms   7 findings  P 1.00  R 1.00  reward 0.990
 *   type-aware             6716 ms   7 findings  P 1.00  R 1.00  reward 0.973
 *   strict                 4102 ms   9 findings  P 0.78  R 1.00  reward 0.952
 */
export const CODE_REVIEWER_PRIORS = measuredPriors(EVIDENCE, {
  'changed-files': 0.749,
  'recommended': 0.99,
  'type-aware': 0.973,
  'strict': 0.952,
});
