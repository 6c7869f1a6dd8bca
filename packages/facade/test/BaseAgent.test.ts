import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { describe, expect, it, vi } from 'vitest';
import { FacadeError } from '@qe-fleet/facade';
import type { ExecutedTaskResult, StrategyChoice, Task, TaskResult } from '@qe-fleet/facade';
import { BaseAgent } from '@qe-fleet/facade';
import { LearningError, calculateReward } from '@qe-fleet/learning-core';
import type { StrategyDefinition } from '@qe-fleet/learning-core';
import { MemoryError } from '@qe-fleet/memory';
import type { SwarmMemoryManager } from '@qe-fleet/memory';
import { ManualTimers } from './support/ManualTimers.js';
import { SimulatedAgent, tasks } from './support/SimulatedAgent.js';
import type { SimMode, SimulatedAgentOptions } from './support/SimulatedAgent.js';
import { caught, openMemory, simAgent, simOptions, tempDir } from './support/setup.js';

class HookedAgent extends SimulatedAgent {
  readonly log: string[] = [];
  protected override onPreTask(task: Task<{ mode?: SimMode }>, choice: StrategyChoice): void {
    this.log.push(`pre:${task.id}:${choice.strategy.name}`);
  }
  protected override onPostTask(task: Task<{ mode?: SimMode }>, result: ExecutedTaskResult<{ arm: string }>): void {
    this.log.push(`post:${task.id}:${result.success}`);
  }
  protected override onTaskError(task: Task<{ mode?: SimMode }>, error: FacadeError): void {
    this.log.push(`error:${task.id}:${error.code}`);
  }
}

/** Ships priors that rank the worst simulated arm first (as a stale benchmark would). */
class PriorAgent extends SimulatedAgent {
  protected override getStrategies(): StrategyDefinition[] {
    const expected: Record<string, number> = { 'template-based': 0.9, 'boundary-value': 0.5, 'property-based': 0.4 };
    return super.getStrategies().map((s) => ({ ...s, prior: { expectedReward: expected[s.name]!, trials: 5, evidence: 'test' } }));
  }
}

/** Returns no executionTime and spends a known minimum of wall time. */
/**
 * Takes `taskMs` of the monotonic clock `tick` advances and reports no duration, so the agent must
 * measure it; the injected wall clock never moves, so a duration taken from it would be 0.
 */
class WallClockAgent extends BaseAgent {
  taskMs = 1000;
  tick: (ms: number) => void = () => {};
  protected getStrategies(): StrategyDefinition[] {
    return [{ name: 'only' }];
  }
  protected async executeWithStrategy(): Promise<TaskResult> {
    this.tick(this.taskMs);
    return { success: true };
  }
}

/** Returns whatever the test sets, to check how results are validated. */
class BadResultAgent extends BaseAgent {
  next: TaskResult = { success: true };
  protected getStrategies(): StrategyDefinition[] {
    return [{ name: 'only' }];
  }
  protected async executeWithStrategy(): Promise<TaskResult> {
    return this.next;
  }
}

/** A BadResultAgent on the test's timers, with the fixed machine of `simOptions`. */
function badResultAgent(id: string, timers: ManualTimers, memory: SwarmMemoryManager): BadResultAgent {
  return new BadResultAgent({ id, type: 'api-tester', memory, clock: timers.now, scheduler: timers, resources: () => 0.8 });
}

describe('BaseAgent options and lifecycle', () => {
  it('refuses bad options with INVALID_OPTIONS and tasks before initialize with NOT_INITIALIZED', async () => {
    const timers = new ManualTimers();
    const memory = openMemory(timers);
    for (const bad of [{ id: '' }, { id: 'has space' }, { type: '' }, { memory: 42 as never }, { learning: { learningRate: 5 } }, { metricsFlushEvery: 0 }, { improvementIntervalMs: 0 }, { patternImportIntervalMs: -1 }]) {
      expect(() => simAgent(timers, memory, bad)).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    }
    const agent = simAgent(timers, memory);
    expect((await caught(agent.executeTask({ id: 't', type: 'x' }))).code).toBe('NOT_INITIALIZED');
    expect(() => agent.learningEngine).toThrow(FacadeError);
    const empty = simAgent(timers, memory, { id: 'empty', arms: {} });
    expect((await caught(empty.initialize())).code).toBe('NO_STRATEGIES');
    expect(memory.getAgent('empty')).toBeNull();
    memory.close();
  });

  it('registers the agent with its capabilities, learns with AGENT_CONFIGS[type] over BALANCED_CONFIG, starts the loop', async () => {
    const timers = new ManualTimers();
    const memory = openMemory(timers);
    const agent = simAgent(timers, memory, { capabilities: ['unit-tests', 'boundary-analysis'], learning: { batchSize: 8 } });
    await agent.initialize();
    expect(memory.getAgent('sim-1')).toMatchObject({ type: 'test-generator', capabilities: ['unit-tests', 'boundary-analysis'], status: 'active' });
    expect(agent.learningEngine.isEnabled()).toBe(true);
    expect(agent.learningConfig).toMatchObject({ learningRate: 0.15, explorationRate: 0.4, batchSize: 8, discountFactor: 0.95 });
    expect(agent.improvementLoop.isActive()).toBe(true);
    await expect(agent.initialize()).rejects.toThrow(FacadeError);
    await agent.shutdown();
    memory.close();
  });

  it('starts a fresh store from the strategies\' shipped priors, which options override and evidence washes out', async () => {
    const timers = new ManualTimers();
    const first = async (options: Partial<SimulatedAgentOptions> = {}): Promise<string> => {
      const agent = new PriorAgent(simOptions(timers, openMemory(timers), options));
      await agent.initialize();
      const { strategy } = await agent.executeTask({ id: 'first', type: 'unit-test-generation' });
      await agent.shutdown();
      return strategy;
    };
    expect(await first()).toBe('template-based');
    const override = { 'property-based': { expectedReward: 0.95, trials: 10, evidence: 'user benchmark' }, 'template-based': null };
    expect(await first({ strategyPriors: override })).toBe('property-based');
    await expect(first({ strategyPriors: { 'no-such': null } })).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
    // the shipped ranking is wrong here: 150 tasks of evidence move the agent to the best arm
    const agent = new PriorAgent(simOptions(timers, openMemory(timers)));
    await agent.initialize();
    for (const task of tasks('t', 150)) await agent.executeTask(task);
    const late: string[] = [];
    for (const task of tasks('late', 20)) late.push((await agent.executeTask(task)).strategy);
    expect(late.filter((s) => s === 'property-based').length).toBeGreaterThanOrEqual(15);
    await agent.shutdown();
  });

  it('asks the feedback option before learning and learns the rating it gives, which the tracker records as user satisfaction (a throw is ignored)', async () => {
    const timers = new ManualTimers();
    const rewards = async (options: Partial<SimulatedAgentOptions>): Promise<{ rewards: number[]; satisfaction: number[]; strategies: string[] }> => {
      const memory = openMemory(timers);
      const agent = new SimulatedAgent(simOptions(timers, memory, options));
      await agent.initialize();
      const strategies: string[] = [];
      for (const task of tasks('t', 5)) strategies.push((await agent.executeTask(task)).strategy);
      const out = memory.queryEvents('learning:training').map((e) => (e.payload as { reward: number }).reward);
      const satisfaction = memory
        .query<{ metrics: { userSatisfaction: number } }>(`phase2/learning/${agent.id}/snapshots/%`, { partition: 'learning' })
        .map((e) => e.value.metrics.userSatisfaction);
      await agent.shutdown();
      memory.close();
      return { rewards: out, satisfaction, strategies };
    };
    const asked: Array<{ task: string; agentId: string; agentType: string; strategy: string }> = [];
    const plain = await rewards({});
    const judged = await rewards({ feedback: (task, _result, run) => (asked.push({ task: task.id, ...run }), { rating: 0.125 }) });
    expect(asked.map((a) => a.task)).toEqual(['t-0', 't-1', 't-2', 't-3', 't-4']);
    // the hook is told which agent ran the task and with which strategy
    expect(asked.map((a) => a.strategy)).toEqual(judged.strategies);
    expect(new Set(asked.map((a) => `${a.agentId}/${a.agentType}`))).toEqual(new Set(['sim-1/test-generator']));
    // same seed, same first choice and outcome: only the user's rating differs
    expect(judged.rewards[0]!).toBeLessThan(plain.rewards[0]!);
    // what the tracker shows is what was learned: the rating replaces the result's satisfaction
    expect(judged.satisfaction).toEqual([0.125, 0.125, 0.125, 0.125, 0.125]);
    expect(plain.satisfaction).not.toContain(0.125);
    expect(await rewards({ feedback: () => { throw new Error('triage store down'); } })).toEqual(plain);
  });

  it('runs tasks through the hooks, stores one event per task (its learning:training) and learns from each', async () => {
    const timers = new ManualTimers();
    const memory = openMemory(timers);
    const agent = new HookedAgent(simOptions(timers, memory));
    const announced: string[] = [];
    agent.on('agent:pre_task', (e) => announced.push(`pre:${e.taskId}`));
    const off = agent.on('agent:post_task', (e) => announced.push(`post:${e.taskId}`));
    await agent.initialize();
    const results: ExecutedTaskResult<{ arm: string }>[] = [];
    for (const task of tasks('t', 20)) results.push(await agent.executeTask(task));
    off();
    await agent.executeTask({ id: 'last', type: 'unit-test-generation' });

    expect(agent.log.slice(0, 2)).toEqual([`pre:t-0:${results[0]!.strategy}`, `post:t-0:${results[0]!.success}`]);
    expect(announced.slice(0, 2)).toEqual(['pre:t-0', 'post:t-0']);
    expect(announced.filter((a) => a.startsWith('post')).length).toBe(20);
    for (const result of results) {
      const arm = agent.arms[result.strategy]!;
      expect(result.output).toEqual({ arm: result.strategy });
      // The simulator's virtual time is the task's duration, not the wall time.
      expect(result.executionTime).toBeGreaterThanOrEqual(arm.timeMs * 0.5);
      expect(result.overheadMs).toBeGreaterThan(0);
    }
    expect(memory.queryEvents('learning:training').length).toBe(21);
    // a completed task is announced in process, and recorded by its training event and snapshot
    expect(memory.queryEvents('agent:post_task')).toEqual([]);
    expect(agent.learningEngine.getTotalExperiences()).toBe(21);
    expect(agent.getMetrics()).toMatchObject({ tasksExecuted: 21, overhead: { count: 21 } });
    await agent.shutdown();
    memory.close();
  });

  it('runs the arm an active A/B test assigns and reports each result to the test', async () => {
    const timers = new ManualTimers();
    const memory = openMemory(timers);
    const agent = simAgent(timers, memory);
    await agent.initialize();
    const testId = agent.improvementLoop.createABTest('template-vs-property', [{ name: 'template-based' }, { name: 'property-based' }], 10, {
      taskType: 'unit-test-generation',
    });
    const results = [];
    for (const task of tasks('ab', 12)) results.push(await agent.executeTask(task));
    const other = await agent.executeTask({ id: 'other-type', type: 'api-test' });
    expect(results.every((r) => r.abTestId === testId && !r.explored)).toBe(true);
    const arms = results.map((r) => r.strategy);
    expect(arms.filter((a) => a === 'template-based').length).toBe(6);
    expect(arms.filter((a) => a === 'property-based').length).toBe(6);
    expect(other.abTestId).toBeNull();
    const test = agent.improvementLoop.getTest(testId)!;
    expect(test.results.map((r) => r.trials)).toEqual([6, 6]);
    expect(test.results.reduce((n, r) => n + r.successes, 0)).toBe(results.filter((r) => r.success).length);
    // Each arm is scored with the reward the engine learns (same fields, feedback and weights).
    const weights = agent.learningEngine.getConfig().rewardWeights;
    for (const arm of test.results) {
      const mine = results.filter((r) => r.strategy === arm.strategy);
      expect(arm.scored).toBe(mine.length);
      const expected = mine.reduce((sum, r) => sum + calculateReward(r, r.feedback, { weights }), 0);
      expect(arm.sumScore).toBeCloseTo(expected, 9);
    }
    await agent.shutdown();
    memory.close();
  });

  it('measures the duration when the agent does not report one', async () => {
    const timers = new ManualTimers();
    const memory = openMemory(timers);
    const agent = new WallClockAgent({ id: 'wall', type: 'api-tester', memory, clock: timers.now, scheduler: timers });
    await agent.initialize();
    // A monotonic clock that moves only while the task runs: the measured duration must be
    // exactly the task's, and none of it may be counted as learning overhead.
    let monotonic = 5_000;
    agent.tick = (ms) => {
      monotonic += ms;
    };
    const now = vi.spyOn(performance, 'now').mockImplementation(() => monotonic);
    try {
      const result = await agent.executeTask({ id: 'w1', type: 'probe' });
      expect(now).toHaveBeenCalled();
      expect(result.executionTime).toBe(1000);
      expect(result.overheadMs).toBe(0);
    } finally {
      now.mockRestore();
    }
    await agent.shutdown();
    memory.close();
  });

  it('learns from a throwing task as a failure, rejects with TASK_FAILED in context, and keeps working', async () => {
    const timers = new ManualTimers();
    const memory = openMemory(timers);
    const agent = new HookedAgent(simOptions(timers, memory));
    await agent.initialize();
    const error = await caught(agent.executeTask({ id: 'boom', type: 'unit-test-generation', input: { mode: 'throw' } }));
    expect(error).toMatchObject({ code: 'TASK_FAILED', taskId: 'boom', agentId: 'sim-1' });
    expect(error.cause).toBeInstanceOf(RangeError);
    expect(Object.keys(agent.arms)).toContain(error.strategy);
    expect(agent.log).toEqual([`pre:boom:${error.strategy}`, 'error:boom:TASK_FAILED']);
    expect(agent.learningEngine.getTotalExperiences()).toBe(1);
    expect(agent.learningEngine.getFailurePatterns()).toEqual([expect.objectContaining({ errorClass: 'RangeError', taskType: 'unit-test-generation' })]);
    expect(memory.queryEvents('agent:task_error')).toEqual([expect.objectContaining({ source: 'sim-1', payload: expect.objectContaining({ code: 'TASK_FAILED' }) })]);
    const next = await agent.executeTask({ id: 'after', type: 'unit-test-generation' });
    expect(next.taskId).toBe('after');
    expect(agent.getMetrics()).toMatchObject({ tasksExecuted: 2, tasksFailed: next.success ? 1 : 2 });
    await agent.shutdown();
    memory.close();
  });

  it('rejects with LEARNING_FAILED when learning refuses a result, without disturbing the tasks committed with it', async () => {
    const timers = new ManualTimers();
    const memory = openMemory(timers);
    const agent = simAgent(timers, memory);
    const bad = badResultAgent('bad', timers, memory);
    await agent.initialize();
    await bad.initialize();
    bad.next = { success: true, feedback: { rating: 2 } }; // the engine's reward refuses ratings outside [0, 1]
    // Both finish in the same turn, so they share one commit.
    const [refused, fine] = await Promise.allSettled([bad.executeTask({ id: 'b1', type: 'probe' }), agent.executeTask({ id: 'g1', type: 'unit-test-generation' })]);
    expect(refused).toMatchObject({ status: 'rejected', reason: { code: 'LEARNING_FAILED', taskId: 'b1', agentId: 'bad' } });
    expect((refused as PromiseRejectedResult).reason.cause).toBeInstanceOf(LearningError);
    expect(fine).toMatchObject({ status: 'fulfilled', value: { taskId: 'g1' } });
    expect(bad.learningEngine.getTotalExperiences()).toBe(0);
    expect(agent.learningEngine.getTotalExperiences()).toBe(1);
    bad.next = { success: true };
    await bad.executeTask({ id: 'b2', type: 'probe' });
    expect(bad.learningEngine.getTotalExperiences()).toBe(1);
    await agent.shutdown();
    await bad.shutdown();
    memory.close();
  });

  it('reports LEARNING_FAILED when the store refuses the commit', async () => {
    const timers = new ManualTimers();
    const memory = openMemory(timers);
    const agent = badResultAgent('gate', timers, memory);
    await agent.initialize();
    await agent.executeTask({ id: 'ok', type: 'probe' });
    const pending = agent.executeTask({ id: 'lost', type: 'probe' });
    memory.close(); // the store goes away between the run and the commit
    const error = await caught(pending);
    expect(error).toMatchObject({ code: 'LEARNING_FAILED', taskId: 'lost' });
    expect(error.cause).toBeInstanceOf(MemoryError);
  });

  it('times out a task that ignores its signal: TASK_TIMEOUT, signal aborted, learned as a failure', async () => {
    const timers = new ManualTimers();
    const memory = openMemory(timers);
    const agent = simAgent(timers, memory);
    await agent.initialize();
    const pending = caught(agent.executeTask({ id: 'slow', type: 'unit-test-generation', timeout: 5000, input: { mode: 'hang' } }));
    timers.advance(4999);
    expect(agent.signals[0]!.aborted).toBe(false);
    timers.advance(1);
    const error = await pending;
    expect(error).toMatchObject({ code: 'TASK_TIMEOUT', taskId: 'slow', agentId: 'sim-1' });
    expect(agent.signals[0]!.aborted).toBe(true);
    expect((agent.signals[0]!.reason as Error).name).toBe('TimeoutError');
    expect(agent.learningEngine.getFailurePatterns()).toEqual([expect.objectContaining({ errorClass: 'TimeoutError' })]);
    // A task that finishes in time clears its timer.
    const pendingTimers = timers.pending;
    await agent.executeTask({ id: 'quick', type: 'unit-test-generation', timeout: 600_000 });
    expect(timers.pending).toBe(pendingTimers);
    await agent.shutdown();
    memory.close();
  });

  it('refuses bad tasks with INVALID_TASK, storing nothing, and bad results as TASK_FAILED', async () => {
    const timers = new ManualTimers();
    const memory = openMemory(timers);
    const agent = badResultAgent('bad', timers, memory);
    await agent.initialize();
    for (const bad of [{ id: '', type: 'x' }, { id: 'a', type: '' }, { id: 'a', type: 'x', timeout: 0 }, { id: 'a', type: 'x', retries: -1 }]) {
      expect((await caught(agent.executeTask(bad))).code).toBe('INVALID_TASK');
    }
    expect(agent.learningEngine.getTotalExperiences()).toBe(0);
    expect(agent.performanceTracker.getSnapshotCount()).toBe(0);
    for (const result of [{ success: 'yes' }, { success: true, satisfaction: 1.5 }, { success: true, executionTime: -1 }, { success: true, coverage: Number.NaN }]) {
      agent.next = result as never;
      const error = await caught(agent.executeTask({ id: `r${agent.learningEngine.getTotalExperiences()}`, type: 'probe' }));
      expect(error.code).toBe('TASK_FAILED');
      expect(error.cause).toBeInstanceOf(TypeError);
    }
    // Each was learned from as the agent's failure, with the error class.
    expect(agent.learningEngine.getTotalExperiences()).toBe(4);
    expect(agent.learningEngine.getFailurePatterns()).toEqual([expect.objectContaining({ errorClass: 'TypeError', frequency: 4 })]);
    await agent.shutdown();
    memory.close();
  });

  it('runs a forced strategy (task.strategy) and learns from it; an unknown one is UNKNOWN_STRATEGY, a bad one INVALID_TASK', async () => {
    const timers = new ManualTimers();
    const memory = openMemory(timers);
    const agent = simAgent(timers, memory);
    await agent.initialize();
    for (const task of tasks('forced', 5)) {
      const result = await agent.executeTask({ ...task, strategy: 'template-based' });
      expect(result).toMatchObject({ strategy: 'template-based', explored: false, abTestId: null });
    }
    expect(agent.learningEngine.getTotalExperiences()).toBe(5);
    const unknown = await caught(agent.executeTask({ id: 'u', type: 'unit-test-generation', strategy: 'nope' }));
    expect(unknown.code).toBe('UNKNOWN_STRATEGY');
    expect(unknown.message).toContain('has template-based, boundary-value, property-based');
    for (const bad of [{ strategy: '' }, { strategy: 3 }, { learn: 'no' }]) {
      expect((await caught(agent.executeTask({ id: 'b', type: 'x', ...(bad as object) }))).code).toBe('INVALID_TASK');
    }
    expect(agent.learningEngine.getTotalExperiences()).toBe(5);
    await agent.shutdown();
    memory.close();
  });

  it('with task.learn false runs the best strategy without exploring or recording anything learning reads', async () => {
    const timers = new ManualTimers();
    const memory = openMemory(timers);
    const agent = simAgent(timers, memory);
    await agent.initialize();
    for (const task of tasks('learn', 30)) await agent.executeTask(task);
    const experiences = agent.learningEngine.getTotalExperiences();
    const snapshots = agent.performanceTracker.getSnapshotCount();
    const training = memory.queryEvents('learning:training').length;
    const best = agent.learningEngine.recommendStrategy(agent.learningEngine.extractTaskState({ id: 'probe', type: 'unit-test-generation' })).strategy;
    const ran = new Set<string>();
    for (const task of tasks('quiet', 20)) {
      const result = await agent.executeTask({ ...task, learn: false });
      expect(result.explored).toBe(false);
      ran.add(result.strategy);
    }
    expect([...ran]).toEqual([best]);
    const forced = await agent.executeTask({ id: 'quiet-forced', type: 'unit-test-generation', learn: false, strategy: 'template-based' });
    expect(forced.strategy).toBe('template-based');
    expect(agent.learningEngine.getTotalExperiences()).toBe(experiences);
    expect(agent.performanceTracker.getSnapshotCount()).toBe(snapshots);
    expect(memory.queryEvents('learning:training').length).toBe(training);
    await agent.shutdown();
    memory.close();
  });

  it('with learning off still runs tasks and reports metrics, but learns nothing and runs no loop', async () => {
    const timers = new ManualTimers();
    const memory = openMemory(timers);
    const agent = simAgent(timers, memory, { learningEnabled: false });
    await agent.initialize();
    expect(timers.pending).toBe(0);
    const strategies = new Set<string>();
    for (const task of tasks('off', 30)) strategies.add((await agent.executeTask(task)).strategy);
    expect(strategies.size).toBe(1);
    expect(agent.learningEngine.isEnabled()).toBe(false);
    expect(agent.learningEngine.getTotalExperiences()).toBe(0);
    expect(agent.getMetrics().overhead.count).toBe(30);
    expect(agent.performanceTracker.getSnapshotCount()).toBeGreaterThan(0);
    await agent.shutdown();
    memory.close();
  });

  it('persists overhead metrics every N tasks and on shutdown, then stores the report and marks the agent stopped', async () => {
    const timers = new ManualTimers();
    const memory = openMemory(timers);
    const agent = simAgent(timers, memory, { metricsFlushEvery: 10 });
    await agent.initialize();
    for (const task of tasks('m', 25)) await agent.executeTask(task);
    const p99 = () => memory.queryPerformanceMetrics({ metric: 'learning.overhead.p99', agentId: 'sim-1' });
    expect(p99().length).toBe(2);
    await agent.shutdown();
    await agent.shutdown();
    expect(p99().length).toBe(3);
    expect(p99()[0]).toMatchObject({ unit: 'ms' });
    const stateBytes = memory.queryPerformanceMetrics({ metric: 'learning.state.bytes', agentId: 'sim-1' });
    expect(stateBytes.at(-1)!.value).toBeGreaterThan(100);
    expect(memory.retrieve('phase2/learning/sim-1/report', { partition: 'learning' })).not.toBeNull();
    expect(memory.getAgent('sim-1')).toMatchObject({ status: 'stopped' });
    expect(timers.pending).toBe(0);
    expect((await caught(agent.executeTask({ id: 'late', type: 'x' }))).code).toBe('SHUT_DOWN');
    memory.close();
  });

  it('lets running tasks finish, learned and counted, when it shuts down', async () => {
    const timers = new ManualTimers();
    const memory = openMemory(timers);
    const agent = simAgent(timers, memory, { metricsFlushEvery: 1 });
    await agent.initialize();
    const running = tasks('s', 5).map((task) => agent.executeTask(task));
    const stopping = agent.shutdown();
    expect((await Promise.all(running)).length).toBe(5);
    await stopping;
    const counted = memory.queryPerformanceMetrics({ metric: 'learning.tasks', agentId: 'sim-1' }).map((m) => m.value);
    expect(Math.max(...counted)).toBe(5);
    expect(memory.retrieve<{ taskCount: number }>('phase2/learning/sim-1/state', { partition: 'learning' })).toMatchObject({ taskCount: 5 });
    memory.close();
  });

  it('owns and closes a store it opened from a path', async () => {
    const { dir, remove } = tempDir();
    try {
      const timers = new ManualTimers();
      const path = join(dir, 'agent.db');
      const agent = simAgent(timers, path);
      await agent.initialize();
      await agent.executeTask({ id: 'p1', type: 'unit-test-generation' });
      await agent.shutdown();
      const reopened = openMemory(timers, path);
      expect(reopened.getAgent('sim-1')).toMatchObject({ status: 'stopped' });
      reopened.close();
    } finally {
      remove();
    }
  });

  it('loses nothing on a crash mid-run: a new agent with the same id resumes the exact state', async () => {
    const { dir, remove } = tempDir();
    try {
      const timers = new ManualTimers();
      const path = join(dir, 'crash.db');
      const memory = openMemory(timers, path);
      const agent = simAgent(timers, memory);
      await agent.initialize();
      for (const task of tasks('c', 60)) await agent.executeTask(task);
      const before = agent.learningEngine.getState();
      const snapshots = agent.performanceTracker.getSnapshotCount();
      memory.close(); // no shutdown: the process "dies" here

      const reopened = openMemory(timers, path);
      const again = simAgent(timers, reopened);
      await again.initialize();
      expect(again.learningEngine.getState()).toEqual(before);
      expect(again.performanceTracker.getSnapshotCount()).toBe(snapshots);
      await again.shutdown();
      reopened.close();
    } finally {
      remove();
    }
  });
});
