import { measuredPriors } from '../kit/agent/measuredPriors.js';

/** Where the figures were measured: the reward column of the agent's score table. */
const EVIDENCE = '`QE_AGENTS=mutation-tester QE_STRATEGIES=<name> pnpm --filter @qe-fleet/agents score` on fixtures/sample-target (changed-files and file-sample measured 6 Dec 2026 17:31-17:35 UTC at load average about 25; full and incremental derived from the README figures of full), reward with the finding agents\' weights and a 15-minute time scale';

/**
 * The mutation-tester agent's shipped priors: each strategy's measured reward (see
 * `measuredPriors`). A user overrides them with `strategyPriors`. The score table they come from
 * (time, findings, precision and recall against defects.json, coverage, reward with
 * `rewardWeightsFor('mutation-tester')`: quality 0.45, coverage 0.1, time scale 15 min):
 *   changed-files     1299 ms    0 findings  P 1.00  R 0.00  cov 0.00  reward 0.249  (1)
 *   file-sample     219571 ms    6 findings  P 0.17  R 0.50  cov 0.33  reward 0.446  (2)
 *   full           1030000 ms   14 findings  P 0.14  R 1.00  cov 1.00  reward 0.405  (3)
 *   incremental          -                                              reward 0.405  (4)
 * (1) The fixture is a clean checkout: nothing to mutate, nothing run. An empty run (coverage 0)
 *     scores no success and no satisfaction; under seed 10.1's weights, before that rule, it
 *     scored 0.745 and was the best-measured strategy although it examines nothing.
 * (2) QE_SEED 7 (the two files drawn); 76 s at load 8-10 at 14:42, 220 s at load 25 here.
 * (3) NOT re-measured (a run takes ~17 min): findings, precision, recall and 1030 s are the agents
 *     README's ("Measured (coverage-analyzer, mutation-tester)"); the reward is `calculateReward`
 *     of those with satisfaction = F1 x mutation score per minute (at 17 min, at most 0.058), so
 *     0.403 (score 0) to 0.409 (score 1): time and efficiency are ~0 at 17 min.
 * (4) NOT measured: a fresh store's first incremental run has nothing to reuse, so it is a full run.
 */
export const MUTATION_TESTER_PRIORS = measuredPriors(EVIDENCE, {
  'changed-files': 0.249,
  'file-sample': 0.446,
  'full': 0.405,
  'incremental': 0.405,
});
