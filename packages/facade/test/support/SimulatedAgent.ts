import { BaseAgent } from '@qe-fleet/facade';
import type { BaseAgentOptions, Task, TaskResult } from '@qe-fleet/facade';
import type { StrategyDefinition } from '@qe-fleet/learning-core';
import type { ManualTimers } from './ManualTimers.js';

/** Hidden behaviour of one strategy. */
export interface SimArm {
  successProbability: number;
  /** Mean virtual execution time (ms); a run takes 0.5x..1.5x of it. */
  timeMs: number;
  /** Satisfaction of a successful run (a failed run reports 0.1). */
  satisfaction: number;
}

/** How a simulated task behaves, set through `task.input`. */
export type SimMode = 'normal' | 'throw' | 'hang';

/** Options of `SimulatedAgent`. */
export interface SimulatedAgentOptions extends Omit<BaseAgentOptions, 'type'> {
  type?: string;
  arms: Record<string, SimArm>;
  /** The world's randomness (outcomes), apart from the agent's own (exploration). */
  world: () => number;
  /** Advanced by every run's virtual time, if given. */
  timers?: ManualTimers;
}

/**
 * A BaseAgent whose strategies have hidden success probabilities and virtual execution times
 * drawn from a seeded source: learning has something real to find, and tests replay exactly.
 */
export class SimulatedAgent extends BaseAgent<{ mode?: SimMode }, { arm: string }> {
  arms: Record<string, SimArm>;
  readonly #world: () => number;
  readonly #timers: ManualTimers | undefined;
  /** Signals the agent saw, in order (the timeout test reads them). */
  readonly signals: AbortSignal[] = [];

  constructor({ arms, world, timers, type = 'test-generator', ...options }: SimulatedAgentOptions) {
    super({ ...options, type });
    this.arms = arms;
    this.#world = world;
    this.#timers = timers;
  }

  protected getStrategies(): StrategyDefinition[] {
    return Object.keys(this.arms).map((name) => ({ name, config: {} }));
  }

  protected async executeWithStrategy(
    task: Task<{ mode?: SimMode }>,
    strategy: StrategyDefinition,
    signal: AbortSignal,
  ): Promise<TaskResult<{ arm: string }>> {
    this.signals.push(signal);
    const mode = task.input?.mode ?? 'normal';
    if (mode === 'throw') throw new RangeError(`simulated crash in ${strategy.name}`);
    if (mode === 'hang') return new Promise(() => {});
    const arm = this.arms[strategy.name];
    if (arm === undefined) throw new Error(`no arm ${strategy.name}`);
    const success = this.#world() < arm.successProbability;
    const executionTime = arm.timeMs * (0.5 + this.#world());
    this.#timers?.advance(executionTime);
    return {
      success,
      executionTime,
      errors: success ? [] : [`AssertionError: ${strategy.name} missed`],
      satisfaction: success ? arm.satisfaction : 0.1,
      resourceUsage: 1000 / (1000 + executionTime),
      coverage: success ? arm.satisfaction : 0,
      output: { arm: strategy.name },
    };
  }
}

/** Three strategies, one clearly best: what a test-generation agent could face. */
export const THREE_ARMS: Record<string, SimArm> = {
  'template-based': { successProbability: 0.45, timeMs: 4000, satisfaction: 0.55 },
  'boundary-value': { successProbability: 0.6, timeMs: 6000, satisfaction: 0.7 },
  'property-based': { successProbability: 0.92, timeMs: 3000, satisfaction: 0.9 },
};

/** A task stream of one type. */
export function tasks(prefix: string, count: number, type = 'unit-test-generation'): Task<{ mode?: SimMode }>[] {
  return Array.from({ length: count }, (_, i) => ({ id: `${prefix}-${i}`, type }));
}
