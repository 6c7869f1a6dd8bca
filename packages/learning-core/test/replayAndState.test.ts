import { describe, expect, it } from 'vitest';
import {
  LearningError,
  ReplayBuffer,
  createRandom,
  createSystemResourceProbe,
  extractTaskState,
  featureCode,
  formatStateKey,
  parseStateKey,
} from '@qe-fleet/learning-core';
import { openEngine, openMemory, runTasks } from './engineHelpers.js';

type Row = { arms: { slow: [number, number]; medium: [number, number]; best: [number, number] } };
const rows = (state: { model: unknown }): Record<string, Row> => state.model as Record<string, Row>;

describe('ReplayBuffer', () => {
  it('is bounded, evicts the oldest, and samples distinct occupied slots', () => {
    const buffer = new ReplayBuffer(5);
    const evicted = [0, 1, 2, 3, 4, 5, 6, 7].map((seq) => buffer.push(seq, seq, 0, seq / 10));
    expect(evicted).toEqual([null, null, null, null, null, 0, 1, 2]);
    expect(buffer.size).toBe(5);
    expect(buffer.slotOf(2)).toBe(-1);
    expect(buffer.rewardAt(buffer.slotOf(7))).toBe(0.7);
    const random = createRandom(1);
    for (let i = 0; i < 200; i++) {
      const slots = buffer.sample(3, random);
      expect(new Set(slots).size).toBe(3);
    }
    expect(buffer.sample(10, random).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(buffer.recentMean(7, 2)).toBeCloseTo(0.65, 12);
  });

  it('samples uniformly over a partly filled buffer that does not start at slot 0', () => {
    const buffer = new ReplayBuffer(100);
    for (let seq = 990; seq < 1000; seq++) buffer.push(seq, 0, 0, 0);
    const counts = new Map<number, number>();
    const random = createRandom(2);
    for (let i = 0; i < 5000; i++) for (const slot of buffer.sample(2, random)) counts.set(buffer.seqAt(slot), (counts.get(buffer.seqAt(slot)) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual([990, 991, 992, 993, 994, 995, 996, 997, 998, 999]);
    for (const n of counts.values()) expect(n).toBeGreaterThan(800);
  });
});

describe('experience replay in the engine', () => {
  it('q-learning replays batchSize random experiences every updateFrequency tasks', () => {
    const engine = openEngine(openMemory(), { algorithm: 'q-learning', discountFactor: 0, updateFrequency: 10, batchSize: 4 });
    const replayed: number[] = [];
    for (let i = 0; i < 30; i++) {
      replayed.push(engine.learnFromExecution({ id: `t${i}`, type: 'unit-test' }, { strategy: 'best', success: true, executionTime: 10 }).replayed);
    }
    expect(replayed.map((n, i) => [i + 1, n]).filter(([, n]) => n! > 0)).toEqual([[10, 4], [20, 4], [30, 4]]);
    // visits = primary updates (each experience once) + replays
    const row = rows(engine.getState())['unit-test|c0|k0|a0|t0|r2']!;
    expect(row.arms.best[1]).toBe(30 + 12);
    expect(engine.batchUpdate()).toBe(4);
    expect(rows(engine.getState())['unit-test|c0|k0|a0|t0|r2']!.arms.best[1]).toBe(46);
  });

  it('q-learning with a discount waits for the next state: each experience is learned exactly once when it arrives', () => {
    const engine = openEngine(openMemory(), { algorithm: 'q-learning', discountFactor: 0.5, updateFrequency: 1000 });
    const learn = (i: number, type: string) =>
      engine.learnFromExecution({ id: `t${i}`, type }, { strategy: 'best', success: true, executionTime: 10 });
    learn(0, 'unit-test');
    learn(1, 'api-test');
    expect(engine.getState().model).toEqual({}); // no next state known yet: nothing invented
    learn(2, 'unit-test'); // the next unit-test task: experience 0 now has its next state
    const state = engine.getState();
    expect(state.experiences.map((e) => e.nextStateKey)).toEqual(['unit-test|c0|k0|a0|t0|r2', null, null]);
    const row = rows(state)['unit-test|c0|k0|a0|t0|r2']!;
    expect(row.arms.best[1]).toBe(1);
    // target = (1 - 0.5) * r + 0.5 * max Q(next), next state unvisited (0.5); first visit: Q = target
    expect(row.arms.best[0]).toBeCloseTo(0.5 * state.experiences[0]!.reward + 0.25, 6);
  });

  it('bandits never replay: their statistics count each experience exactly once', () => {
    const engine = openEngine(openMemory(), { algorithm: 'ucb1', updateFrequency: 5 });
    const chosen = runTasks(engine, 200, createRandom(6));
    expect(engine.batchUpdate()).toBe(0);
    const typeRow = rows(engine.getState())['unit-test|*']!;
    expect(Object.values(typeRow.arms).reduce((n, [trials]) => n + trials, 0)).toBe(200);
    for (const name of ['slow', 'medium', 'best'] as const) {
      expect(typeRow.arms[name][0]).toBe(chosen.filter((c) => c.strategy === name).length);
    }
  });
});

describe('task state', () => {
  it('includes the task type and clamped, discretised features', () => {
    const state = extractTaskState(
      { id: 't', type: 'api-test', capabilities: ['a', 'b', 'c'], context: { complexity: 7 }, retries: 9, timeout: 45_000 },
      () => 2,
    );
    expect(state).toMatchObject({ taskType: 'api-test', taskComplexity: 1, previousAttempts: 9, availableResources: 1, timeConstraint: 45_000 });
    expect(formatStateKey(state.taskType, featureCode(state))).toBe('api-test|c4|k2|a3|t2|r3');
    const low = extractTaskState({ id: 't', type: 'api-test', context: { complexity: -3 } }, () => Number.NaN);
    expect(formatStateKey('api-test', featureCode(low))).toBe('api-test|c0|k0|a0|t0|r0');
    // without an explicit complexity it is the capability count over 8
    expect(extractTaskState({ id: 't', type: 'x', capabilities: ['a', 'b'] }, () => 1).taskComplexity).toBe(0.25);
  });

  it('state keys round-trip for every feature code and the task-type level', () => {
    for (let code = 0; code <= 1600; code++) {
      expect(parseStateKey(formatStateKey('a|b/c', code))).toEqual({ taskType: 'a|b/c', code });
    }
    expect(parseStateKey('nonsense')).toBeNull();
    expect(parseStateKey('|*')).toBeNull();
  });

  it('reads resources from the injected probe; the system probe reads the OS and stays in [0, 1]', () => {
    let resources = 0.9;
    const engine = openEngine(openMemory(), {}, { resources: () => resources });
    const high = engine.selectStrategy(engine.extractTaskState({ id: 'a', type: 'unit-test' })).stateKey;
    resources = 0.1;
    const low = engine.selectStrategy(engine.extractTaskState({ id: 'b', type: 'unit-test' })).stateKey;
    expect(high).toBe('unit-test|c0|k0|a0|t0|r3');
    expect(low).toBe('unit-test|c0|k0|a0|t0|r0');

    let now = 0;
    const probe = createSystemResourceProbe(() => now, 1000);
    const first = probe();
    expect(first).toBeGreaterThanOrEqual(0);
    expect(first).toBeLessThanOrEqual(1);
    now = 500;
    expect(probe()).toBe(first); // cached within maxAge
  });

  it('learns about the state the strategy was selected in, even if resources changed meanwhile', () => {
    let resources = 0.9;
    const engine = openEngine(openMemory(), {}, { resources: () => resources });
    const task = { id: 'a', type: 'unit-test' };
    engine.selectStrategy(engine.extractTaskState(task));
    resources = 0.1;
    const outcome = engine.learnFromExecution(task, { strategy: 'best', success: true, executionTime: 10 });
    expect(outcome.experience!.stateKey).toBe('unit-test|c0|k0|a0|t0|r3');
  });

  it('refuses tasks without a type', () => {
    expect(() => extractTaskState({ id: 't', type: '' })).toThrow(LearningError);
    expect(() => extractTaskState(null as never)).toThrow(/task must be an object/);
  });
});
