import { measuredPriors } from '../kit/agent/measuredPriors.js';

/** Where the figures were measured: the reward column of the agent's score table. */
const EVIDENCE = '`pnpm --filter @qe-fleet/agents score` on fixtures/sample-target, one run per strategy (packages/agents README, "Measured on fixtures/sample-target")';

/**
 * The security-scanner agent's shipped priors: each strategy's measured reward (see `measuredPriors`). A
 * user overrides them with `strategyPriors`.
 */
export const SECURITY_SCANNER_PRIORS = measuredPriors(EVIDENCE, {
  'static-only': 0.925,
  'static+deps': 0.957,
  'static+deps+live': 0.99,
  'full': 0.979,
});
