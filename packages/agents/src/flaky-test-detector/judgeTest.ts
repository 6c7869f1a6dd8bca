import { allPassUpperBound, fisherOneSided, wilsonInterval } from './rerunStatistics.js';
import type { Interval } from './rerunStatistics.js';

/** How a run placed the test: with the rest of its file (`suite`, in the runner's order or shuffled) or `alone`. */
export type RunCondition = 'suite' | 'alone';

/** One outcome of one test in one run. */
export interface TestObservation {
  condition: RunCondition;
  passed: boolean;
  failureMessage?: string;
  /** Shuffle seed of the run, when the runner shuffled. */
  seed?: number;
}

/** The verdict on one test from its observations. */
export interface TestVerdict {
  verdict: 'flaky' | 'order-dependent' | 'failing' | 'stable';
  runs: number;
  failures: number;
  /** Failure rate over all runs with its 95 % Wilson interval. */
  failureRate: number;
  interval: Interval;
  /** Order dependence: one-sided Fisher exact p of the failures concentrating in one condition. */
  fisherP?: number;
  /** Where it fails, for order-dependent tests. */
  failsWhen?: RunCondition;
  /** Stable tests: the 95 % upper bound on the failure rate after all passing runs (1 − 0.05^(1/n)). */
  upperBound?: number;
  firstFailure?: string;
}

/**
 * Judges a test: order-dependent when its failures concentrate in one condition (alone vs with
 * its file) beyond chance (one-sided Fisher exact p < alpha, each condition run); flaky when it
 * both passed and failed otherwise (the same code, the same condition); failing when it never
 * passed; stable when it never failed, with the upper bound that many passes give.
 */
export function judgeTest(observations: readonly TestObservation[], alpha = 0.05): TestVerdict {
  const runs = observations.length;
  const failed = observations.filter((o) => !o.passed);
  const failures = failed.length;
  const base = { runs, failures, failureRate: runs === 0 ? 0 : failures / runs, interval: wilsonInterval(failures, runs), ...(failed[0]?.failureMessage ? { firstFailure: failed[0].failureMessage } : {}) };
  const count = (c: RunCondition, passed: boolean): number => observations.filter((o) => o.condition === c && o.passed === passed).length;
  const [fa, pa, fs, ps] = [count('alone', false), count('alone', true), count('suite', false), count('suite', true)];
  if (fa + pa > 0 && fs + ps > 0 && failures > 0 && failures < runs) {
    const alone = fisherOneSided(fa, pa, fs, ps);
    const suite = fisherOneSided(fs, ps, fa, pa);
    const p = Math.min(alone, suite);
    // The tolerance keeps an exact p = alpha (1/20 for 3 vs 3) from passing through rounding.
    if (p < alpha - 1e-9) return { ...base, verdict: 'order-dependent', fisherP: p, failsWhen: alone < suite ? 'alone' : 'suite' };
  }
  if (failures > 0 && failures < runs) return { ...base, verdict: 'flaky' };
  if (failures === runs && runs > 0) return { ...base, verdict: 'failing' };
  return { ...base, verdict: 'stable', upperBound: allPassUpperBound(runs, alpha) };
}

/** Whether more runs can still change the verdict: not once it is flaky in one condition or order-dependent. */
export function settled(verdict: TestVerdict, observations: readonly TestObservation[]): boolean {
  if (verdict.verdict === 'order-dependent') return true;
  if (verdict.verdict !== 'flaky') return false;
  // Both outcomes within one condition: flaky whatever the order does.
  return (['alone', 'suite'] as const).some((c) => {
    const mine = observations.filter((o) => o.condition === c);
    return mine.some((o) => o.passed) && mine.some((o) => !o.passed);
  });
}
