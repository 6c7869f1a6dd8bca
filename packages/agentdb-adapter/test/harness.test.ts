import { describe, expect, it } from 'vitest';
import { Simulator, generateWorld, type ArmContext, type ArmEstimate } from '@qe-fleet/learning-core';
import { runHarness, type HarnessAlgorithm, type HarnessContext } from '../bench/harness.js';

/**
 * Textbook UCB1 per (task type, context) key, written like learning-core's baseline (untried first,
 * then mean + sqrt(2 ln N / n)); the Simulator keys its baselines by the world's context key.
 */
function ucb1(arms: number): HarnessAlgorithm {
  const stats = new Map<string, { n: number[]; s: number[]; total: number }>();
  const of = (key: string) => {
    let s = stats.get(key);
    if (s === undefined) stats.set(key, (s = { n: new Array(arms).fill(0), s: new Array(arms).fill(0), total: 0 }));
    return s;
  };
  return {
    usesEpsilon: false,
    estimates: (): ArmEstimate[] => [],
    select(ctx: ArmContext) {
      const s = of((ctx as HarnessContext).key);
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
      const s = of((ctx as HarnessContext).key);
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

  it('replays learning-core’s random worlds too (contexts, load readings, join days): UCB1 by context key to 1e-12', async () => {
    // World 1: a noisy load reading; 3: three types with contexts; 11: an agent joining on day 2, contexts, a reading.
    for (const seed of [1, 3, 11]) {
      const world = generateWorld(seed, { days: 4 });
      const arms = world.scenario.strategies.length;
      const simulated = await new Simulator({
        scenario: world.scenario,
        days: 4,
        seed,
        policy: 'ucb1',
        agentsPerType: world.agents,
        joinDays: world.joinDays,
        trackPerformance: false,
      }).run();
      const harness = await runHarness({ scenario: world.scenario, days: 4, seed, agents: world.agents, joinDays: world.joinDays, make: () => ucb1(arms) });
      expect(harness.tasks).toBe(simulated.totalTasks);
      expect(harness.normalizedScore).toBeCloseTo(simulated.normalizedScore, 12);
      expect(harness.firstDayNormalizedScore).toBeCloseTo(simulated.firstDayNormalizedScore, 12);
    }
  });
});
