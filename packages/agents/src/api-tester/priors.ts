import { measuredPriors } from '../kit/agent/measuredPriors.js';

/** Where the figures were measured: the reward column of the agent's score table. */
const EVIDENCE = '`pnpm --filter @qe-fleet/agents score` on fixtures/sample-target, one run per strategy (packages/agents README, "Measured (test-generator, api-tester, performance-tester)")';

/**
 * The api-tester agent's shipped priors: each strategy's measured reward (see `measuredPriors`). A
 * user overrides them with `strategyPriors`.
 */
export const API_TESTER_PRIORS = measuredPriors(EVIDENCE, {
  'examples-only': 0.958,
  'schema-fuzz': 0.971,
  'negative-cases': 0.972,
  'stateful': 0.975,
  'thorough': 0.991,
});
