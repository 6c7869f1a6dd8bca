import { BaseAgent } from '@qe-fleet/facade';
import type { BaseAgentOptions, Task, TaskResult } from '@qe-fleet/facade';
import type { LearningConfig, StrategyDefinition } from '@qe-fleet/learning-core';
import type { AgentCore } from './AgentCore.js';
import { AgentError } from './AgentError.js';
import { runAgentTask } from './runAgentTask.js';
import type { TargetSpec } from '../target/Target.js';
import { failedTaskResult } from './toTaskResult.js';
import type { AgentOutput } from './toTaskResult.js';

/**
 * Learning settings for agents whose tasks are independent runs on a target (opt in through
 * `learning`): tabular Q-learning without bootstrapping (discount 0), so each strategy's value is
 * the running mean of its own rewards and the greedy choice settles on the best one even when
 * strategies differ by a few hundredths of reward (the seed's 0.95 discount, and the discounted
 * bandits' forgetting, keep such strategies indistinguishable for hundreds of tasks).
 */
export const INDEPENDENT_RUNS_LEARNING: Partial<LearningConfig> = Object.freeze({ algorithm: 'q-learning', discountFactor: 0 });

/** Options of a pilot agent: BaseAgent's, with `type` fixed by the core's id. */
export type PilotAgentOptions = Omit<BaseAgentOptions, 'type'>;

/**
 * The thin learning wrapper every pilot agent shares: a BaseAgent whose strategies are its core's
 * and whose run is `runAgentTask` on the task's `input` (a TargetSpec). Agent subclasses only pick
 * the core; everything that turns a run into a TaskResult lives in the kit.
 */
export class PilotAgent extends BaseAgent<TargetSpec, AgentOutput> {
  /** The pure core this agent runs (callable directly, without learning). */
  readonly core: AgentCore;

  constructor(core: AgentCore, options: PilotAgentOptions) {
    super({ ...options, type: core.id });
    this.core = core;
  }

  protected override getStrategies(): readonly StrategyDefinition[] {
    return this.core.strategies.map((s) => ({ name: s.name, description: s.description }));
  }

  protected override async executeWithStrategy(task: Task<TargetSpec>, strategy: StrategyDefinition, signal: AbortSignal): Promise<TaskResult<AgentOutput>> {
    const spec = task.input;
    if (spec === undefined || typeof spec.dir !== 'string') {
      return failedTaskResult(new AgentError('TARGET_NOT_FOUND', `task ${task.id} has no input.dir naming the target folder`), strategy.name, 0);
    }
    return runAgentTask(this.core, spec, strategy.name, { signal, ...(task.timeout === undefined ? {} : { timeBudgetMs: task.timeout }) });
  }
}
