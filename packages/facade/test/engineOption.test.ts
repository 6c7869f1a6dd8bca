import { describe, expect, it } from 'vitest';
import type { LearningEngineFactory } from '@qe-fleet/facade';
import { LearningEngine } from '@qe-fleet/learning-core';
import type { LearningEngineOptions, StrategyRecommendation, StrategySelection, TaskState } from '@qe-fleet/learning-core';
import type { SwarmMemoryManager } from '@qe-fleet/memory';
import { ManualTimers } from './support/ManualTimers.js';
import { tasks } from './support/SimulatedAgent.js';
import { caught, openMemory, simAgent } from './support/setup.js';

/**
 * Always picks one fixed strategy, the worst of THREE_ARMS: a default engine learns to avoid it
 * within these tasks, so an agent that ignored the option would run other strategies.
 */
class PinnedEngine extends LearningEngine {
  selections = 0;
  constructor(agentId: string, memory: SwarmMemoryManager, options: LearningEngineOptions, readonly pinned: string) {
    super(agentId, memory, options);
  }
  override selectStrategy(state: TaskState): StrategySelection {
    this.selections++;
    return { ...this.recommendStrategy(state), explored: false, stateKey: super.selectStrategy(state).stateKey };
  }
  override recommendStrategy(state: TaskState): StrategyRecommendation {
    return { ...super.recommendStrategy(state), strategy: this.pinned, reasoning: 'pinned by the test' };
  }
}

describe('BaseAgentOptions.engine', () => {
  it('runs every task through the engine the factory builds, given what the default engine would get', async () => {
    const timers = new ManualTimers();
    const memory = openMemory(timers);
    const seen: { id: string; memory: SwarmMemoryManager; options: LearningEngineOptions }[] = [];
    let built: PinnedEngine | undefined;
    const engine: LearningEngineFactory = (id, given, options) => {
      seen.push({ id, memory: given, options });
      built = new PinnedEngine(id, given, options, 'template-based');
      return built;
    };
    const agent = simAgent(timers, memory, { engine });
    await agent.initialize();
    expect(agent.learningEngine).toBe(built);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.id).toBe('sim-1');
    expect(seen[0]!.memory).toBe(memory);
    expect(seen[0]!.options.strategies!.map((s) => (typeof s === 'string' ? s : s.name)).sort()).toEqual(['boundary-value', 'property-based', 'template-based']);
    expect(seen[0]!.options.config).toEqual(agent.learningConfig);
    expect(seen[0]!.options.clock).toBe(timers.now);
    const ran: string[] = [];
    for (const task of tasks('pinned', 30)) ran.push((await agent.executeTask(task)).strategy);
    expect(new Set(ran)).toEqual(new Set(['template-based']));
    expect(built!.selections).toBe(30);
    // The engine still learns what the agent ran (the option replaces the engine, not the learning).
    expect(built!.getState().taskCount).toBe(30);
    await agent.shutdown();

    // The same tasks without the option: the default engine leaves the worst strategy.
    const control = simAgent(timers, openMemory(timers));
    await control.initialize();
    const controlRan: string[] = [];
    for (const task of tasks('default', 30)) controlRan.push((await control.executeTask(task)).strategy);
    expect(control.learningEngine).not.toBeInstanceOf(PinnedEngine);
    expect(controlRan.some((s) => s !== 'template-based')).toBe(true);
    await control.shutdown();
    memory.close();
  });

  it('refuses a factory that is not a function, throws, or builds an engine of another agent or other strategies', async () => {
    const timers = new ManualTimers();
    const memory = openMemory(timers);
    expect(() => simAgent(timers, memory, { engine: 'advanced' as never })).toThrow(/engine must be a function/);
    const cases: [LearningEngineFactory, RegExp][] = [
      [() => ({}) as never, /must return a LearningEngine, got an object/],
      [() => { throw new Error('no store'); }, /the factory threw: no store/],
      [(_id, given, options) => new LearningEngine('someone-else', given, options), /for agent "someone-else"/],
      [(id, given, options) => new LearningEngine(id, given, { ...options, strategies: ['template-based'] }), /are not the agent's/],
    ];
    for (const [engine, message] of cases) {
      const agent = simAgent(timers, memory, { engine });
      const error = await caught(agent.initialize());
      expect(error.code).toBe('INVALID_OPTIONS');
      expect(error.message).toMatch(message);
    }
    memory.close();
  });
});
