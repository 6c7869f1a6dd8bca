import { describe, expect, it } from 'vitest';
import {
  addArmResult,
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
    addArmResult(a, random() < t.success, Math.exp(t.logTime + 0.5 * standardNormal(random)));
    const decision = decideABTest(arms, { alpha: 0.05, minSamplesPerArm: minPerArm, maxSamplesPerArm: maxPerArm });
    if (decision.outcome !== 'continue') return { decision, perArm: a.trials };
  }
  return { decision: null as SequentialDecision | null, perArm: maxPerArm };
}

describe('sequential A/B decision (mSPRT, normal mixture)', () => {
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
      if (decision?.outcome === 'winner' && decision.winner === 'b' && decision.metric === 'successRate' && perArm <= 300) {
        sizes.push(perArm);
      }
    }
    expect(sizes.length).toBeGreaterThanOrEqual(95);
  });

  it('picks the faster arm when success rates are equal and times differ by 20 %', () => {
    const { decision } = runTest(createRandom(7), [
      { success: 0.8, logTime: Math.log(10_000) },
      { success: 0.8, logTime: Math.log(8_000) },
    ], 1000);
    expect(decision).toMatchObject({ outcome: 'winner', winner: 'b', metric: 'executionTime' });
  });

  it('makes no decision before every arm has the minimum sample', () => {
    const a = { ...arm('a'), trials: 99, successes: 0, assigned: 99 };
    const b = { ...arm('b'), trials: 99, successes: 99, assigned: 99 };
    expect(decideABTest([a, b], { alpha: 0.05, minSamplesPerArm: 100, maxSamplesPerArm: 1000 }).outcome).toBe('continue');
    a.trials = a.assigned = 100;
    b.trials = b.assigned = 100;
    b.successes = 100;
    expect(decideABTest([a, b], { alpha: 0.05, minSamplesPerArm: 100, maxSamplesPerArm: 1000 })).toMatchObject({
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
    const mk = (strategy: string, successes: number) => ({ ...arm(strategy), assigned: 400, trials: 400, successes });
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
