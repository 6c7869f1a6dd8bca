import type { LearningTask, TaskScheduler } from '@qe-fleet/learning-core';
import { AgentDBError } from '../AgentDBError.js';

/** Parameters of `CurriculumScheduler`. */
export interface CurriculumSchedulerOptions {
  /** Tasks in an agent's queue at once (the window the curriculum reorders). Default 24. */
  lookahead?: number;
  /** An agent is new, and meets its tasks easy first, until it has run this many. Default 240. */
  newAgentTasks?: number;
}

/**
 * Curriculum learning on the task side (Bengio et al. 2009): a new agent meets task types from
 * easy to hard. Difficulty is measured, not declared: a type's failure rate over every task the
 * fleet has run of it, (failures + 1) / (runs + 2), so a type nobody has run counts as 0.5. While
 * an agent has run fewer than `newAgentTasks` tasks, each window of `lookahead` tasks in its queue
 * runs easiest type first (ties keep their arrival order); after that, in arrival order. It
 * delays a hard task by at most one window, and drops none. It implements learning-core's
 * `TaskScheduler`, the queue the fleet's simulator gives each agent. `CurriculumLearning` is the
 * learner-side counterpart (self-paced: which experiences the statistics take in first).
 */
export class CurriculumScheduler implements TaskScheduler {
  readonly lookahead: number;
  readonly #newAgentTasks: number;
  readonly #types = new Map<string, { runs: number; failures: number }>();
  readonly #ran = new Map<string, number>();

  constructor(options: CurriculumSchedulerOptions = {}) {
    this.lookahead = options.lookahead ?? 24;
    this.#newAgentTasks = options.newAgentTasks ?? 240;
    if (!(Number.isInteger(this.lookahead) && this.lookahead >= 1)) throw new AgentDBError('INVALID_OPTIONS', `curriculum: lookahead must be an integer >= 1, got ${this.lookahead}`);
    if (!(Number.isInteger(this.#newAgentTasks) && this.#newAgentTasks >= 0)) throw new AgentDBError('INVALID_OPTIONS', `curriculum: newAgentTasks must be an integer >= 0, got ${this.#newAgentTasks}`);
  }

  /** The measured difficulty of a task type, 0 (never fails) to 1 (always fails). */
  difficulty(taskType: string): number {
    const t = this.#types.get(taskType);
    return ((t?.failures ?? 0) + 1) / ((t?.runs ?? 0) + 2);
  }

  order(agentId: string, tasks: readonly LearningTask[]): LearningTask[] {
    if ((this.#ran.get(agentId) ?? 0) >= this.#newAgentTasks) return [...tasks];
    return tasks
      .map((task, i) => ({ task, i, d: this.difficulty(task.type) }))
      .sort((a, b) => a.d - b.d || a.i - b.i)
      .map((x) => x.task);
  }

  observe(agentId: string, task: LearningTask, success: boolean): void {
    const t = this.#types.get(task.type) ?? { runs: 0, failures: 0 };
    this.#types.set(task.type, { runs: t.runs + 1, failures: t.failures + (success ? 0 : 1) });
    this.#ran.set(agentId, (this.#ran.get(agentId) ?? 0) + 1);
  }
}
