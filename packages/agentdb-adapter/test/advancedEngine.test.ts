import { describe, expect, it } from 'vitest';
import { LearningEngine, Simulator, getScenario } from '@qe-fleet/learning-core';
import { SwarmMemoryManager } from '@qe-fleet/memory';
import { AdvancedLearningEngine, AgentDBError, createAgentDBAdapter } from '@qe-fleet/agentdb-adapter';
import { runHarness, type TaskLearner } from '../bench/harness.js';

const strategies = getScenario('stationary').strategies;

function engineLearner(engine: LearningEngine): TaskLearner {
  engine.initialize();
  return {
    choose: (task) => engine.selectStrategy(engine.extractTaskState(task)).strategy,
    learn: (task, result) => void engine.learnFromExecution(task, result),
  };
}

describe('AdvancedLearningEngine', () => {
  it('the harness drives a real LearningEngine exactly as the Simulator does', async () => {
    const simulated = await new Simulator({ scenario: 'drift', days: 2, seed: 3, agentsPerType: 1, pooled: false, trackPerformance: false }).run();
    const memories: SwarmMemoryManager[] = [];
    const harness = await runHarness({
      scenario: 'drift',
      days: 2,
      seed: 3,
      learner: (id, random, clock, resources) => {
        const memory = new SwarmMemoryManager(':memory:', { clock, cleanupIntervalMs: 0 });
        memory.initialize();
        memories.push(memory);
        return engineLearner(new LearningEngine(id, memory, { strategies, clock, random, resources }));
      },
    });
    for (const m of memories) m.close();
    expect(harness.normalizedScore).toBeCloseTo(simulated.normalizedScore, 12);
  });

  it('decides from similar experiences once they are numerous and clear enough, stores every execution, and falls back to the engine before', async () => {
    const db = createAgentDBAdapter({ dbPath: ':memory:' });
    const memories: SwarmMemoryManager[] = [];
    let engine: AdvancedLearningEngine | undefined;
    const result = await runHarness({
      scenario: 'stationary',
      days: 2,
      seed: 3,
      learner: (id, random, clock, resources) => {
        const memory = new SwarmMemoryManager(':memory:', { clock, cleanupIntervalMs: 0 });
        memory.initialize();
        memories.push(memory);
        engine = new AdvancedLearningEngine(id, memory, { agentDB: db, strategies, clock, random, resources });
        return engineLearner(engine);
      },
    });
    expect(db.stats().patterns).toBe(480);
    const usage = engine!.usage;
    expect(usage.byEngine + usage.byNeighbours).toBe(480);
    expect(usage.byEngine).toBeGreaterThan(20);
    // The neighbours decide only where their evidence on the runner-up is clear too; the engine
    // narrows its draws after 10 own trials of an arm, so in two days it leaves less of that
    // evidence: 11 of the 480 decisions (145 with full-width draws).
    expect(usage.byNeighbours).toBeGreaterThan(5);
    expect(result.normalizedScore).toBeGreaterThan(0.3);
    expect(() => new AdvancedLearningEngine('x', memories[0]!, {} as never)).toThrow(AgentDBError);
    for (const m of memories) m.close();
    db.close();
  });
});
