import { describe, expect, it } from 'vitest';
import { BaseAgent } from '@qe-fleet/facade';
import type { BaseAgentOptions, Task, TaskResult } from '@qe-fleet/facade';
import { ManualScheduler, createRandom, extractTaskState } from '@qe-fleet/learning-core';
import type { StrategyDefinition } from '@qe-fleet/learning-core';
import { SwarmMemoryManager } from '@qe-fleet/memory';
import { AdvancedLearningEngine, createAgentDBAdapter } from '@qe-fleet/agentdb-adapter';

/** Hidden success probability per strategy: property-based is the best, as the stored experiences say. */
const WORLD: Record<string, number> = { 'template-based': 0.4, 'boundary-value': 0.6, 'property-based': 0.9 };
const resources = () => 0.8;

/** A BaseAgent whose strategies succeed with WORLD's probabilities, drawn from a seeded source. */
class WorldAgent extends BaseAgent {
  readonly #world = createRandom(7);
  protected getStrategies(): StrategyDefinition[] {
    return Object.keys(WORLD).map((name) => ({ name }));
  }
  protected async executeWithStrategy(_task: Task, strategy: StrategyDefinition): Promise<TaskResult> {
    const success = this.#world() < WORLD[strategy.name]!;
    return { success, executionTime: 1000, coverage: success ? 0.9 : 0, satisfaction: success ? 0.9 : 0.1 };
  }
}

const task = (id: string): Task => ({ id, type: 'unit-test-generation', capabilities: ['typescript', 'vitest'], context: { complexity: 0.4 } });

function agentOptions(memory: SwarmMemoryManager, id: string): BaseAgentOptions {
  const clock = new ManualScheduler();
  return { id, type: 'test-generator', memory, clock: clock.now, scheduler: clock, random: createRandom(11), resources };
}

describe('AdvancedLearningEngine in BaseAgent (BaseAgentOptions.engine)', () => {
  it('decides an agent\'s tasks from similar stored experiences, stores every run, where a default engine explores', async () => {
    const db = createAgentDBAdapter({ dbPath: ':memory:' });
    // What another agent learned on tasks like these: enough support for the best and the runner-up.
    for (let i = 0; i < 12; i++) {
      db.insertExperience({ state: extractTaskState(task(`peer-${i}`), resources), strategy: 'property-based', reward: 0.85 + (i % 3) * 0.02, propensity: 0.5 });
      db.insertExperience({ state: extractTaskState(task(`peer-${i}`), resources), strategy: 'template-based', reward: 0.3 + (i % 3) * 0.02, propensity: 0.5 });
    }
    const memory = new SwarmMemoryManager(':memory:', { cleanupIntervalMs: 0 });
    memory.initialize();
    let built: AdvancedLearningEngine | undefined;
    const agent = new WorldAgent({
      ...agentOptions(memory, 'advanced-1'),
      engine: (id, given, options) => (built = new AdvancedLearningEngine(id, given, { ...options, agentDB: db })),
    });
    await agent.initialize();
    expect(agent.learningEngine).toBe(built);
    const ran: string[] = [];
    for (let i = 0; i < 20; i++) ran.push((await agent.executeTask(task(`t-${i}`))).strategy);
    // Every decision, from the first task on, is the neighbours' (which never explore).
    expect(ran).toEqual(Array(20).fill('property-based'));
    expect(built!.usage).toEqual({ byNeighbours: 20, byEngine: 0 });
    // Each learned run went into the AgentDB too, and into the engine's own learning.
    expect(db.stats().patterns).toBe(24 + 20);
    expect(built!.getState().taskCount).toBe(20);
    await agent.shutdown();

    // The same agent, world and seeds without the option: a plain LearningEngine, which explores.
    const control = new WorldAgent(agentOptions(memory, 'default-1'));
    await control.initialize();
    expect(control.learningEngine).not.toBeInstanceOf(AdvancedLearningEngine);
    const controlRan: string[] = [];
    for (let i = 0; i < 20; i++) controlRan.push((await control.executeTask(task(`c-${i}`))).strategy);
    expect(new Set(controlRan).size).toBeGreaterThan(1);
    expect(db.stats().patterns).toBe(44);
    await control.shutdown();
    memory.close();
    db.close();
  });

  it('falls back to the engine while the neighbours are too few', async () => {
    const db = createAgentDBAdapter({ dbPath: ':memory:' });
    const memory = new SwarmMemoryManager(':memory:', { cleanupIntervalMs: 0 });
    memory.initialize();
    let built: AdvancedLearningEngine | undefined;
    const agent = new WorldAgent({
      ...agentOptions(memory, 'advanced-2'),
      engine: (id, given, options) => (built = new AdvancedLearningEngine(id, given, { ...options, agentDB: db })),
    });
    await agent.initialize();
    for (let i = 0; i < 5; i++) await agent.executeTask(task(`t-${i}`));
    // 5 experiences cannot give two strategies 10 supporters each.
    expect(built!.usage).toEqual({ byNeighbours: 0, byEngine: 5 });
    expect(db.stats().patterns).toBe(5);
    await agent.shutdown();
    memory.close();
    db.close();
  });
});
