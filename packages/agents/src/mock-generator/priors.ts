import { measuredPriors } from '../kit/agent/measuredPriors.js';

/** Where the figures were measured: the reward column of the agent's score table. */
const EVIDENCE = '`QE_AGENTS=mock-generator pnpm --filter @qe-fleet/agents score` on fixtures/sample-target, one run per strategy (measured 6 Dec 2026 14:27 UTC, load average about 10)';

/**
 * The mock-generator agent's shipped priors: each strategy's measured reward (see `measuredPriors`). A
 * user overrides them with `strategyPriors`. The score table they come from (time, findings,
 * precision and recall against defects.json, reward with `rewardWeightsFor('mock-generator')`):
 *   record                     9606 ms    1 findings  P 1.00  R 0.50  reward 0.879
 *   track-promises             5561 ms    2 findings  P 1.00  R 1.00  reward 0.978
 *   fault-injection            3875 ms    2 findings  P 1.00  R 1.00  reward 0.984
 */
export const MOCK_GENERATOR_PRIORS = measuredPriors(EVIDENCE, {
  'record': 0.879,
  'track-promises': 0.978,
  'fault-injection': 0.984,
});
