import { measuredPriors } from '../kit/agent/measuredPriors.js';

/** Where the figures were measured: the reward column of the agent's score table. */
const EVIDENCE = '`QE_AGENTS=security-scanner pnpm --filter @qe-fleet/agents score` on fixtures/sample-target, one run per strategy (measured 6 Dec 2026 15:15-15:19 UTC, load average 12-17)';

/**
 * The security-scanner agent's shipped priors: each strategy's measured reward (see `measuredPriors`). A
 * user overrides them with `strategyPriors`. The score table they come from (time, findings,
 * precision and recall against defects.json, reward with `rewardWeightsFor('security-scanner')`; the
 * figures shipped before were the README's older tables under the reward mix before the
 * composite objective):
 *   static-only             528 ms   7 findings  P 1.00  R 0.67  reward 0.948
 *   static+deps            1789 ms   8 findings  P 1.00  R 0.78  reward 0.961
 *   static+deps+live       2643 ms  10 findings  P 1.00  R 1.00  reward 0.989
 *   full                   2993 ms  15 findings  P 0.80  R 1.00  reward 0.960
 */
export const SECURITY_SCANNER_PRIORS = measuredPriors(EVIDENCE, {
  'static-only': 0.948,
  'static+deps': 0.961,
  'static+deps+live': 0.989,
  'full': 0.96,
});
