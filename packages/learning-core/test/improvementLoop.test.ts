import type { SwarmMemoryManager } from '@qe-fleet/memory';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createRandom,
  ImprovementLoop,
  LearningError,
  ManualScheduler,
  PerformanceTracker,
  timerScheduler,
  type LearningEngine as Engine,
  type TaskState,
} from '@qe-fleet/learning-core';
import { openEngine, openMemory } from './support/stack.js';

const T0 = Date.UTC(2026, 0, 1, 8);
const DAY = 24 * 3600 * 1000;

describe('ImprovementLoop', () => {
  let now: number;
  let memory: SwarmMemoryManager;
  let engine: Engine;
  let tracker: PerformanceTracker;
  let scheduler: ManualScheduler;
  let taskSeq = 0;
  const clock = () => now;

  const newLoop = (options: { minSamplesPerArm?: number; maxSamplesPerArm?: number } = {}) => {
    const loop = new ImprovementLoop('agent-1', memory, engine, tracker, {
      clock,
      scheduler,
      random: createRandom(42),
      ...options,
    });
    loop.initialize();
    return loop;
  };

  /** Teaches the engine `successes` of `trials` for a task type and strategy. */
  const teach = (taskType: string, strategy: string, successes: number, trials: number, errors: string[] = []) => {
    for (let i = 0; i < trials; i++) {
      const success = i < successes;
      engine.learnFromExecution(
        { id: `task-${taskSeq++}`, type: taskType },
        { strategy, success, executionTime: 5000, errors: success ? [] : errors },
      );
    }
  };

  const state = (taskType: string): TaskState => engine.extractTaskState({ id: `probe-${taskSeq++}`, type: taskType });
  const events = (type: string) => memory.queryEvents({ type, order: 'asc' });

  beforeEach(() => {
    now = T0;
    memory = openMemory(clock);
    engine = openEngine(memory, clock, ['a', 'b', 'c'], 1);
    tracker = new PerformanceTracker('agent-1', memory, { clock, windowSize: 4 });
    tracker.initialize();
    scheduler = new ManualScheduler();
  });
  afterEach(() => memory.close());

  it('runs cycles on the injected scheduler and stop() clears its timer', () => {
    const loop = newLoop();
    loop.start(1000);
    loop.start(1000);
    expect(scheduler.pending).toBe(1);
    expect(loop.isActive()).toBe(true);
    now += 3000;
    scheduler.advance(3000);
    expect(memory.query('phase2/learning/agent-1/cycles/%', { partition: 'learning' })).toHaveLength(3);
    loop.stop();
    expect(scheduler.pending).toBe(0);
    expect(loop.isActive()).toBe(false);
    scheduler.advance(10_000);
    expect(memory.query('phase2/learning/agent-1/cycles/%', { partition: 'learning' })).toHaveLength(3);
    expect(() => loop.start(0)).toThrow(LearningError);
  });

  it('uses unref\'d timers by default, so a running loop never keeps the process alive', () => {
    const handle = timerScheduler.setInterval(() => undefined, 60_000) as ReturnType<typeof setInterval>;
    expect(handle.hasRef()).toBe(false);
    timerScheduler.clearInterval(handle);
    const loop = new ImprovementLoop('agent-1', memory, engine, tracker, { clock });
    loop.initialize();
    loop.start();
    expect(loop.isActive()).toBe(true);
    loop.stop();
    expect(loop.isActive()).toBe(false);
  });

  it('registers the default improvement strategies in storage', () => {
    const loop = newLoop();
    const names = loop.getStrategies().map((s) => s.name);
    expect(names).toEqual(['ab-test-overlapping-strategies', 'failure-pattern-alert']);
    expect(memory.retrieve('phase2/learning/agent-1/strategies/failure-pattern-alert', { partition: 'learning' })).toMatchObject({
      config: { minFrequency: 5 },
    });
  });

  it('assigns arms in balanced random order, only for the covered task type', () => {
    const loop = newLoop();
    const id = loop.createABTest('a vs b', [{ name: 'a', config: {} }, { name: 'b', config: {} }], 50, { taskType: 'unit' });
    expect(loop.assignStrategy('api')).toBeNull();
    const seen: string[] = [];
    for (let i = 0; i < 100; i++) {
      const assignment = loop.assignStrategy('unit')!;
      expect(assignment.testId).toBe(id);
      seen.push(assignment.strategy);
    }
    expect(seen.filter((s) => s === 'a')).toHaveLength(50);
    expect(seen.slice(0, 10)).not.toEqual(['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b', 'a', 'b']);
    expect(loop.getActiveTests()[0]!.results.map((r) => r.assigned)).toEqual([50, 50]);
    expect(events('learning:abtest_started')).toHaveLength(1);
  });

  it('applies a significant winner: the engine then recommends it, and the events and test are stored', () => {
    teach('unit', 'a', 12, 20);
    teach('unit', 'b', 10, 20);
    expect(engine.recommendStrategy(state('unit')).strategy).toBe('a');
    const loop = newLoop({ minSamplesPerArm: 30 });
    const id = loop.createABTest('a vs b', [{ name: 'a', config: {} }, { name: 'b', config: {} }], undefined, { taskType: 'unit' });
    const random = createRandom(9);
    let test = loop.getTest(id)!;
    for (let i = 0; i < 2000 && test.status === 'running'; i++) {
      const { strategy } = loop.assignStrategy('unit')!;
      test = loop.recordTestResult(id, strategy, random() < (strategy === 'b' ? 0.9 : 0.5), 4000);
    }
    expect(test).toMatchObject({ status: 'completed', winner: 'b' });
    expect(test.conclusion).toMatch(/^b has a significantly higher composite score \(a 0\.\d+ vs b 0\.\d+\)$/);
    expect(engine.recommendStrategy(state('unit')).strategy).toBe('b');
    expect(loop.getActiveTests()).toHaveLength(0);
    expect(loop.assignStrategy('unit')).toBeNull();
    expect(memory.retrieve(`phase2/learning/agent-1/abtests/${id}`, { partition: 'learning' })).toMatchObject({ winner: 'b' });
    expect(events('learning:abtest_completed').map((e) => (e.payload as { winner: string }).winner)).toEqual(['b']);
    expect(events('learning:strategy_changed').at(-1)!.payload).toMatchObject({ taskType: 'unit', strategy: 'b' });
    // Late results of a concluded test are ignored.
    expect(loop.recordTestResult(id, 'a', true, 1).results[0]!.trials).toBe(test.results[0]!.trials);
  });

  it('decides on the composite score with the tracker\'s weights: success and time equal, the more satisfying arm wins', () => {
    // The agent's weights (here satisfaction-heavy) reach the test through its tracker.
    tracker = new PerformanceTracker('agent-1', memory, { clock, windowSize: 4, rewardWeights: { satisfaction: 0.6 } });
    tracker.initialize();
    const loop = newLoop({ minSamplesPerArm: 20 });
    const id = loop.createABTest('a vs b', [{ name: 'a' }, { name: 'b' }], undefined, { taskType: 'unit' });
    const random = createRandom(5);
    let test = loop.getTest(id)!;
    for (let i = 0; i < 2000 && test.status === 'running'; i++) {
      const { strategy } = loop.assignStrategy('unit')!;
      const satisfaction = Math.min(1, Math.max(0, (strategy === 'a' ? 0.8 : 0.5) + 0.2 * (random() - 0.5)));
      test = loop.recordTestResult(id, strategy, true, 3000, { errors: [], satisfaction, resourceUsage: 0.9 });
    }
    expect(test).toMatchObject({ status: 'completed', winner: 'a' });
    expect(test.results.every((arm) => arm.successes === arm.trials && arm.scored === arm.trials)).toBe(true);
    expect(() => loop.recordTestResult(id, 'a', true, 10, { satisfaction: 2 })).toThrowError(expect.objectContaining({ code: 'INVALID_RESULT' }));
  });

  it('lets a much slower arm lose although it succeeds more often (the composite objective, not success first)', () => {
    // 200 results per arm before a look: by then a's higher success rate (19/20 vs 6/7) is itself
    // significant, so a success-first rule would pick a.
    const loop = newLoop({ minSamplesPerArm: 200 });
    const id = loop.createABTest('slow vs fast', [{ name: 'a' }, { name: 'b' }], undefined, { taskType: 'unit' });
    const runs = { a: 0, b: 0 };
    let test = loop.getTest(id)!;
    for (let i = 0; i < 4000 && test.status === 'running'; i++) {
      const { strategy } = loop.assignStrategy('unit')! as { strategy: 'a' | 'b' };
      const n = ++runs[strategy];
      const success = strategy === 'a' ? n % 20 !== 0 : n % 7 !== 0;
      test = loop.recordTestResult(id, strategy, success, strategy === 'a' ? 50_000 : 3000, { errors: success ? [] : ['failed'] });
    }
    const [a, b] = test.results;
    expect(a!.successes / a!.trials).toBeGreaterThan(b!.successes / b!.trials + 0.08);
    expect(test).toMatchObject({ status: 'completed', winner: 'b' });
  });

  it('continues a test stored by an older version (no score sums): scores count from the first new result', () => {
    const loop = newLoop({ minSamplesPerArm: 5 });
    const id = loop.createABTest('a vs b', [{ name: 'a' }, { name: 'b' }], undefined, { taskType: 'unit' });
    const key = `phase2/learning/agent-1/abtests/${id}`;
    const stored = memory.retrieve(key, { partition: 'learning' }) as { results: Array<Record<string, unknown>> };
    for (const arm of stored.results) {
      Object.assign(arm, { assigned: 10, trials: 10, successes: 5, sumLogTime: 80, sumSqLogTime: 640 });
      delete arm['scored'];
      delete arm['sumScore'];
      delete arm['sumSqScore'];
    }
    memory.store(key, stored, { partition: 'learning', ttl: 0 });
    const restarted = newLoop({ minSamplesPerArm: 5 });
    const test = restarted.recordTestResult(id, 'a', true, 3000);
    expect(test.status).toBe('running');
    expect(test.results[0]).toMatchObject({ trials: 11, scored: 1 });
    expect(test.results[1]!.scored ?? 0).toBe(0);
  });

  it('cancels a test with a sample-ratio mismatch and applies nothing', () => {
    const loop = newLoop({ minSamplesPerArm: 30 });
    const id = loop.createABTest('a vs b', [{ name: 'a', config: {} }, { name: 'b', config: {} }], undefined, { taskType: 'unit' });
    let test = loop.getTest(id)!;
    // Results recorded without assignment, two of three for arm a: the traffic is not randomised.
    let results = 0;
    for (let i = 0; test.status === 'running' && i < 1000; i++) {
      test = loop.recordTestResult(id, i % 3 === 2 ? 'b' : 'a', Math.floor(i / 3) % 2 === 0, 1000);
      results++;
    }
    // Chi-square of a 2:1 split of n results is about n / 9: above 10.83 (p < 0.001) near n = 100.
    expect(results).toBeGreaterThan(80);
    expect(results).toBeLessThanOrEqual(100);
    expect(test.status).toBe('cancelled');
    expect(test.winner).toBeNull();
    expect(test.conclusion).toMatch(/sample ratio mismatch/);
    expect(events('learning:strategy_changed')).toHaveLength(0);
  });

  it('ends with "no significant difference" at the maximum sample when the arms are equal', () => {
    const loop = newLoop({ minSamplesPerArm: 20, maxSamplesPerArm: 80 });
    const id = loop.createABTest('a vs b', [{ name: 'a', config: {} }, { name: 'b', config: {} }], undefined, { taskType: 'unit' });
    let test = loop.getTest(id)!;
    for (let i = 0; test.status === 'running'; i++) {
      const { strategy } = loop.assignStrategy('unit')!;
      test = loop.recordTestResult(id, strategy, Math.floor(i / 2) % 2 === 0, 1000 + (i % 7) * 10);
    }
    expect(test).toMatchObject({ status: 'completed', winner: null, conclusion: 'no significant difference' });
    expect(test.results.map((r) => r.trials)).toEqual([80, 80]);
  });

  it('keeps a running test across a restart', () => {
    const loop = newLoop();
    const id = loop.createABTest('a vs c', [{ name: 'a', config: {} }, { name: 'c', config: {} }], 40, { taskType: 'unit' });
    for (let i = 0; i < 10; i++) {
      const { strategy } = loop.assignStrategy('unit')!;
      loop.recordTestResult(id, strategy, i % 2 === 0, 2000);
    }
    const before = loop.getActiveTests();
    const restarted = newLoop();
    expect(restarted.getActiveTests()).toEqual(before);
    expect(restarted.assignStrategy('unit')!.testId).toBe(id);
    expect(restarted.recordTestResult(id, 'c', true, 100).results.reduce((s, r) => s + r.trials, 0)).toBe(11);
    // A test created after the restart in the same millisecond gets a new id.
    expect(restarted.createABTest('b vs c', [{ name: 'b' }, { name: 'c' }], 40)).not.toBe(id);
  });

  it('rejects bad tests and results with typed errors, storing nothing', () => {
    const loop = newLoop();
    expect(() => loop.createABTest('x', [{ name: 'a' }])).toThrowError(expect.objectContaining({ code: 'INVALID_ABTEST' }));
    expect(() => loop.createABTest('x', [{ name: 'a' }, { name: 'a' }])).toThrowError(expect.objectContaining({ code: 'INVALID_ABTEST' }));
    expect(() => loop.createABTest('x', [{ name: 'a' }, { name: 'zzz' }])).toThrowError(expect.objectContaining({ code: 'UNKNOWN_STRATEGY' }));
    expect(memory.query('phase2/learning/agent-1/abtests/%', { partition: 'learning' })).toHaveLength(0);
    const id = loop.createABTest('x', [{ name: 'a' }, { name: 'b' }]);
    expect(() => loop.recordTestResult('nope', 'a', true, 1)).toThrowError(expect.objectContaining({ code: 'TEST_NOT_FOUND' }));
    expect(() => loop.recordTestResult(id, 'c', true, 1)).toThrowError(expect.objectContaining({ code: 'UNKNOWN_STRATEGY' }));
    expect(() => loop.recordTestResult(id, 'a', true, -5)).toThrowError(expect.objectContaining({ code: 'INVALID_RESULT' }));
    expect(loop.getTest(id)!.results.every((r) => r.trials === 0)).toBe(true);
  });

  it('runs the six steps: failure report, A/B test for overlapping strategies, stored cycle', () => {
    teach('unit', 'a', 14, 20, ['TimeoutError: took too long']);
    teach('unit', 'b', 12, 20, ['TimeoutError: took too long']);
    teach('api', 'a', 19, 20);
    teach('api', 'b', 2, 20);
    const loop = newLoop();
    const cycle = loop.runImprovementCycle();
    expect(cycle.opportunities.map((o) => o.taskType)).toEqual(['unit']);
    expect(cycle.testsStarted).toHaveLength(1);
    expect(loop.getActiveTests()[0]).toMatchObject({ taskType: 'unit', status: 'running' });
    expect(cycle.failurePatterns.length).toBeGreaterThan(0);
    const escalated = events('learning:failure_detected').filter((e) => (e.payload as { reportedBy?: string }).reportedBy === 'improvement-cycle');
    expect(escalated).toHaveLength(cycle.failurePatterns.length);
    const stored = memory.query('phase2/learning/agent-1/cycles/%', { partition: 'learning' });
    expect(stored).toHaveLength(1);
    expect(stored[0]!.expiresAt).toBe(T0 + 30 * DAY);
    // The next cycle neither duplicates the test nor re-reports unchanged failures.
    now += 3_600_000;
    const next = loop.runImprovementCycle();
    expect(next.testsStarted).toHaveLength(0);
    expect(next.failurePatterns).toHaveLength(0);
    expect(loop.getStrategies().find((s) => s.name === 'failure-pattern-alert')!.successRate).toBe(1);
  });
});

describe('ManualScheduler', () => {
  it('fires timeouts once and intervals repeatedly, in time order, moving its clock with them', () => {
    const scheduler = new ManualScheduler(1000);
    const fired: string[] = [];
    scheduler.setInterval(() => fired.push(`interval@${scheduler.now()}`), 30);
    scheduler.setTimeout(() => fired.push(`timeout@${scheduler.now()}`), 45);
    const cancelled = scheduler.setTimeout(() => fired.push('cancelled'), 10);
    scheduler.clearTimeout(cancelled);
    scheduler.advance(100);
    expect(fired).toEqual(['interval@1030', 'timeout@1045', 'interval@1060', 'interval@1090']);
    expect(scheduler.now()).toBe(1100);
    expect(scheduler.pending).toBe(1);
  });
});
