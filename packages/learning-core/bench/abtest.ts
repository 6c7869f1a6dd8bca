/**
 * Operating characteristics of the A/B decision (`decideABTest`, the rule ImprovementLoop applies
 * after every recorded result, on the composite score): the false-winner rate of A/A tests looked
 * at after EVERY result, and the results per arm needed to find real differences. Two arms,
 * balanced traffic, minimum 100 and maximum 1000 results per arm, alpha 0.05; ln(execution time)
 * ~ N(mu, 0.5); each result scored by `calculateReward` with the default weights (a failure
 * reports an error).
 *
 *   pnpm bench abtest [runs]
 */
import { addArmResult, calculateReward, createRandom, decideABTest, emptyArmResult, standardNormal, type RandomSource } from '@qe-fleet/learning-core';

const RUNS = Number(process.argv[2] ?? 1000);
const MIN = 100;
const MAX = 1000;

interface Arm {
  success: number;
  medianMs: number;
}

/** Per-arm sample size at the decision, and the decision (winner name or outcome). */
function runTest(random: RandomSource, a: Arm, b: Arm): { perArm: number; result: string } {
  const arms = ['a', 'b'].map(emptyArmResult);
  for (let i = 0; i < 2 * MAX; i++) {
    const arm = arms[i % 2]!;
    const truth = i % 2 === 0 ? a : b;
    arm.assigned++;
    const success = random() < truth.success;
    const executionTime = truth.medianMs * Math.exp(0.5 * standardNormal(random));
    addArmResult(arm, success, executionTime, calculateReward({ strategy: arm.strategy, success, executionTime, errors: success ? [] : ['failed'] }));
    const decision = decideABTest(arms, { alpha: 0.05, minSamplesPerArm: MIN, maxSamplesPerArm: MAX });
    if (decision.outcome === 'winner') return { perArm: arm.trials, result: decision.winner };
    if (decision.outcome !== 'continue') return { perArm: arm.trials, result: decision.outcome };
  }
  return { perArm: MAX, result: 'continue' };
}

const at = (sorted: number[], q: number): number | undefined => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

const cases: Array<{ label: string; a: Arm; b: Arm }> = [
  { label: 'A/A: success 0.7, median 8 s', a: { success: 0.7, medianMs: 8000 }, b: { success: 0.7, medianMs: 8000 } },
  { label: 'success 0.6 vs 0.8', a: { success: 0.6, medianMs: 8000 }, b: { success: 0.8, medianMs: 8000 } },
  { label: 'success 0.70 vs 0.75', a: { success: 0.7, medianMs: 8000 }, b: { success: 0.75, medianMs: 8000 } },
  { label: 'time 10 s vs 8 s, success 0.8', a: { success: 0.8, medianMs: 10_000 }, b: { success: 0.8, medianMs: 8000 } },
  { label: 'time 30 s vs 10 s, success 0.8', a: { success: 0.8, medianMs: 30_000 }, b: { success: 0.8, medianMs: 10_000 } },
  // The trap: a succeeds more often but is much slower; b has the higher composite score.
  { label: 'trap: 0.95 @ 50 s vs 0.85 @ 3 s', a: { success: 0.95, medianMs: 50_000 }, b: { success: 0.85, medianMs: 3000 } },
];

const started = performance.now();
console.log(`A/B decision (mSPRT on the composite score, look after every result): ${RUNS} seeded tests per case, min ${MIN} / max ${MAX} results per arm, alpha 0.05`);
for (const [index, c] of cases.entries()) {
  const counts = new Map<string, number>();
  const sizes: number[] = [];
  for (let seed = 0; seed < RUNS; seed++) {
    const { perArm, result } = runTest(createRandom(index * 1_000_000 + seed), c.a, c.b);
    counts.set(result, (counts.get(result) ?? 0) + 1);
    if (result === 'b') sizes.push(perArm);
  }
  sizes.sort((x, y) => x - y);
  const share = (key: string): string => `${(((counts.get(key) ?? 0) / RUNS) * 100).toFixed(1)} %`;
  console.log(
    `${c.label.padEnd(32)} winner b ${share('b').padStart(7)}, winner a ${share('a').padStart(7)}, ` +
      `no difference ${share('no-difference').padStart(7)}, SRM ${share('sample-ratio-mismatch')}` +
      (sizes.length > 0 ? `; results per arm when b won: median ${at(sizes, 0.5)}, p90 ${at(sizes, 0.9)}` : ''),
  );
}
console.log(`wall time ${((performance.now() - started) / 1000).toFixed(1)} s`);
