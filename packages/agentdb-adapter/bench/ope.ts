/**
 * Off-policy evaluation against the simulator's ground truth: a target policy (multi-task
 * learning trained for 2 days on seed 9, then frozen) is evaluated from logs of other policies on
 * many-types (5 days each), and compared with its true expected reward on the logged contexts,
 * read from the hidden reward table. Prints estimate, 95 % interval and whether it covers the truth.
 *
 *   QE_BENCH_OPE_SEEDS (5)
 */
import type { ArmEstimate, RandomSource } from '@qe-fleet/learning-core';
import { ActorCritic, Exp3, MultiTaskLearning, evaluatePolicy } from '../src/index.js';
import { hiddenWorld, runHarness, type HarnessAlgorithm } from './harness.js';

const SEEDS = Number(process.env['QE_BENCH_OPE_SEEDS'] ?? 5);
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
  'EXP3 (adversarial-training)': (random) => new Exp3(STRATEGIES, random),
};

const world = await hiddenWorld('many-types');
const target = (await runHarness({ scenario: 'many-types', seed: 9, days: 2, make: (_, r) => new MultiTaskLearning(STRATEGIES, r) }))
  .algorithms[0] as MultiTaskLearning;
console.log('| logging policy | seed | logged value | truth | IPS [95 % CI] | SNIPS [95 % CI] | DR [95 % CI] | ESS | covers (IPS/SNIPS/DR) |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
const covered = { ips: 0, snips: 0, dr: 0, runs: 0 };
for (const [name, make] of Object.entries(loggers)) {
  for (let seed = 1; seed <= SEEDS; seed++) {
    const logged = await runHarness({ scenario: 'many-types', seed: 100 + seed, days: 5, log: true, make: (_, r) => make(r) });
    const truth =
      logged.log.reduce((s, d) => s + target.probabilities(d.context).reduce((t, p, a) => t + p * world.expected(d.taskType, STRATEGIES[a]!, d.day, d.contextIndex), 0), 0) /
      logged.log.length;
    const r = evaluatePolicy(target, logged.log);
    const ci = (e: { value: number; lower: number; upper: number }): string => `${e.value.toFixed(3)} [${e.lower.toFixed(3)}, ${e.upper.toFixed(3)}]`;
    const hit = (e: { lower: number; upper: number }): boolean => e.lower <= truth && truth <= e.upper;
    covered.runs++;
    covered.ips += hit(r.ips) ? 1 : 0;
    covered.snips += hit(r.snips) ? 1 : 0;
    covered.dr += hit(r.doublyRobust) ? 1 : 0;
    console.log(
      `| ${name} | ${seed} | ${r.loggedValue.toFixed(3)} | ${truth.toFixed(3)} | ${ci(r.ips)} | ${ci(r.snips)} | ${ci(r.doublyRobust)} | ${r.effectiveSampleSize.toFixed(0)} | ${[r.ips, r.snips, r.doublyRobust].map((e) => (hit(e) ? 'yes' : 'NO')).join('/')} |`,
    );
  }
}
console.log(`\nCoverage over ${covered.runs} logs: IPS ${covered.ips}, SNIPS ${covered.snips}, DR ${covered.dr} (nominal 95 %).`);
