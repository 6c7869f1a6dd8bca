/**
 * Textbook comparison policies for the simulator, deliberately independent of the LearningEngine:
 * uniform random, UCB1 (Auer et al. 2002), Bernoulli Thompson sampling with the binarisation trick
 * for [0, 1] rewards (Agrawal & Goyal 2012), Gaussian Thompson sampling (one normal posterior per
 * arm with the arm's measured variance), the best fixed strategy in hindsight and the oracle. Each
 * keeps separate statistics per context key: the task type, or (type, context) in worlds whose
 * types have contexts, i.e. the textbook contextual bandit that is told which context a task is.
 */
import { sampleBeta, sampleNormal } from './distributions.js';
import type { RandomSource } from './types.js';

/** Names of the baseline policies. */
export type BaselineName = 'uniform-random' | 'ucb1' | 'thompson' | 'gaussian-thompson' | 'best-fixed' | 'oracle';

/** Every baseline, in report order. */
export const BASELINE_NAMES: readonly BaselineName[] = ['uniform-random', 'ucb1', 'thompson', 'gaussian-thompson', 'best-fixed', 'oracle'];

/** A policy choosing a strategy per task and learning from rewards scaled to [0, 1]. */
export interface BaselinePolicy {
  choose(taskType: string, day: number): string;
  update(taskType: string, strategy: string, reward01: number): void;
}

/** What the hindsight policies may know about the hidden world; learning policies never see it. */
export interface HiddenKnowledge {
  /** The arm with the highest expected reward on that day for that context key. */
  bestAt(key: string, day: number): string;
  /** The arm with the highest expected reward summed over the run's own tasks of that context key. */
  bestFixed(key: string): string;
}

/** Creates a baseline policy over `strategies`. */
export function createBaselinePolicy(
  name: BaselineName,
  strategies: readonly string[],
  random: RandomSource,
  knowledge: HiddenKnowledge,
): BaselinePolicy {
  switch (name) {
    case 'uniform-random':
      return { choose: () => strategies[Math.floor(random() * strategies.length)]!, update: () => {} };
    case 'oracle':
      return { choose: (type, day) => knowledge.bestAt(type, day), update: () => {} };
    case 'best-fixed':
      return { choose: (type) => knowledge.bestFixed(type), update: () => {} };
    case 'ucb1':
      return ucb1(strategies);
    case 'thompson':
      return thompson(strategies, random);
    case 'gaussian-thompson':
      return gaussianThompson(strategies, random);
  }
}

interface ArmStats {
  pulls: number[];
  sums: number[];
  total: number;
}

function statsFor(table: Map<string, ArmStats>, taskType: string, arms: number): ArmStats {
  let stats = table.get(taskType);
  if (stats === undefined) {
    stats = { pulls: new Array<number>(arms).fill(0), sums: new Array<number>(arms).fill(0), total: 0 };
    table.set(taskType, stats);
  }
  return stats;
}

function record(stats: ArmStats, arm: number, value: number): void {
  stats.pulls[arm]! += 1;
  stats.sums[arm]! += value;
  stats.total += 1;
}

function ucb1(strategies: readonly string[]): BaselinePolicy {
  const table = new Map<string, ArmStats>();
  return {
    choose(taskType) {
      const s = statsFor(table, taskType, strategies.length);
      const untried = s.pulls.indexOf(0);
      if (untried !== -1) return strategies[untried]!;
      let best = 0;
      let bestIndex = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < strategies.length; i++) {
        const n = s.pulls[i]!;
        const index = s.sums[i]! / n + Math.sqrt((2 * Math.log(s.total)) / n);
        if (index > bestIndex) {
          bestIndex = index;
          best = i;
        }
      }
      return strategies[best]!;
    },
    update(taskType, strategy, reward01) {
      record(statsFor(table, taskType, strategies.length), strategies.indexOf(strategy), reward01);
    },
  };
}

function thompson(strategies: readonly string[], random: RandomSource): BaselinePolicy {
  // sums = successes of the binarised reward, pulls - sums = failures; prior Beta(1, 1).
  const table = new Map<string, ArmStats>();
  return {
    choose(taskType) {
      const s = statsFor(table, taskType, strategies.length);
      let best = 0;
      let bestDraw = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < strategies.length; i++) {
        const draw = sampleBeta(random, 1 + s.sums[i]!, 1 + s.pulls[i]! - s.sums[i]!);
        if (draw > bestDraw) {
          bestDraw = draw;
          best = i;
        }
      }
      return strategies[best]!;
    },
    update(taskType, strategy, reward01) {
      record(statsFor(table, taskType, strategies.length), strategies.indexOf(strategy), random() < reward01 ? 1 : 0);
    },
  };
}

/**
 * Gaussian Thompson sampling: each arm of a context key is N(mean, s² / n) with s² the arm's sample
 * variance (0.25, the largest a [0, 1] reward can have, until it has two rewards; at least 1e-4);
 * an untried arm is tried first.
 */
function gaussianThompson(strategies: readonly string[], random: RandomSource): BaselinePolicy {
  const table = new Map<string, { stats: ArmStats; squares: number[] }>();
  const entry = (key: string): { stats: ArmStats; squares: number[] } => {
    let e = table.get(key);
    if (e === undefined) {
      e = { stats: statsFor(new Map(), key, strategies.length), squares: new Array<number>(strategies.length).fill(0) };
      table.set(key, e);
    }
    return e;
  };
  return {
    choose(key) {
      const { stats: s, squares } = entry(key);
      const untried = s.pulls.flatMap((n, i) => (n === 0 ? [i] : []));
      if (untried.length > 0) return strategies[untried[Math.floor(random() * untried.length)]!]!;
      let best = 0;
      let bestDraw = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < strategies.length; i++) {
        const n = s.pulls[i]!;
        const mean = s.sums[i]! / n;
        const variance = n < 2 ? 0.25 : Math.max(1e-4, (squares[i]! - n * mean * mean) / (n - 1));
        const draw = sampleNormal(random, mean, Math.sqrt(variance / n));
        if (draw > bestDraw) {
          bestDraw = draw;
          best = i;
        }
      }
      return strategies[best]!;
    },
    update(key, strategy, reward01) {
      const e = entry(key);
      const arm = strategies.indexOf(strategy);
      record(e.stats, arm, reward01);
      e.squares[arm]! += reward01 * reward01;
    },
  };
}
