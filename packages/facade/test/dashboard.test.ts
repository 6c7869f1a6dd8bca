import { describe, expect, it } from 'vitest';
import { FacadeError, OverheadHistogram, generateLearningDashboard, initializeLearningFleet } from '@qe-fleet/facade';
import { ManualTimers } from './support/ManualTimers.js';
import { tasks } from './support/SimulatedAgent.js';
import { openMemory, simAgent } from './support/setup.js';

describe('fleet and dashboard', () => {
  it('computes every dashboard figure from the agents\' measurements and the store', async () => {
    const timers = new ManualTimers();
    const memory = openMemory(timers);
    const agents = ['a', 'b', 'c'].map((id, i) => simAgent(timers, memory, { id, seed: i + 1, learningEnabled: id !== 'c' }));
    const fleet = await initializeLearningFleet(agents, memory);
    expect(fleet.get('b')).toBe(agents[1]);
    for (const [i, agent] of agents.entries()) for (const task of tasks(agent.id, 20 * (i + 1))) await agent.executeTask(task);

    const dashboard = generateLearningDashboard(fleet, memory);
    const merged = new OverheadHistogram();
    for (const agent of agents) merged.merge(agent.overheadHistogram);
    const overhead = merged.summary();
    expect(dashboard.performance).toEqual({
      avgOverhead: overhead.avg,
      peakOverhead: overhead.peak,
      p50Overhead: overhead.p50,
      p95Overhead: overhead.p95,
      p99Overhead: overhead.p99,
      tasksMeasured: 20 + 40 + 60,
    });
    const states = agents.map((a) => a.getMetrics().stateBytes);
    expect(dashboard.memory.totalSize).toBe(states.reduce((x, y) => x + y, 0));
    expect(dashboard.memory.avgPerAgent).toBeCloseTo(dashboard.memory.totalSize / 3, 6);
    expect(dashboard.memory.largestAgent).toBe(agents[states.indexOf(Math.max(...states))]!.id);
    expect(dashboard.memory.databaseBytes).toBe(memory.stats().databaseBytes);
    expect(dashboard.fleet).toMatchObject({ totalAgents: 3, learningEnabled: 2 });
    const improvements = agents.map((a) => a.performanceTracker.calculateImprovement().improvementRate);
    expect(dashboard.fleet.averageImprovement).toBeCloseTo(improvements.reduce((x, y) => x + y, 0) / 3, 9);
    expect(dashboard.learning.totalExperiences).toBe(20 + 40);
    expect(dashboard.learning.patternsDiscovered).toBe(memory.stats().totalPatterns);
    // The same call on a plain list of agents gives the same figures.
    expect(generateLearningDashboard(agents, memory).performance).toEqual(dashboard.performance);
    await fleet.shutdown();
    memory.close();
  });

  it('refuses duplicate ids and an agent on another store, shutting down what it started', async () => {
    const timers = new ManualTimers();
    const memory = openMemory(timers);
    const other = openMemory(timers);
    await expect(initializeLearningFleet([simAgent(timers, memory), simAgent(timers, memory)], memory)).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
    const first = simAgent(timers, memory, { id: 'first' });
    const stranger = simAgent(timers, other, { id: 'stranger' });
    const error = await initializeLearningFleet([first, stranger], memory).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FacadeError);
    expect(error).toMatchObject({ code: 'FLEET_INIT_FAILED' });
    expect(first.isReady).toBe(false);
    expect(memory.getAgent('first')).toMatchObject({ status: 'stopped' });
    memory.close();
    other.close();
  });
});
