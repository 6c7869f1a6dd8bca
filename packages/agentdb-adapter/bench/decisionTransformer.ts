/**
 * The decision transformer, trained offline (in a worker) on logged trajectories of another
 * policy, then run frozen in the same worlds as everything else: training time, loss, held-out
 * loss and accuracy (against always predicting the most frequent action), and NS when conditioned
 * on the median, 90th percentile and maximum return seen in training.
 *
 *   QE_BENCH_DT_LOG_DAYS (10), QE_BENCH_DT_EPOCHS (10), QE_BENCH_SEEDS (3)
 */
import type { ArmContext, ArmEstimate, RandomSource, ScenarioName } from '@qe-fleet/learning-core';
import { ActorCritic, DecisionTransformer, trainDecisionTransformer } from '../src/index.js';
import { runHarness, type HarnessAlgorithm } from './harness.js';

const LOG_DAYS = Number(process.env['QE_BENCH_DT_LOG_DAYS'] ?? 10);
const EPOCHS = Number(process.env['QE_BENCH_DT_EPOCHS'] ?? 10);
const SEEDS = Number(process.env['QE_BENCH_SEEDS'] ?? 3);
const STRATEGIES = ['template-based', 'boundary-value', 'property-based', 'mutation-guided', 'coverage-guided'];
const uniform = (random: RandomSource): HarnessAlgorithm => ({
  usesEpsilon: false,
  estimates: (): ArmEstimate[] => [],
  select: () => Math.floor(random() * 5),
  probabilities: () => [0.2, 0.2, 0.2, 0.2, 0.2],
  update: () => true,
  link() {},
});
const loggers: Record<string, (random: RandomSource) => HarnessAlgorithm> = {
  'uniform random': uniform,
  'actor-critic (temperature 0.2)': (random) => new ActorCritic(STRATEGIES, random, { temperature: 0.2 }),
};
/** One-hot of the task type (the engine's type base / 1601), 4 slots: the scenarios have at most 4 types. */
const featuresOf = (ctx: ArmContext): number[] => {
  const f = [0, 0, 0, 0];
  f[Math.floor(ctx.type / 1601) % 4] = 1;
  return f;
};
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log(`Trained on ${LOG_DAYS} days of one agent's logs (seed 11), ${EPOCHS} epochs, evaluated frozen for 30 days on seeds 1..${SEEDS} (NS median)\n`);
console.log('| scenario | logged by | logged NS | train s | loss first → last | held-out loss | held-out acc (majority) | NS @p50 | NS @p90 | NS @max |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const scenario of ['stationary', 'many-types', 'drift'] as ScenarioName[]) {
  for (const [name, make] of Object.entries(loggers)) {
    const logs = await runHarness({ scenario, seed: 11, days: LOG_DAYS, log: true, make: (_, r) => make(r) });
    const trajectory = logs.log.map((d) => ({ features: featuresOf(d.context), action: d.arm, reward: d.reward }));
    const t0 = performance.now();
    const trained = await trainDecisionTransformer([trajectory], { epochs: EPOCHS });
    const seconds = (performance.now() - t0) / 1000;
    const ns: string[] = [];
    for (const target of [trained.returnQuantiles.p50, trained.returnQuantiles.p90, trained.returnQuantiles.max]) {
      const scores: number[] = [];
      for (let seed = 1; seed <= SEEDS; seed++) {
        scores.push((await runHarness({ scenario, seed, days: 30, make: () => new DecisionTransformer(trained, { featuresOf, targetReturn: target }) })).normalizedScore);
      }
      ns.push(`${median(scores).toFixed(3)} (R ${target.toFixed(2)})`);
    }
    console.log(
      `| ${scenario} | ${name} | ${logs.normalizedScore.toFixed(3)} | ${seconds.toFixed(1)} | ${trained.lossByEpoch[0]!.toFixed(3)} → ${trained.lossByEpoch.at(-1)!.toFixed(3)} | ` +
        `${trained.heldOutLoss.toFixed(3)} | ${trained.heldOutAccuracy.toFixed(3)} (${trained.majorityAccuracy.toFixed(3)}) | ${ns.join(' | ')} |`,
    );
  }
}
