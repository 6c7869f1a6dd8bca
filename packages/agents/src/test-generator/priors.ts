import { measuredPriors } from '../kit/agent/measuredPriors.js';

/** Where the figures were measured: the reward column of the agent's score table. */
const EVIDENCE = '`QE_AGENTS=test-generator pnpm --filter @qe-fleet/agents score` on fixtures/sample-target, one run per strategy (measured 6 Dec 2026 15:15-15:19 UTC, load average 12-17)';

/**
 * The test-generator agent's shipped priors: each strategy's measured reward (see `measuredPriors`). A
 * user overrides them with `strategyPriors`. The score table they come from (time, findings,
 * precision and recall against defects.json, reward with `rewardWeightsFor('test-generator')`; the
 * figures shipped before were the README's older tables under the reward mix before the
 * composite objective):
 *   smoke                 20009 ms   0 findings  P 1.00  R 0.00  reward 0.675  (finds nothing here)
 *   invariants            19466 ms   4 findings  P 1.00  R 0.44  reward 0.831
 *   invariants-routes     30332 ms   9 findings  P 1.00  R 1.00  reward 0.891  (within timing noise of metamorphic-routes)
 *   metamorphic-routes    28868 ms   9 findings  P 1.00  R 1.00  reward 0.895
 */
export const TEST_GENERATOR_PRIORS = measuredPriors(EVIDENCE, {
  'smoke': 0.675,
  'invariants': 0.831,
  'invariants-routes': 0.891,
  'metamorphic-routes': 0.895,
});
