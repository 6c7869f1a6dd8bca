import { describe, expect, it } from 'vitest';
import { createRandom, type LearningEngine } from '@qe-fleet/learning-core';
import { openEngine, openMemory } from './engineHelpers.js';

/** One task of `strategy` that succeeds with probability `p`. */
function task(engine: LearningEngine, random: () => number, strategy: string, p: number, id: number): void {
  const success = random() < p;
  engine.learnFromExecution({ id: `t-${id}`, type: 'unit-test' }, { strategy, success, executionTime: 1000, errors: success ? [] : ['e'] });
}

const best = (engine: LearningEngine) => engine.recommendStrategy(engine.extractTaskState({ id: 'probe', type: 'unit-test' })).strategy;
const trialsOf = (engine: LearningEngine, strategy: string) => engine.exportStatistics().rows['unit-test|*']![strategy]![0];

describe('discounted-thompson: a strategy that changes is re-learnt from its recent results', () => {
  it('leaves a strategy that degraded within 40 tasks, where the discount alone needs hundreds', () => {
    const engine = openEngine(openMemory());
    const random = createRandom(7);
    let id = 0;
    for (let i = 0; i < 1500; i++) task(engine, random, i % 5 === 0 ? 'medium' : 'best', i % 5 === 0 ? 0.6 : 0.9, id++);
    expect(best(engine)).toBe('best');
    // hundreds of discounted trials of 0.9 behind 'best': by the discount alone, 40 rewards of 0.2 would move its mean by less than 0.1
    expect(trialsOf(engine, 'best')).toBeGreaterThan(250);
    for (let i = 0; i < 40; i++) task(engine, random, 'best', 0.2, id++);
    expect(best(engine)).toBe('medium');
    expect(trialsOf(engine, 'best')).toBeLessThan(60);
  });

  it('does not cut the evidence of a steady strategy whose rare failures come close together (3 000 tasks)', () => {
    const engine = openEngine(openMemory());
    const random = createRandom(8);
    let cuts = 0;
    let before = 0;
    for (let i = 0; i < 3000; i++) {
      task(engine, random, i % 2 === 0 ? 'best' : 'medium', i % 2 === 0 ? 0.9 : 0.6, i);
      if (i % 2 === 0) {
        const after = trialsOf(engine, 'best');
        if (after < before / 2) cuts++;
        before = after;
      }
    }
    expect(cuts).toBe(0);
    expect(best(engine)).toBe('best');
  });
});
