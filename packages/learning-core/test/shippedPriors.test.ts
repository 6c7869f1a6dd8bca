import { describe, expect, it } from 'vitest';
import { LearningError, type StrategyDefinition } from '@qe-fleet/learning-core';
import { openEngine, openMemory } from './engineHelpers.js';

const evidence = 'test fixture';
/** `smoke` listed first but measured worst: a fresh store must not start with it. */
const STRATEGIES: StrategyDefinition[] = [
  { name: 'smoke', prior: { expectedReward: 0.35, trials: 5, evidence } },
  { name: 'fuzz', prior: { expectedReward: 0.8, trials: 5, evidence } },
  { name: 'invariants', prior: { expectedReward: 0.6, trials: 5, evidence } },
];
const task = (i: number, type = 'qe-run') => ({ id: `t-${i}`, type });

describe('shipped strategy priors', () => {
  it('a fresh store runs the best-known strategy first, for every seed and task type, then samples', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const engine = openEngine(openMemory(), {}, { strategies: STRATEGIES, seed });
      expect(engine.selectStrategy(engine.extractTaskState(task(0))).strategy).toBe('fuzz');
      expect(engine.selectStrategy(engine.extractTaskState(task(1, 'other-type'))).strategy).toBe('fuzz');
      expect(engine.recommendStrategy(engine.extractTaskState(task(2))).strategy).toBe('fuzz');
    }
    // without priors the same engine draws, and the first-listed strategy is as likely as any
    const firsts = new Set<string>();
    for (let seed = 1; seed <= 20; seed++) {
      const engine = openEngine(openMemory(), {}, { strategies: STRATEGIES.map(({ name }) => name), seed });
      firsts.add(engine.selectStrategy(engine.extractTaskState(task(0))).strategy);
    }
    expect(firsts.size).toBeGreaterThan(1);
  });

  it('real evidence washes a wrong prior out', () => {
    const engine = openEngine(openMemory(), {}, { strategies: STRATEGIES });
    // the prior says fuzz; on this project fuzz always fails and invariants always succeeds
    for (let i = 0; i < 60; i++) {
      const t = task(i);
      const { strategy } = engine.selectStrategy(engine.extractTaskState(t));
      const success = strategy === 'invariants';
      engine.learnFromExecution(t, { strategy, success, executionTime: 1000, errors: success ? [] : ['boom'] });
    }
    expect(engine.recommendStrategy(engine.extractTaskState(task(99))).strategy).toBe('invariants');
  });

  it('survives a restart (priors are code, not state) and refuses a malformed prior', () => {
    const memory = openMemory();
    const first = openEngine(memory, {}, { strategies: STRATEGIES });
    first.learnFromExecution(task(0), { strategy: 'fuzz', success: true, executionTime: 1000 });
    const again = openEngine(memory, {}, { strategies: STRATEGIES });
    expect(again.getState()).toEqual(first.getState());
    for (const prior of [{ expectedReward: 2, trials: 5, evidence }, { expectedReward: 0.5, trials: 0, evidence }, { expectedReward: 0.5, trials: 5, evidence: ' ' }, 'high']) {
      expect(() => openEngine(openMemory(), {}, { strategies: [{ name: 'a', prior: prior as never }] })).toThrow(LearningError);
    }
  });
});
