import { measuredPriors } from '../kit/agent/measuredPriors.js';

/** Where the figures were measured: the reward column of the agent's score table. */
const EVIDENCE = '`pnpm --filter @qe-fleet/agents score` on fixtures/sample-target, one run per strategy (packages/agents README, "Measured (test-generator, api-tester, performance-tester)", load average ~13), reward recomputed with the current calculateReward';

/**
 * The performance-tester agent's shipped priors: each strategy's measured reward (see
 * `measuredPriors`). A user overrides them with `strategyPriors`. Figures: the README table's
 * runs (times, F1, coverage 1.00) with the reward recomputed by `calculateReward` with
 * `rewardWeightsFor('performance-tester')` (satisfaction = F1; efficiency 60 s / (60 s + time)),
 * as the score script computes it now:
 *   quick            6553 ms  3 findings  P 1.00  R 0.60  reward 0.911
 *   quick-isolated   6066 ms  3 findings  P 1.00  R 0.60  reward 0.913
 *   thorough        12079 ms  3 findings  P 1.00  R 0.60  reward 0.891
 *   with-routes      6293 ms  5 findings  P 1.00  R 1.00  reward 0.975
 * A re-run at 15:15-15:19 UTC at load average 12-17 (quick 0.895, quick-isolated 0.883, thorough
 * 0.860, with-routes 0.894 with R 0.80: D24's slope lost in timing noise) is not used: this agent
 * measures time, and the fleet runs it alone on a quiet machine for that reason.
 */
export const PERFORMANCE_TESTER_PRIORS = measuredPriors(EVIDENCE, {
  'quick': 0.911,
  'quick-isolated': 0.913,
  'thorough': 0.891,
  'with-routes': 0.975,
});
