/**
 * Seed 12.2, made real with simulated agents on a virtual clock: every figure asserted here is
 * measured on the run it checks.
 */
import { describe, expect, it } from 'vitest';
import { generateLearningDashboard, initializeLearningFleet } from '@qe-fleet/facade';
import type { LearningModelState } from '@qe-fleet/learning-core';
import { ManualTimers } from './support/ManualTimers.js';
import { SimulatedAgent, tasks } from './support/SimulatedAgent.js';
import type { SimArm } from './support/SimulatedAgent.js';
import { openMemory, simAgent, simOptions } from './support/setup.js';

/** Seed 11.1. */
const FLEET_IDS = [
  'test-generator',
  'code-reviewer',
  'api-tester',
  'performance-tester',
  'security-scanner',
  'accessibility-checker',
  'visual-regression',
  'load-tester',
  'integration-tester',
  'e2e-tester',
  'unit-test-generator',
  'mutation-tester',
  'coverage-analyzer',
  'test-data-generator',
  'mock-generator',
  'test-optimizer',
  'flaky-test-detector',
];

const HOUR_MS = 3_600_000;

describe('Learning System Integration (seed 12.2)', () => {
  it('initialises learning for all 17 agents on one store', async () => {
    const timers = new ManualTimers();
    const memory = openMemory(timers);
    const agents = FLEET_IDS.map((id, i) => simAgent(timers, memory, { id, type: id, seed: i + 1 }));
    const fleet = await initializeLearningFleet(agents, memory);
    expect(fleet.agents.length).toBe(17);
    for (const agent of fleet.agents) {
      expect(agent.learningEngine.isEnabled()).toBe(true);
      expect(memory.getAgent(agent.id)).toMatchObject({ status: 'active', type: agent.id });
    }
    expect(generateLearningDashboard(fleet, memory).fleet).toMatchObject({ totalAgents: 17, learningEnabled: 17 });
    await fleet.shutdown();
    expect(memory.queryAgentsByStatus('stopped').length).toBe(17);
    memory.close();
  });

  it('keeps the learning overhead far under 100 ms per task', async () => {
    const timers = new ManualTimers();
    const memory = openMemory(timers);
    const agent = simAgent(timers, memory);
    await agent.initialize();
    for (const task of tasks('o', 100)) await agent.executeTask(task);
    const { overhead } = agent.getMetrics();
    expect(overhead.count).toBe(100);
    // A generous bound for a shared CI machine; the real target (p99 <= 1 ms) is in the benchmark.
    expect(overhead.avg).toBeLessThan(20);
    await agent.shutdown();
    memory.close();
  });

  /**
   * Scenario: a test generator ships with its template strategy and runs a day with learning off
   * (the seed's "before learning" baseline, 240 tasks at 10 tasks/hour); then it restarts with
   * learning on and runs 29 more days. Its strategies' hidden behaviour (below) makes the
   * shipped default the weakest; learning has to find that out from outcomes alone.
   */
  it('achieves 20 % improvement over 30 simulated days (7,200 tasks)', async () => {
    const timers = new ManualTimers();
    const memory = openMemory(timers);
    const arms: Record<string, SimArm> = {
      'template-based': { successProbability: 0.55, timeMs: 4000, satisfaction: 0.6 },
      'boundary-value': { successProbability: 0.7, timeMs: 6000, satisfaction: 0.7 },
      'property-based': { successProbability: 0.9, timeMs: 3000, satisfaction: 0.85 },
    };
    // 10 tasks an hour (seed 12.2): 240 a day.
    const runDay = async (agent: SimulatedAgent, day: number) => {
      for (const task of tasks(`d${day}`, 240)) {
        await agent.executeTask(task);
        timers.advance(HOUR_MS / 10);
      }
    };
    const before = new SimulatedAgent(simOptions(timers, memory, { arms, learningEnabled: false, timers: undefined }));
    await before.initialize();
    await runDay(before, 0);
    // No learning, no improvement: the tracker compares the first 120 tasks with the last 120 (it
    // adapts to fewer than two windows), and the difference is sampling noise, inside its interval.
    const flat = before.performanceTracker.calculateImprovement();
    expect(flat.compared).toBe(120);
    expect(flat.interval![0]).toBeLessThan(0);
    expect(flat.interval![1]).toBeGreaterThan(0);
    await before.shutdown();

    const agent = new SimulatedAgent(simOptions(timers, memory, { arms, timers: undefined }));
    await agent.initialize();
    for (let day = 1; day < 30; day++) await runDay(agent, day);
    const improvement = agent.performanceTracker.calculateImprovement();
    expect(agent.getMetrics().tasksExecuted + before.getMetrics().tasksExecuted).toBe(7200);
    expect(improvement.daysElapsed).toBeGreaterThanOrEqual(29);
    expect(improvement.improvementRate).toBeGreaterThanOrEqual(20);
    expect(improvement.targetAchieved).toBe(true);
    await agent.shutdown();
    memory.close();
  }, 300_000);

  it('shares patterns across agents', async () => {
    const timers = new ManualTimers();
    const memory = openMemory(timers);
    const agent1 = simAgent(timers, memory, { id: 'agent-1', type: 'test-generator', swarmId: 'qe' });
    const agent2 = simAgent(timers, memory, { id: 'agent-2', type: 'code-reviewer', swarmId: 'qe', seed: 2 });
    await agent1.initialize();
    await agent2.initialize();
    for (const task of tasks('s', 100)) await agent1.executeTask(task);
    expect(agent1.sharePatterns(['agent-2'])).toBeGreaterThan(0);
    expect(agent2.importSharedPatterns()).toBeGreaterThan(0);
    await agent1.shutdown();
    await agent2.shutdown();
    memory.close();
  });

  /**
   * The seed's `injectBadExperiences`, made real: after a good period the world breaks (every
   * strategy fails), so the agent learns from a stream of bad outcomes; the safeguard must see
   * three degraded windows in a row, disable learning and restore the last healthy version.
   */
  it('rolls back on performance degradation', async () => {
    const timers = new ManualTimers();
    const memory = openMemory(timers);
    const agent = simAgent(timers, memory, { timers: undefined });
    await agent.initialize();
    for (const task of tasks('good', 600)) await agent.executeTask(task);
    const versions = memory.query<LearningModelState>('phase2/learning/sim-1/versions/%', { partition: 'learning' });
    expect(versions.length).toBeGreaterThan(0);
    const saved = versions.at(-1)!;

    for (const arm of Object.values(agent.arms)) Object.assign(arm, { successProbability: 0, satisfaction: 0 });
    for (const task of tasks('bad', 100)) await agent.executeTask(task);
    expect(agent.learningEngine.getState().model).not.toEqual(saved.value.model);
    let injected = 100;
    while (agent.learningEngine.isEnabled() && injected < 1000) {
      await agent.executeTask({ id: `bad-more-${injected++}`, type: 'unit-test-generation' });
    }

    expect(agent.learningEngine.isEnabled()).toBe(false);
    expect(injected).toBeLessThanOrEqual(3 * agent.performanceTracker.windowSize + 200);
    const rollback = agent.safeguard.getRollback();
    expect(rollback).toMatchObject({ agentId: 'sim-1', restoredVersion: saved.key.split('/').at(-1) });
    expect(rollback!.degradation).toBeLessThan(-5);
    expect(agent.learningEngine.getState().model).toEqual(saved.value.model);
    expect(agent.improvementLoop.isActive()).toBe(false);
    expect(memory.queryEvents('learning:rollback').length).toBe(1);
    // Learning is off, the agent still works and learns nothing from the broken world.
    const experiences = agent.learningEngine.getTotalExperiences();
    await agent.executeTask({ id: 'after-rollback', type: 'unit-test-generation' });
    expect(agent.learningEngine.getTotalExperiences()).toBe(experiences);
    await agent.shutdown();
    memory.close();
  });
});
