import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ALGORITHMS, LearningEngine, LearningError, createRandom, type LearnedPattern } from '@qe-fleet/learning-core';
import { openEngine, openMemory, runTasks } from './engineHelpers.js';

const dir = mkdtempSync(join(tmpdir(), 'qe-learning-persist-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const imported: LearnedPattern = {
  id: 'x',
  pattern: 'api-test:medium',
  taskType: 'api-test',
  strategy: 'medium',
  successes: 95,
  trials: 100,
  averageReward: 0.85,
  confidence: 0.88,
  usageCount: 100,
  source: 'agent-9',
  createdAt: 1,
  lastUsedAt: 1,
};

describe('restart', () => {
  for (const algorithm of ALGORITHMS) {
    it(`${algorithm}: getState() is deep-equal after closing and reopening the file database`, () => {
      const path = join(dir, `${algorithm}.db`);
      const config = { algorithm, replayBufferSize: 120, updateFrequency: 7, batchSize: 5, minPatternTrials: 5, slidingWindowSize: 30 };
      const memory = openMemory(path);
      const engine = openEngine(memory, config);
      engine.importPattern(imported);
      engine.setPreferredStrategy('e2e', 'medium');
      runTasks(engine, 250, createRandom(3), { types: ['unit-test', 'api-test', 'e2e'] });
      // Model rows are checkpointed at least every `replayBufferSize` (120) experiences
      // (q-learning: at every replay); the restart below has to re-apply the experiences stored since.
      const checkpointed = (memory.retrieve('phase2/learning/agent-1/meta', { partition: 'learning' }) as { taskCount: number }).taskCount;
      expect(checkpointed).toBeLessThan(250);
      expect(checkpointed).toBeGreaterThanOrEqual(250 - 120);
      const before = engine.getState();
      expect(before.experiences).toHaveLength(120);
      expect(before.experiences.filter((e) => e.nextStateKey !== null).length).toBeGreaterThan(100);
      memory.close();

      const reopened = openMemory(path);
      const again = openEngine(reopened, config, { seed: 77 });
      expect(again.getState()).toEqual(before);
      expect(again.getExplorationRate()).toBe(engine.getExplorationRate());
      expect(again.getTotalExperiences()).toBe(250);
      const e2e = again.extractTaskState({ id: 'p', type: 'e2e' });
      expect(again.recommendStrategy(e2e)).toEqual(engine.recommendStrategy(e2e));
      // and it keeps learning from where it was
      runTasks(again, 10, createRandom(4), { start: 250 });
      expect(again.getTotalExperiences()).toBe(260);
      reopened.close();
    });
  }

  it('saveState stores a full snapshot; loadState replaces everything, persisted', () => {
    const path = join(dir, 'snapshot.db');
    const memory = openMemory(path);
    const engine = openEngine(memory, { algorithm: 'q-learning', discountFactor: 0.3 });
    runTasks(engine, 150, createRandom(8));
    engine.saveState();
    const saved = memory.retrieve('phase2/learning/agent-1/state', { partition: 'learning' });
    expect(saved).toEqual(engine.getState());
    const snapshot = engine.getState();

    runTasks(engine, 150, createRandom(9), { start: 150, types: ['other'] });
    expect(engine.getState()).not.toEqual(snapshot);
    engine.loadState(snapshot);
    expect(engine.getState()).toEqual(snapshot);
    memory.close();

    const reopened = openMemory(path);
    expect(openEngine(reopened, { algorithm: 'q-learning', discountFactor: 0.3 }).getState()).toEqual(snapshot);
    reopened.close();
  });

  it('loadState refuses a malformed state or another algorithm and writes nothing', () => {
    const memory = openMemory();
    const engine = openEngine(memory, { algorithm: 'ucb1' });
    runTasks(engine, 30, createRandom(1));
    const state = engine.getState();
    const bad = [
      { ...state, algorithm: 'q-learning' as const },
      { ...state, version: 2 as 1 },
      { ...state, taskCount: -1 },
      { ...state, model: { 'no-key': {} } },
      { ...state, model: { 'unit-test|*': { arms: { slow: [1, Number.NaN] } } } },
      { ...state, experiences: [{ ...state.experiences[0]!, reward: 7 }] },
    ];
    for (const candidate of bad) {
      expect(() => engine.loadState(candidate)).toThrow(LearningError);
      expect(engine.getState()).toEqual(state);
    }
  });

  it('loadState refuses malformed change-test sums and squares (discounted-thompson) and writes nothing', () => {
    const memory = openMemory();
    const engine = openEngine(memory, { algorithm: 'discounted-thompson' });
    // past the first checkpoint (256 experiences), so the type's row is in the store too
    runTasks(engine, 300, createRandom(1));
    const state = engine.getState();
    const model = state.model as Record<string, { misses?: Record<string, unknown> }>;
    const typeRow = model['unit-test|*']!;
    expect(Object.keys(typeRow.misses ?? {})).toEqual(['slow', 'medium', 'best']);
    const withMisses = (misses: unknown) => ({ ...state, model: { ...model, 'unit-test|*': { ...typeRow, misses } } });
    const withSquares = (squares: unknown) => ({ ...state, model: { ...model, 'unit-test|*': { ...typeRow, squares } } });
    const stored = memory.retrieve('phase2/learning/agent-1/q/unit-test|*', { partition: 'learning' });
    expect(stored).toMatchObject({ misses: { best: expect.any(Array) } });
    for (const misses of [null, 'x', { slow: [1, 2] }, { slow: [0, Number.NaN, 1] }, { slow: [0.1, -1, 1] }, { slow: [0.1, 1, -1] }]) {
      expect(() => engine.loadState(withMisses(misses))).toThrow(expect.objectContaining({ code: 'INVALID_STATE' }));
      expect(engine.getState()).toEqual(state);
      expect(memory.retrieve('phase2/learning/agent-1/q/unit-test|*', { partition: 'learning' })).toEqual(stored);
    }
    for (const squares of [null, 'x', { slow: -1 }, { slow: Number.NaN }, { slow: '1' }]) {
      expect(() => engine.loadState(withSquares(squares))).toThrow(expect.objectContaining({ code: 'INVALID_STATE' }));
      expect(engine.getState()).toEqual(state);
      expect(memory.retrieve('phase2/learning/agent-1/q/unit-test|*', { partition: 'learning' })).toEqual(stored);
    }
    // sums are a discounted-thompson thing: another bandit refuses them
    const ucb = openEngine(openMemory(), { algorithm: 'ucb1' });
    const ucbState = ucb.getState();
    expect(() => ucb.loadState({ ...state, algorithm: 'ucb1' })).toThrow(expect.objectContaining({ code: 'INVALID_STATE' }));
    expect(ucb.getState()).toEqual(ucbState);
  });

  it('a write that fails inside the transaction leaves memory and store as they were', () => {
    const memory = openMemory();
    const engine = openEngine(memory, { algorithm: 'discounted-thompson' });
    runTasks(engine, 20, createRandom(2));
    const before = engine.getState();
    const storeEvent = memory.storeEvent.bind(memory);
    memory.storeEvent = () => {
      throw new Error('disk full');
    };
    expect(() => engine.learnFromExecution({ id: 'x', type: 'unit-test' }, { strategy: 'best', success: true, executionTime: 5 })).toThrow('disk full');
    memory.storeEvent = storeEvent;
    expect(engine.getState()).toEqual(before);
    expect(engine.getTotalExperiences()).toBe(20);
    runTasks(engine, 5, createRandom(3), { start: 20 });
    expect(engine.getTotalExperiences()).toBe(25);
  });

  it('reload() drops learning whose enclosing transaction rolled back', () => {
    const memory = openMemory();
    const engine = openEngine(memory);
    runTasks(engine, 10, createRandom(2));
    const before = engine.getState();
    expect(() =>
      memory.transaction(() => {
        runTasks(engine, 5, createRandom(3), { start: 10 });
        throw new Error('another item of the batch failed');
      }),
    ).toThrow('batch failed');
    expect(engine.getTotalExperiences()).toBe(15); // memory is ahead of the store...
    engine.reload();
    expect(engine.getState()).toEqual(before); // ...until reloaded
  });

  it('an agent with only a saved snapshot (seed layout) starts from it', () => {
    const memory = openMemory();
    const engine = openEngine(memory, { algorithm: 'ucb1' });
    runTasks(engine, 40, createRandom(5));
    engine.saveState();
    const saved = engine.getState();
    for (const entry of memory.query('phase2/learning/agent-1/%', { partition: 'learning' })) {
      if (!entry.key.endsWith('/state')) memory.delete(entry.key, { partition: 'learning' });
    }
    expect(openEngine(memory, { algorithm: 'ucb1' }).getState()).toEqual(saved);
  });

  it('a new algorithm starts its statistics afresh but keeps patterns and experiences', () => {
    const path = join(dir, 'switch.db');
    const memory = openMemory(path);
    runTasks(openEngine(memory, { algorithm: 'ucb1' }), 50, createRandom(1));
    memory.close();
    const reopened = openMemory(path);
    const engine = openEngine(reopened, { algorithm: 'q-learning' });
    const state = engine.getState();
    expect(state.model).toEqual({});
    expect(state.experiences).toHaveLength(50);
    expect(state.patterns.reduce((n, p) => n + p.trials, 0)).toBe(50);
    expect(engine.getExplorationRate()).toBe(0.3);
    reopened.close();
  });
});

describe('SIGKILL mid-loop', () => {
  const child = fileURLToPath(new URL('./fixtures/learnUntilKilled.ts', import.meta.url));
  /** Children still running; killed after each test whatever happened, so none outlives a failure or timeout. */
  const running = new Set<ChildProcess>();
  afterEach(async () => {
    const left = [...running];
    for (const proc of left) proc.kill('SIGKILL');
    await Promise.all(left.map((proc) => (proc.exitCode !== null || proc.signalCode !== null ? undefined : new Promise((r) => proc.once('exit', r)))));
  });

  function runUntilKilled(path: string, algorithm: string, acks: number): Promise<string[]> {
    return new Promise((resolve, reject) => {
      const proc = spawn(process.execPath, ['--conditions=@qe-fleet/source', '--import', 'tsx', child, path, algorithm], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      running.add(proc);
      proc.once('exit', () => running.delete(proc));
      const acked: string[] = [];
      let buffered = '';
      let stderr = '';
      proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      proc.stdout.on('data', (d: Buffer) => {
        buffered += d.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        for (const line of lines) if (line.startsWith('ack ')) acked.push(line.slice(4));
        if (acked.length >= acks && !proc.killed) proc.kill('SIGKILL');
      });
      proc.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve(acked) : reject(new Error(`child exited: ${stderr}`))));
    });
  }

  it('keeps every acknowledged experience, and the statistics agree with them, across two kills', async () => {
    for (const algorithm of ['q-learning', 'discounted-thompson']) {
      const path = join(dir, `killed-${algorithm}.db`);
      const first = await runUntilKilled(path, algorithm, 200);
      const second = await runUntilKilled(path, algorithm, 100);
      const memory = openMemory(path);
      const engine = new LearningEngine('killed-agent', memory, {
        config: { replayBufferSize: 100_000, algorithm: algorithm as 'q-learning' },
        strategies: ['a', 'b', 'c'],
      });
      engine.initialize();
      const state = engine.getState();
      const stored = new Set(state.experiences.map((e) => e.taskId));
      for (const id of [...first, ...second]) expect(stored.has(id), id).toBe(true);
      expect(state.taskCount).toBe(state.experiences.length);
      expect(state.taskCount).toBeGreaterThanOrEqual(first.length + second.length);
      // each experience is in the pattern counts exactly once: nothing half-written
      expect(state.patterns.reduce((n, p) => n + p.trials, 0)).toBe(state.taskCount);
      expect(state.experiences.map((e) => e.taskId)).toEqual(state.experiences.map((_, i) => `task-${i}`));
      memory.close();
    }
    // Four children started from TypeScript sources: seconds each on a loaded 2-core machine.
  }, 300_000);
});
