import { describe, expect, it } from 'vitest';
import { LearningError, createRandom, errorClass, wilsonLowerBound, type LearnedPattern } from '@qe-fleet/learning-core';
import { openEngine, openMemory, runTasks } from './engineHelpers.js';

const task = (i: number, type = 'unit-test') => ({ id: `t${i}`, type });

describe('learned patterns', () => {
  it('count successes per task type and strategy, with a Wilson confidence and interval from the first trial', () => {
    const memory = openMemory();
    const engine = openEngine(memory, { minPatternTrials: 5 });
    const outcomes = [true, true, false, true, true, true, false, true];
    outcomes.forEach((success, i) => engine.learnFromExecution(task(i), { strategy: 'best', success, executionTime: 100 }));
    const [pattern] = engine.getPatterns();
    expect(pattern).toMatchObject({ pattern: 'unit-test:best', taskType: 'unit-test', strategy: 'best', successes: 6, trials: 8, usageCount: 8, source: 'agent-1' });
    expect(pattern!.confidence).toBeCloseTo(wilsonLowerBound(6, 8), 12);
    expect(pattern!.confidence).toBeCloseTo(0.4093, 3);

    expect(pattern!.interval![0]).toBeCloseTo(wilsonLowerBound(6, 8), 12);
    expect(pattern!.interval![1]).toBeCloseTo(1 - wilsonLowerBound(2, 8), 12);

    // after a few runs: the Wilson bound of those few trials, with them and the interval, not 0
    const fresh = openEngine(openMemory(), { minPatternTrials: 5 });
    for (let i = 0; i < 2; i++) fresh.learnFromExecution(task(i), { strategy: 'best', success: true, executionTime: 100 });
    const early = fresh.getPatterns()[0]!;
    expect(early).toMatchObject({ trials: 2, successes: 2 });
    expect(early.confidence).toBeCloseTo(0.3424, 3);
    expect(early.interval![1]).toBe(1);

    // mirrored in the patterns table (scoped by agent) with the seed's 7-day TTL
    const record = memory.getPattern('agent-1/unit-test:best');
    expect(record).not.toBeNull();
    expect(record!.ttl).toBe(7 * 24 * 3600);
    expect(record!.agentId).toBe('agent-1');
    // discovered once, when the pattern reached minPatternTrials
    expect(memory.queryEvents('learning:pattern_discovered')).toHaveLength(1);
  });

  it('refreshes the patterns-table copy when confidence moved 0.05, or after an hour', () => {
    const memory = openMemory();
    let now = 1_700_000_000_000;
    const engine = openEngine(memory, { minPatternTrials: 5 }, { clock: () => now });
    const tableConfidence = () => memory.getPattern('agent-1/unit-test:best')!.confidence;
    for (let i = 0; i < 60; i++) engine.learnFromExecution(task(i), { strategy: 'best', success: true, executionTime: 100 });
    const own = () => engine.getPatterns()[0]!.confidence;
    expect(Math.abs(tableConfidence() - own())).toBeLessThan(0.05);
    expect(tableConfidence()).not.toBe(own()); // throttled: not rewritten on every use
    now += 3600_000;
    engine.learnFromExecution(task(60), { strategy: 'best', success: true, executionTime: 100 });
    expect(tableConfidence()).toBe(own());
  });

  it('sorts patterns by confidence', () => {
    const engine = openEngine(openMemory(), { minPatternTrials: 3 });
    runTasks(engine, 300, createRandom(4));
    const confidences = engine.getPatterns().map((p) => p.confidence);
    expect(confidences).toEqual([...confidences].sort((a, b) => b - a));
    expect(engine.getPatterns()[0]!.strategy).toBe('best');
  });
});

describe('failure patterns', () => {
  it('groups failures by task type and error class (code, name, normalised message)', () => {
    expect(errorClass(Object.assign(new Error('no such file'), { code: 'ENOENT' }))).toBe('ENOENT');
    expect(errorClass(new TypeError('x is undefined'))).toBe('TypeError');
    expect(errorClass(new Error('Timeout after 3012 ms in /tmp/a.ts'))).toBe(errorClass('timeout after 2998 ms in /home/b.ts'));
    expect(errorClass('')).toBe('unknown');

    const memory = openMemory();
    const engine = openEngine(memory);
    const fail = (i: number, strategy: string, errors: Array<string | Error>) =>
      engine.learnFromExecution(task(i), { strategy, success: false, executionTime: 100, errors });
    fail(1, 'slow', [new Error('Timeout after 3012 ms')]);
    fail(2, 'best', ['timeout after 40 ms']);
    fail(3, 'slow', [new TypeError('boom'), new TypeError('bang')]);
    fail(4, 'slow', ['timeout after 7 ms']);
    engine.learnFromExecution(task(5), { strategy: 'slow', success: true, executionTime: 100, errors: ['timeout after 1 ms'] });
    const failures = engine.getFailurePatterns();
    expect(failures.map((f) => [f.pattern, f.frequency])).toEqual([
      ['unit-test:timeout after # ms', 3],
      ['unit-test:TypeError', 1],
    ]);
    expect(failures[0]!.strategies).toEqual({ slow: 2, best: 1 });
    // announced once, when it recurred for the third time
    expect(memory.queryEvents('learning:failure_detected')).toHaveLength(1);
  });
});

describe('importPattern', () => {
  const shared = (overrides: Partial<LearnedPattern> = {}): LearnedPattern => ({
    id: 'unit-test:medium',
    pattern: 'unit-test:medium',
    taskType: 'unit-test',
    strategy: 'medium',
    successes: 190,
    trials: 200,
    averageReward: 0.9,
    confidence: 0.9,
    usageCount: 200,
    source: 'agent-2',
    createdAt: 1,
    lastUsedAt: 2,
    ...overrides,
  });

  it('steers the recommendation before the agent has data of its own, and emits pattern_discovered', () => {
    const memory = openMemory();
    const engine = openEngine(memory);
    const state = engine.extractTaskState(task(0));
    expect(engine.recommendStrategy(state).strategy).toBe('slow'); // no data: the first strategy
    expect(engine.importPattern(shared())).toBe(true);
    expect(engine.recommendStrategy(state).strategy).toBe('medium');
    expect(memory.queryEvents('learning:pattern_discovered')).toHaveLength(1);
    expect(engine.getPatterns().find((p) => p.source === 'agent-2')).toMatchObject({ strategy: 'medium', trials: 200 });
  });

  it('takes evidence that a strategy is poor, too', () => {
    const engine = openEngine(openMemory());
    const state = engine.extractTaskState(task(0));
    expect(engine.recommendStrategy(state).strategy).toBe('slow');
    expect(engine.importPattern(shared({ strategy: 'slow', successes: 5, trials: 60, averageReward: 0.15 }))).toBe(true);
    expect(engine.recommendStrategy(state).strategy).not.toBe('slow');
  });

  it('counts a pattern imported twice once, and its weight is bounded so own data win', () => {
    const memory = openMemory();
    const engine = openEngine(memory);
    const state = engine.extractTaskState(task(0));
    engine.importPattern(shared());
    const once = engine.recommendStrategy(state);
    expect(engine.importPattern(shared())).toBe(false);
    expect(engine.importPattern({ ...shared(), lastUsedAt: 99 })).toBe(false);
    expect(engine.recommendStrategy(state)).toEqual(once);
    expect(engine.getPatterns()).toHaveLength(1);
    expect(memory.queryEvents('learning:pattern_discovered')).toHaveLength(1);

    // an updated pattern from the same source replaces (does not add to) the earlier one
    expect(engine.importPattern(shared({ successes: 380, trials: 400 }))).toBe(true);
    expect(engine.getPatterns()).toHaveLength(1);

    // the agent's own evidence that medium is poor overrides 400 imported trials
    for (let i = 0; i < 40; i++) engine.learnFromExecution(task(i), { strategy: 'medium', success: false, executionTime: 20_000 });
    for (let i = 40; i < 80; i++) engine.learnFromExecution(task(i), { strategy: 'best', success: true, executionTime: 100 });
    expect(engine.recommendStrategy(state).strategy).toBe('best');
  });

  it('refuses own, unknown-strategy and too-small patterns, and rejects malformed ones', () => {
    const engine = openEngine(openMemory());
    expect(engine.importPattern(shared({ source: 'agent-1' }))).toBe(false);
    expect(engine.importPattern(shared({ strategy: 'warp-drive' }))).toBe(false);
    expect(engine.importPattern(shared({ successes: 6, trials: 9 }))).toBe(false);
    expect(engine.getPatterns()).toHaveLength(0);
    expect(() => engine.importPattern(shared({ successes: 300, trials: 200 }))).toThrow(LearningError);
    expect(() => engine.importPattern(shared({ averageReward: Number.NaN }))).toThrow(/bad pattern/);
  });
});

describe('setPreferredStrategy', () => {
  it('changes what recommendStrategy returns for that task type only, until data beat it with confidence', () => {
    const memory = openMemory();
    const engine = openEngine(memory);
    const unit = engine.extractTaskState(task(0));
    const api = engine.extractTaskState(task(0, 'api-test'));
    for (let i = 0; i < 6; i++) engine.learnFromExecution(task(i), { strategy: 'best', success: true, executionTime: 100 });
    for (let i = 6; i < 12; i++) engine.learnFromExecution(task(i), { strategy: 'medium', success: i % 2 === 0, executionTime: 100 });
    expect(engine.recommendStrategy(unit).strategy).toBe('best');

    engine.setPreferredStrategy('unit-test', 'medium');
    const rec = engine.recommendStrategy(unit);
    expect(rec.strategy).toBe('medium');
    expect(rec.reasoning).toMatch(/preferred/);
    expect(engine.recommendStrategy(api).strategy).toBe('slow');
    expect(memory.queryEvents('learning:strategy_changed')).toHaveLength(1);

    // exploitation in selectStrategy follows it too
    const disabledSelections = new Set<string>();
    engine.setEnabled(false);
    for (let i = 0; i < 20; i++) disabledSelections.add(engine.selectStrategy(unit).strategy);
    expect([...disabledSelections]).toEqual(['medium']);
    engine.setEnabled(true);

    // a lot of evidence that best is better overrides the preference
    for (let i = 12; i < 200; i++) engine.learnFromExecution(task(i), { strategy: i % 2 ? 'best' : 'medium', success: i % 2 === 1 || i % 4 === 0, executionTime: 100 });
    expect(engine.recommendStrategy(unit).strategy).toBe('best');

    engine.setPreferredStrategy('unit-test', null);
    expect(() => engine.setPreferredStrategy('unit-test', 'nope')).toThrow(LearningError);
  });

  it('does not stand in for a strategy on top with less evidence: selectStrategy runs it when drawn', () => {
    const engine = openEngine(openMemory());
    const unit = engine.extractTaskState(task(0));
    for (let i = 0; i < 100; i++) engine.learnFromExecution(task(i), { strategy: 'medium', success: i % 5 < 3, executionTime: 100 });
    for (let i = 100; i < 103; i++) engine.learnFromExecution(task(i), { strategy: 'best', success: true, executionTime: 100 });
    for (let i = 103; i < 106; i++) engine.learnFromExecution(task(i), { strategy: 'slow', success: false, executionTime: 100 });
    engine.setPreferredStrategy('unit-test', 'medium');
    // 3 successes put best on top, too few to beat the preference with confidence...
    expect(engine.recommendStrategy(unit).strategy).toBe('medium');
    // ...so only running it can settle it. Standing in for every draw of the greedy strategy, the
    // preference kept it from ever running (a simulated agent kept a 0.7 A/B winner for 29 days
    // over a 0.9 strategy it had tried 5 times).
    const runs = new Map<string, number>();
    for (let i = 0; i < 200; i++) {
      const { strategy } = engine.selectStrategy(unit);
      runs.set(strategy, (runs.get(strategy) ?? 0) + 1);
    }
    expect(runs.get('best') ?? 0).toBeGreaterThan(50);
  });
});

describe('setEnabled', () => {
  it('when disabled, learnFromExecution records nothing and returns learned: false', () => {
    const memory = openMemory();
    const engine = openEngine(memory);
    engine.learnFromExecution(task(1), { strategy: 'best', success: true, executionTime: 100 });
    engine.setEnabled(false);
    const before = engine.getState();
    const events = memory.queryEvents('learning:training').length;
    const outcome = engine.learnFromExecution(task(2), { strategy: 'best', success: true, executionTime: 100 });
    expect(outcome.learned).toBe(false);
    expect(outcome.experience).toBeNull();
    expect(outcome.reward).toBeGreaterThan(0.9);
    expect(engine.getState()).toEqual(before);
    expect(memory.queryEvents('learning:training').length).toBe(events);
    expect(engine.isEnabled()).toBe(false);
  });
});

describe('events', () => {
  it('emits learning:training with the experience, stored for 30 days', () => {
    const memory = openMemory();
    const engine = openEngine(memory);
    const outcome = engine.learnFromExecution(task(1), { strategy: 'best', success: true, executionTime: 100 });
    const [event] = memory.queryEvents<{ experience: unknown; reward: number }>('learning:training');
    expect(event!.source).toBe('agent-1');
    expect(event!.ttl).toBe(30 * 24 * 3600);
    expect(event!.payload.experience).toEqual(outcome.experience);
    expect(event!.payload.reward).toBe(outcome.reward);
  });
});
