import { SwarmMemoryManager } from '@qe-fleet/memory';
import {
  LearningEngine,
  createRandom,
  type LearningConfig,
  type LearningEngineOptions,
  type RandomSource,
} from '@qe-fleet/learning-core';

/** A fixed clock that tests move by hand. */
export function fakeClock(start = 1_700_000_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

/** An initialised store on `path` (default in memory) with the expiry timer off. */
export function openMemory(path = ':memory:', clock: () => number = () => 1_700_000_000_000): SwarmMemoryManager {
  const memory = new SwarmMemoryManager(path, { clock, cleanupIntervalMs: 0 });
  memory.initialize();
  return memory;
}

/** An initialised engine with a fixed resource probe, a seeded random source and the given config. */
export function openEngine(
  memory: SwarmMemoryManager,
  config: Partial<LearningConfig> = {},
  options: LearningEngineOptions & { agentId?: string; seed?: number } = {},
): LearningEngine {
  const { agentId = 'agent-1', seed = 1, ...rest } = options;
  const engine = new LearningEngine(agentId, memory, {
    strategies: ['slow', 'medium', 'best'],
    clock: () => 1_700_000_000_000,
    random: createRandom(seed),
    resources: () => 0.5,
    ...rest,
    config,
  });
  engine.initialize();
  return engine;
}

/**
 * Runs `tasks` tasks of the given types through select → execute → learn. A strategy succeeds
 * with `successRate[type][strategy]` (default: slow 0.3, medium 0.5, best 0.8), drawn from `outcomes`.
 */
export function runTasks(
  engine: LearningEngine,
  tasks: number,
  outcomes: RandomSource,
  options: { types?: string[]; successRate?: Record<string, Record<string, number>>; start?: number } = {},
): Array<{ strategy: string; explored: boolean; type: string }> {
  const { types = ['unit-test'], successRate = {}, start = 0 } = options;
  const chosen: Array<{ strategy: string; explored: boolean; type: string }> = [];
  for (let i = start; i < start + tasks; i++) {
    const type = types[i % types.length]!;
    const task = { id: `task-${i}`, type };
    const selection = engine.selectStrategy(engine.extractTaskState(task));
    const rates = successRate[type] ?? { slow: 0.3, medium: 0.5, best: 0.8 };
    const success = outcomes() < (rates[selection.strategy] ?? 0);
    engine.learnFromExecution(task, {
      strategy: selection.strategy,
      success,
      executionTime: 1000,
      errors: success ? [] : [new Error(`assertion failed at line ${i}`)],
    });
    chosen.push({ strategy: selection.strategy, explored: selection.explored, type });
  }
  return chosen;
}
