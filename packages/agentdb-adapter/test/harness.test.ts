import { describe, expect, it } from 'vitest';
import { Simulator, type ArmContext, type ArmEstimate } from '@qe-fleet/learning-core';
import { runHarness, type HarnessAlgorithm } from '../bench/harness.js';

/** Textbook UCB1 per task type, written like learning-core's baseline (untried first, then mean + sqrt(2 ln N / n)). */
function ucb1(arms: number): HarnessAlgorithm {
  const stats = new Map<number, { n: number[]; s: number[]; total: number }>();
  const of = (type: number) => {
    let s = stats.get(type);
    if (s === undefined) stats.set(type, (s = { n: new Array(arms).fill(0), s: new Array(arms).fill(0), total: 0 }));
    return s;
  };
  return {
    usesEpsilon: false,
    estimates: (): ArmEstimate[] => [],
    select(ctx: ArmContext) {
      const s = of(ctx.type);
      const untried = s.n.indexOf(0);
      if (untried !== -1) return untried;
      let best = 0;
      let bestIndex = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < arms; i++) {
        const index = s.s[i]! / s.n[i]! + Math.sqrt((2 * Math.log(s.total)) / s.n[i]!);
        if (index > bestIndex) {
          bestIndex = index;
          best = i;
        }
      }
      return best;
    },
    update(ctx, arm, reward) {
      const s = of(ctx.type);
      s.n[arm]! += 1;
      s.s[arm]! += reward;
      s.total += 1;
      return true;
    },
    link() {},
  };
}

describe('harness', () => {
  it('replays the Simulator’s worlds: textbook UCB1 gets the Simulator’s NS to 1e-12', async () => {
    for (const scenario of ['drift', 'seed-30-day'] as const) {
      const simulated = await new Simulator({ scenario, days: 3, seed: 5, policy: 'ucb1', agentsPerType: 2, trackPerformance: false }).run();
      const harness = await runHarness({ scenario, days: 3, seed: 5, agents: 2, make: () => ucb1(5) });
      expect(harness.tasks).toBe(simulated.totalTasks);
      expect(harness.normalizedScore).toBeCloseTo(simulated.normalizedScore, 12);
      expect(harness.firstDayNormalizedScore).toBeCloseTo(simulated.firstDayNormalizedScore, 12);
    }
  });
});
