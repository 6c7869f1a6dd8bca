import { measuredPriors } from '../kit/agent/measuredPriors.js';

/** Where the figures were measured: the reward column of the agent's score table. */
const EVIDENCE = '`pnpm --filter @qe-fleet/agents score` on fixtures/sample-target, one run per strategy (packages/agents README, "Measured (test-generator, api-tester, performance-tester)")';

/**
 * The performance-tester agent's shipped priors: each strategy's measured reward (see `measuredPriors`). A
 * user overrides them with `strategyPriors`.
 */
export const PERFORMANCE_TESTER_PRIORS = measuredPriors(EVIDENCE, {
  'quick': 0.95,
  'quick-isolated': 0.952,
  'thorough': 0.933,
  'with-routes': 0.976,
});
