import { describe, expect, it } from 'vitest';
import {
  addArmResult,
  calculateReward,
  chiSquareGoodnessOfFit,
  chiSquareSurvival,
  compositeScore,
  createRandom,
  decideABTest,
  emptyArmResult,
  normalMixtureTest,
  standardNormal,
  type RandomSource,
  type SequentialDecision,
} from '@qe-fleet/learning-core';

const arm = emptyArmResult;

/** Records one result with its composite score (default weights; a failure reports an error). */
function record(a: ReturnType<typeof arm>, success: boolean, executionTime: number): void {
  const score = calculateReward({ strategy: a.strategy, success, executionTime, errors: success ? [] : ['failed'] });
  addArmResult(a, success, executionTime, score);
}

/** An arm of `n` results, `successes` of them scoring 1 and the others 0. */
function counted(strategy: string, n: number, successes: number) {
  return { ...arm(strategy), assigned: n, trials: n, successes, scored: n, sumScore: successes, sumSqScore: successes };
}

interface ArmTruth {
  success: number;
  /** Mean of ln(execution time). */
  logTime: number;
}

/**
 * Feeds one result per arm in turn (balanced traffic) and looks after EVERY result, as the loop
 * does; returns the first decision that is not "continue" and the per-arm sample size then.
 */
function runTest(random: RandomSource, truth: [ArmTruth, ArmTruth], maxPerArm: number, minPerArm = 100) {
  const arms = [arm('a'), arm('b')];
  for (let i = 0; i < 2 * maxPerArm; i++) {
    const k = i % 2;
    const a = arms[k]!;
    const t = truth[k]!;
    a.assigned++;
    record(a, random() < t.success, Math.exp(t.logTime + 0.5 * standardNormal(random)));
    const decision = decideABTest(arms, { alpha: 0.05, minSamplesPerArm: minPerArm, maxSamplesPerArm: maxPerArm });
    if (decision.outcome !== 'continue') return { decision, perArm: a.trials };
  }
  return { decision: null as SequentialDecision | null, perArm: maxPerArm };
}

describe('sequential A/B decision (mSPRT, normal mixture, on the composite score)', () => {
  it('keeps the false-winner rate at or below alpha on 400 A/A tests looked at after every result', () => {
    let wins = 0;
    let noDifference = 0;
    for (let seed = 0; seed < 400; seed++) {
      const same = { success: 0.7, logTime: Math.log(8000) };
      const { decision } = runTest(createRandom(seed), [same, same], 600);
      if (decision?.outcome === 'winner') wins++;
      if (decision?.outcome === 'no-difference') noDifference++;
    }
    expect(wins / 400).toBeLessThanOrEqual(0.07);
    expect(noDifference + wins).toBe(400);
  });

  it('detects 0.6 vs 0.8 success within 300 results per arm in at least 95 % of 100 runs', () => {
    const sizes: number[] = [];
    for (let seed = 1000; seed < 1100; seed++) {
      const { decision, perArm } = runTest(createRandom(seed), [
        { success: 0.6, logTime: 9 },
        { success: 0.8, logTime: 9 },
      ], 1000);
      if (decision?.outcome === 'winner' && decision.winner === 'b' && decision.metric === 'compositeScore' && perArm <= 300) {
        sizes.push(perArm);
      }
    }
    expect(sizes.length).toBeGreaterThanOrEqual(95);
  });

  it('picks the faster arm when success rates are equal and one takes three times as long (30 s vs 10 s)', () => {
    const { decision } = runTest(createRandom(7), [
      { success: 0.8, logTime: Math.log(30_000) },
      { success: 0.8, logTime: Math.log(10_000) },
    ], 1000);
    expect(decision).toMatchObject({ outcome: 'winner', winner: 'b', metric: 'compositeScore' });
  });

  it('lets a variant that succeeds more often but is much slower (lower composite score) lose, in 20 of 20 runs', () => {
    // a: 95 % success in ~50 s, composite ~0.77; b: 85 % success in ~3 s, composite ~0.87. No look
    // before 400 results per arm, when a's success advantage is itself significant: a rule that
    // decides on success first would pick a.
    const trap = { success: 0.95, logTime: Math.log(50_000) };
    const fast = { success: 0.85, logTime: Math.log(3_000) };
    const winners: string[] = [];
    for (let seed = 2000; seed < 2020; seed++) {
      const { decision } = runTest(createRandom(seed), [trap, fast], 1000, 400);
      winners.push(decision?.outcome === 'winner' ? decision.winner : String(decision?.outcome));
      if (decision?.outcome !== 'winner') continue;
      const cmp = decision.comparisons[0]!;
      // The loser really had the higher success rate, significantly: success alone would have picked it.
      expect(cmp.successRate.difference).toBeLessThan(0);
      expect(cmp.successRate.significant).toBe(true);
      expect(cmp.compositeScore.difference).toBeGreaterThan(0);
    }
    expect(winners).toEqual(Array.from({ length: 20 }, () => 'b'));
  });

  it('decides on scores, not raw success: arms with identical scores never win, however different their success counts', () => {
    const a = { ...counted('a', 400, 100), sumScore: 0.7 * 400, sumSqScore: 0.49 * 400 };
    const b = { ...counted('b', 400, 380), sumScore: 0.7 * 400, sumSqScore: 0.49 * 400 };
    const decision = decideABTest([a, b], { alpha: 0.05, minSamplesPerArm: 100, maxSamplesPerArm: 400 });
    expect(decision.outcome).toBe('no-difference');
    // Constant but different scores are told apart (the pseudo-results bound the noise, they do not hide it).
    const c = { ...b, sumScore: 0.75 * 400, sumSqScore: 0.5625 * 400 };
    expect(decideABTest([a, c], { alpha: 0.05, minSamplesPerArm: 100, maxSamplesPerArm: 400 })).toMatchObject({ outcome: 'winner', winner: 'b' });
    // ... but not from a handful of results.
    const few = (s: typeof a, score: number) => ({ ...s, assigned: 5, trials: 5, scored: 5, sumScore: 5 * score, sumSqScore: 5 * score * score });
    expect(decideABTest([few(a, 0.7), few(c, 0.75)], { alpha: 0.05, minSamplesPerArm: 5, maxSamplesPerArm: 400 }).outcome).toBe('continue');
  });

  it('makes no decision before every arm has the minimum sample', () => {
    const a = counted('a', 99, 0);
    const b = counted('b', 99, 99);
    expect(decideABTest([a, b], { alpha: 0.05, minSamplesPerArm: 100, maxSamplesPerArm: 1000 }).outcome).toBe('continue');
    expect(decideABTest([counted('a', 100, 0), counted('b', 100, 100)], { alpha: 0.05, minSamplesPerArm: 100, maxSamplesPerArm: 1000 })).toMatchObject({
      outcome: 'winner',
      winner: 'b',
    });
  });

  it('flags a sample-ratio mismatch on results (an arm losing 40 % of its results) and on assignments', () => {
    const a = { ...arm('a'), assigned: 300, trials: 300, successes: 150 };
    const b = { ...arm('b'), assigned: 300, trials: 180, successes: 170 };
    const lost = decideABTest([a, b], { alpha: 0.05, minSamplesPerArm: 100, maxSamplesPerArm: 1000 });
    expect(lost).toMatchObject({ outcome: 'sample-ratio-mismatch', counts: 'results' });
    const skewed = decideABTest(
      [{ ...a, assigned: 400 }, { ...b, assigned: 250, trials: 300 }],
      { alpha: 0.05, minSamplesPerArm: 100, maxSamplesPerArm: 1000 },
    );
    expect(skewed).toMatchObject({ outcome: 'sample-ratio-mismatch', counts: 'assigned' });
    // A normal imbalance is not a mismatch.
    const fine = decideABTest([{ ...a, trials: 310, assigned: 310 }, { ...b, trials: 290, assigned: 290, successes: 140 }], {
      alpha: 0.05,
      minSamplesPerArm: 100,
      maxSamplesPerArm: 1000,
    });
    expect(fine.outcome).not.toBe('sample-ratio-mismatch');
  });

  it('needs one arm to beat every other arm when there are three', () => {
    const mk = (strategy: string, successes: number) => counted(strategy, 400, successes);
    const opts = { alpha: 0.05, minSamplesPerArm: 100, maxSamplesPerArm: 1000 };
    expect(decideABTest([mk('a', 200), mk('b', 320), mk('c', 200)], opts)).toMatchObject({ outcome: 'winner', winner: 'b' });
    // b and c both beat a but not each other: no winner yet.
    expect(decideABTest([mk('a', 200), mk('b', 320), mk('c', 318)], opts).outcome).toBe('continue');
  });
});

describe('normalMixtureTest', () => {
  it('is significant exactly when the confidence sequence excludes zero', () => {
    for (const diff of [0.01, 0.05, 0.1, 0.2]) {
      const r = normalMixtureTest(diff, 0.21 * (2 / 200), 2 / 200, 0.025);
      expect(r.significant).toBe(Math.abs(diff) > r.halfWidth);
    }
  });

  it('never rejects with zero variance', () => {
    expect(normalMixtureTest(0.5, 0, 0.02, 0.05).significant).toBe(false);
  });
});

describe('chi-square', () => {
  it('matches tabulated quantiles', () => {
    expect(chiSquareSurvival(3.841458820694124, 1)).toBeCloseTo(0.05, 6);
    expect(chiSquareSurvival(10.827566170662733, 1)).toBeCloseTo(0.001, 6);
    expect(chiSquareSurvival(5.991464547107979, 2)).toBeCloseTo(0.05, 6);
    expect(chiSquareSurvival(0.3518463, 3)).toBeCloseTo(0.95, 5);
  });

  it('tests counts against shares', () => {
    expect(chiSquareGoodnessOfFit([50, 50], [1, 1]).pValue).toBe(1);
    const r = chiSquareGoodnessOfFit([60, 40], [1, 1]);
    expect(r.chiSquare).toBeCloseTo(4, 10);
    expect(r.pValue).toBeCloseTo(0.0455, 4);
  });
});

describe('compositeScore (seed 10.1)', () => {
  const base = {
    tasksCompleted: 1,
    successRate: 0.8,
    errorRate: 0.1,
    userSatisfaction: 0.7,
    averageExecutionTime: 6000,
    resourceEfficiency: 0.5,
  };

  it('is the seed formula', () => {
    expect(compositeScore(base)).toBeCloseTo(0.8 * 0.3 + 0.9 * 0.2 + 0.7 * 0.25 + 0.9 * 0.15 + 0.5 * 0.1, 12);
  });

  it('clamps out-of-range and non-finite inputs into [0, 1]', () => {
    expect(compositeScore({ ...base, averageExecutionTime: 600_000 })).toBeCloseTo(compositeScore({ ...base, averageExecutionTime: 60_000 }), 12);
    expect(compositeScore({ ...base, successRate: 3 })).toBeCloseTo(compositeScore({ ...base, successRate: 1 }), 12);
    expect(compositeScore({ ...base, errorRate: Number.NaN })).toBeCloseTo(compositeScore({ ...base, errorRate: 1 }), 12);
    const worst = { tasksCompleted: 0, successRate: -1, errorRate: 2, userSatisfaction: -1, averageExecutionTime: 1e9, resourceEfficiency: -1 };
    expect(compositeScore(worst)).toBe(0);
  });
});
