import { expect } from 'vitest';
import { calculateReward, createRandom, resolveRewardWeights, rewardWeightsFor } from '@qe-fleet/learning-core';
import type { LearningConfig } from '@qe-fleet/learning-core';
import { SwarmMemoryManager } from '@qe-fleet/memory';
import { PilotAgent, runAgentTask } from '@qe-fleet/agents';
import type { AgentCore, AgentReport, AgentStrategy } from '@qe-fleet/agents';

/**
 * A core that replays one measured report per strategy. The learning test runs every strategy for
 * real once (in the test file's `beforeAll`), then lets BaseAgent choose among them many times:
 * each replay returns the real findings and the real measured duration, so the learner sees what
 * a real run would have shown it, at a fraction of the cost. Scoring still happens per task in
 * `runAgentTask` against the target's catalogue.
 */
export class ReplayCore implements AgentCore {
  readonly id: string;
  readonly strategies: readonly AgentStrategy<unknown>[];
  readonly #reports: ReadonlyMap<string, AgentReport>;

  constructor(id: string, strategies: readonly AgentStrategy<unknown>[], reports: ReadonlyMap<string, AgentReport>) {
    this.id = id;
    this.strategies = strategies;
    this.#reports = reports;
  }

  async run(_target: unknown, strategy: string): Promise<AgentReport> {
    const report = this.#reports.get(strategy);
    if (report === undefined) throw new Error(`no measured report for ${strategy}`);
    return report;
  }
}

/** Reward difference below which two strategies count as tied (a 3 % time jitter moves a reward by ~0.005). */
export const TIE = 0.01;

/** What `learnOnReplays` saw: the reward each strategy measures and the strategy chosen per task. */
export interface ConvergenceRun {
  /** Expected reward per strategy: learning-core's `calculateReward` of its replayed TaskResult. */
  rewards: Map<string, number>;
  best: string;
  /**
   * Strategies whose reward is within `TIE` of the best: measured durations vary run to run by
   * more than that, so which of them is "best" is noise that no learner can (or should) resolve.
   */
  contenders: string[];
  choices: string[];
  /** What the engine recommends (exploits) after the last task. */
  recommended: string;
}

/**
 * Runs `tasks` executeTask calls through a real BaseAgent (default learning config of the agent
 * type) on an in-memory SwarmMemoryManager with a seeded random source, replaying `reports`.
 */
export async function learnOnReplays(core: ReplayCore, dir: string, options: { tasks: number; seed: number; timeout: number; learning?: Partial<LearningConfig> }): Promise<ConvergenceRun> {
  const rewards = new Map<string, number>();
  // The weights the agent's engine learns with (its AGENT_CONFIGS entry, or the test's override).
  const weights = options.learning?.rewardWeights ? resolveRewardWeights(options.learning.rewardWeights) : rewardWeightsFor(core.id);
  for (const strategy of core.strategies) {
    const result = await runAgentTask(core, { dir }, strategy.name, { timeBudgetMs: options.timeout });
    const { output: _output, ...signals } = result;
    rewards.set(strategy.name, calculateReward({ ...signals, strategy: strategy.name }, undefined, { weights }));
  }
  const [best, top] = [...rewards].reduce((a, b) => (b[1] > a[1] ? b : a));
  const contenders = [...rewards].filter(([, r]) => r >= top - TIE).map(([name]) => name);
  const memory = new SwarmMemoryManager(':memory:', { cleanupIntervalMs: 0 });
  memory.initialize();
  const agent = new PilotAgent(core, { id: core.id, memory, random: createRandom(options.seed), patternImportIntervalMs: 0, ...(options.learning ? { learning: options.learning } : {}) });
  await agent.initialize();
  const choices: string[] = [];
  const task = (i: number) => ({ id: `task-${i}`, type: core.id, input: { dir }, timeout: options.timeout });
  try {
    for (let i = 0; i < options.tasks; i++) choices.push((await agent.executeTask(task(i))).strategy);
    const engine = agent.learningEngine;
    return { rewards, best, contenders, choices, recommended: engine.recommendStrategy(engine.extractTaskState(task(options.tasks))).strategy };
  } finally {
    await agent.shutdown();
    memory.close();
  }
}

/** How often `strategy` was chosen among the last `n` choices. */
export function shareOfLast(choices: readonly string[], strategy: string, n: number): number {
  const tail = choices.slice(-n);
  return tail.filter((c) => c === strategy).length / tail.length;
}

/**
 * The learning test of an agent: 60 replayed tasks through BaseAgent (seed 7), then the exploiting
 * choice is the best-measuring strategy (or one tied with it), the contenders ran more often than a
 * uniform pick would, and the worst strategy less than they did over the last 30 tasks.
 */
export async function expectLearningConverges(core: ReplayCore, dir: string): Promise<ConvergenceRun> {
  const run = await learnOnReplays(core, dir, { tasks: 60, seed: 7, timeout: 60_000 });
  const why = `rewards ${JSON.stringify([...run.rewards])}, choices ${run.choices.join(' ')}`;
  const shareOfContenders = (n: number): number => run.contenders.reduce((sum, c) => sum + shareOfLast(run.choices, c, n), 0);
  expect(run.contenders, why).toContain(run.recommended);
  expect(shareOfContenders(60), why).toBeGreaterThan(run.contenders.length / core.strategies.length);
  const worst = [...run.rewards].reduce((a, b) => (b[1] < a[1] ? b : a))[0];
  expect(shareOfLast(run.choices, worst, 30), why).toBeLessThan(shareOfContenders(30));
  return run;
}
