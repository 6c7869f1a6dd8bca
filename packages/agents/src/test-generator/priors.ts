import { measuredPriors } from '../kit/agent/measuredPriors.js';

/** Where the figures were measured: the reward column of the agent's score table. */
const EVIDENCE = '`pnpm --filter @qe-fleet/agents score` on fixtures/sample-target, one run per strategy (packages/agents README, "Measured (test-generator, api-tester, performance-tester)")';

/**
 * The test-generator agent's shipped priors: each strategy's measured reward (see `measuredPriors`). A
 * user overrides them with `strategyPriors`.
 */
export const TEST_GENERATOR_PRIORS = measuredPriors(EVIDENCE, {
  'smoke': 0.791, // finds nothing there (recall 0.00)
  'invariants': 0.877,
  'invariants-routes': 0.911,
  'metamorphic-routes': 0.908,
});
