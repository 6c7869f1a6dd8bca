import { measuredPriors } from '../kit/agent/measuredPriors.js';

/** Where the figures were measured: the reward column of the agent's score table. */
const EVIDENCE = '`QE_AGENTS=performance-tester pnpm --filter @qe-fleet/agents score` on fixtures/sample-target, three runs on a quiet machine (load average 1.4-2.1, 2026-12-07 00:50-00:52 UTC), the median reward per strategy';

/**
 * The performance-tester agent's shipped priors: each strategy's measured reward (see
 * `measuredPriors`). A user overrides them with `strategyPriors`. This agent measures time, and
 * the fleet runs it alone for that reason, so its priors come from a quiet machine too (the
 * earlier figures were taken at load average ~13). Rewards of the three runs, median first:
 *   quick            0.920 (0.918, 0.920)  about 4.3 s, 3 findings, P 1.00 R 0.60
 *   quick-isolated   0.921 (0.919, 0.922)  about 3.9 s, 3 findings, P 1.00 R 0.60
 *   thorough         0.853 (0.852, 0.863)  about 22.6 s, 3 findings, P 1.00 R 0.60
 *   with-routes      0.957 (0.953, 0.961)  about 10.9 s, 5 findings, P 1.00 R 1.00
 */
export const PERFORMANCE_TESTER_PRIORS = measuredPriors(EVIDENCE, {
  'quick': 0.92,
  'quick-isolated': 0.921,
  'thorough': 0.853,
  'with-routes': 0.957,
});
