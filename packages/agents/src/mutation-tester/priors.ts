import { measuredPriors } from '../kit/agent/measuredPriors.js';

/** Where the figures were measured: the reward column of the agent's score table. */
const EVIDENCE = '`QE_AGENTS=mutation-tester QE_STRATEGIES=<name> pnpm --filter @qe-fleet/agents score` on fixtures/sample-target (changed-files and file-sample measured 6 Dec 2026 14:42-14:45 UTC; full and incremental derived from the README figures of full)';

/**
 * The mutation-tester agent's shipped priors: each strategy's measured reward (see
 * `measuredPriors`). A user overrides them with `strategyPriors`. The score table they come from
 * (time, findings, precision and recall against defects.json, reward with
 * `rewardWeightsFor('mutation-tester')`):
 *   changed-files     1092 ms    0 findings  P 1.00  R 0.00  reward 0.745  (1)
 *   file-sample      76257 ms    5 findings  P 0.20  R 0.50  reward 0.592  (2)
 *   full           1030000 ms   14 findings  P 0.14  R 1.00  reward 0.507  (3)
 *   incremental          -                                    reward 0.507  (4)
 * (1) Measured 14:45 UTC. The fixture is a clean checkout: nothing to mutate, nothing run; the
 *     composite reward pays for a fast success (0.3 + 0.2 + 0.15 + 0.1), so on a clean checkout
 *     this is the best-measured strategy although it examines nothing.
 * (2) Measured 14:42-14:44 UTC at load average 8-10, QE_SEED 7 (the two files drawn).
 * (3) NOT re-measured (a run takes ~17 min): findings, precision, recall and 1030 s are the agents
 *     README's ("Measured (coverage-analyzer, mutation-tester)"); the reward is `calculateReward`
 *     of those with satisfaction = F1 x mutation score per minute, 0.5055 (score 0) to 0.5091
 *     (score 1): time and efficiency are ~0 past 60 s.
 * (4) NOT measured: a fresh store's first incremental run has nothing to reuse, so it is a full run.
 */
export const MUTATION_TESTER_PRIORS = measuredPriors(EVIDENCE, {
  'changed-files': 0.745,
  'file-sample': 0.592,
  'full': 0.507,
  'incremental': 0.507,
});
