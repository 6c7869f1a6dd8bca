/**
 * Public types of @qe-fleet/facade: the surface agent authors and the fleet app code against.
 * Names follow the seed (sections 4, 5, 11).
 */
import type {
  LearningConfig,
  LearningEngine,
  LearningEngineOptions,
  LearningFeedback,
  LearningTask,
  ResourceProbe,
  StrategyDefinition,
  StrategyPrior,
} from '@qe-fleet/learning-core';
import type { Clock, Logger, SwarmMemoryManager } from '@qe-fleet/memory';

/**
 * A task (seed 4.2): what the learning layer sees plus an optional payload for the agent.
 * `retries` counts previous attempts (a state feature, not an instruction to retry);
 * `timeout` (ms) is enforced by `executeTask`.
 */
export interface Task<I = unknown> extends LearningTask {
  input?: I;
  /**
   * Runs this strategy instead of the one the engine or an A/B test would pick (a user forcing a
   * strategy). It must be one of the agent's strategies (else UNKNOWN_STRATEGY). The run is
   * learned from like any other unless `learn` is false: it is a real trial of that strategy.
   */
  strategy?: string;
  /**
   * `false`: run the engine's best strategy (or `strategy`) without exploring, without an A/B
   * assignment and without recording anything the learning layer reads (no experience, snapshot
   * or test result). Default true.
   */
  learn?: boolean;
}

/** What `executeWithStrategy` returns. Every field but `success` is optional. */
export interface TaskResult<O = unknown> {
  success: boolean;
  /** Milliseconds. When set (e.g. a simulator's virtual time) it is the task's duration; else measured. */
  executionTime?: number;
  errors?: Array<string | Error>;
  /** 0..1. */
  coverage?: number;
  /** 0..1. */
  satisfaction?: number;
  /** 0..1, higher is more efficient. */
  resourceUsage?: number;
  feedback?: LearningFeedback;
  /** Free-form result for the caller (findings, a generated suite...). Not used by learning. */
  output?: O;
}

/** What `executeTask` resolves to: the agent's result plus how the task was run. */
export interface ExecutedTaskResult<O = unknown> extends TaskResult<O> {
  taskId: string;
  agentId: string;
  /** Name of the strategy that ran. */
  strategy: string;
  /** True when the engine explored instead of exploiting. */
  explored: boolean;
  /** The A/B test that assigned the strategy, if any. */
  abTestId: string | null;
  /** The task's duration (ms): the agent's `executionTime` if given, else measured. */
  executionTime: number;
  /** Milliseconds `executeTask` spent around `executeWithStrategy` (selection, learning, storage). */
  overheadMs: number;
}

/** How the strategy of a task was chosen; passed to `onPreTask`. */
export interface StrategyChoice {
  strategy: StrategyDefinition;
  explored: boolean;
  abTestId: string | null;
}

/**
 * Timers, injectable so tests drive time instead of sleeping. Handles are opaque.
 * The default uses the global timers (unref'd, so a forgotten agent does not hold the process).
 */
export interface Scheduler {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

/** Which agent ran a task a `feedback` option judges, and with which strategy. */
export interface FeedbackContext {
  agentId: string;
  agentType: string;
  strategy: string;
}

/**
 * Builds an agent's learning engine from what `BaseAgent` would give `new LearningEngine(...)`:
 * its id, its store, and the resolved config, strategies (priors applied), clock, random source,
 * logger and resource probe. Returns a `LearningEngine` or a subclass (e.g. agentdb-adapter's
 * `AdvancedLearningEngine`), not yet initialised: the agent calls `initialize()`. Passed in by the
 * caller so the facade depends on no engine package above learning-core.
 */
export type LearningEngineFactory = (agentId: string, memory: SwarmMemoryManager, options: LearningEngineOptions) => LearningEngine;

/** Constructor options of `BaseAgent`. Only `id`, `type` and `memory` are required. */
export interface BaseAgentOptions {
  /** Unique agent id (letters, digits, `_ - .`). */
  id: string;
  /** Agent type, e.g. `test-generator`: picks `AGENT_CONFIGS[type]`. */
  type: string;
  /** A shared store, or a database path (then the agent opens, owns and closes it). */
  memory: SwarmMemoryManager | string;
  /** Overrides on top of `AGENT_CONFIGS[type]` over `BALANCED_CONFIG`. */
  learning?: Partial<LearningConfig>;
  /** Default true. When false the agent still runs tasks (exploiting) and reports metrics. */
  learningEnabled?: boolean;
  /**
   * Builds the learning engine instead of `new LearningEngine(id, memory, options)`: pass the
   * options on (e.g. `(id, memory, o) => new AdvancedLearningEngine(id, memory, { ...o, agentDB })`).
   * Must return a `LearningEngine` instance with this agent's id and exactly its strategies (build
   * it on the `memory` given); anything else, or a throw, is `FacadeError('INVALID_OPTIONS')` at
   * `initialize()`.
   */
  engine?: LearningEngineFactory;
  /**
   * Replaces the priors the agent's strategies ship (`StrategyDefinition.prior`), by strategy
   * name; `null` drops one. For a user whose projects are unlike the agent's benchmark.
   */
  strategyPriors?: Readonly<Record<string, StrategyPrior | null>>;
  /**
   * The user's judgement of a result (seed `LearningFeedback`), asked before the engine learns
   * from it when the result carries none: e.g. the fleet's triage verdicts on the findings the run
   * reported. Return undefined when there is nothing to say. A throw is logged and ignored. The
   * rating is what the engine learns and the tracker records as the task's user satisfaction.
   */
  feedback?: (task: LearningTask, result: TaskResult, run: FeedbackContext) => LearningFeedback | undefined;
  /** Capabilities registered in `agent_registry`. Default `[type]`. */
  capabilities?: string[];
  swarmId?: string;
  teamId?: string;
  /** Milliseconds since the epoch. Default `Date.now`. */
  clock?: Clock;
  /** Uniform [0, 1). Default `Math.random`. */
  random?: () => number;
  logger?: Logger;
  scheduler?: Scheduler;
  /** How free the machine is (0..1), a state feature. Default: the engine's OS probe. */
  resources?: ResourceProbe;
  /** Period of the improvement loop. Default 1 hour (seed 4.1). */
  improvementIntervalMs?: number;
  /** Period of the pattern sync (share own confident patterns, import the swarm's). Default 1 hour (seed 8.3). 0 disables it. */
  patternImportIntervalMs?: number;
  /** Overhead figures are persisted every this many tasks (and on shutdown). Default 1000. */
  metricsFlushEvery?: number;
}

/**
 * Lifecycle events an agent announces in process (`agent.on`). Only `agent:task_error` is also
 * stored (announced on the memory bus as `event:stored` after the commit), for the operator: a
 * completed task is already recorded by its tracker snapshot and, learning on, its
 * `learning:training` event, and another event row would cost a task more than its learning.
 */
export interface AgentEvents {
  'agent:pre_task': { agentId: string; taskId: string; taskType: string; strategy: string; explored: boolean };
  'agent:post_task': {
    agentId: string;
    taskId: string;
    taskType: string;
    strategy: string;
    explored: boolean;
    success: boolean;
    executionTime: number;
  };
  'agent:task_error': {
    agentId: string;
    taskId: string;
    taskType: string;
    strategy: string;
    code: string;
    message: string;
  };
}

/** Summary of a latency histogram (milliseconds). */
export interface OverheadSummary {
  count: number;
  avg: number;
  p50: number;
  p95: number;
  p99: number;
  peak: number;
}

/** Seed 11.2 `LearningDashboard`, every figure measured; extra fields say where they come from. */
export interface LearningDashboard {
  fleet: {
    totalAgents: number;
    learningEnabled: number;
    averageImprovement: number;
    targetAchieved: number;
  };
  performance: {
    avgOverhead: number;
    peakOverhead: number;
    p50Overhead: number;
    p95Overhead: number;
    p99Overhead: number;
    /** Tasks the overhead figures are measured over. */
    tasksMeasured: number;
  };
  learning: {
    totalExperiences: number;
    patternsDiscovered: number;
    activeABTests: number;
    improvementCycles: number;
  };
  memory: {
    /** Bytes: the sum of the agents' serialised learning states. */
    totalSize: number;
    avgPerAgent: number;
    /** Id of the agent with the largest state ('' with no agents). */
    largestAgent: string;
    /** Bytes of the SQLite database (pages in use). */
    databaseBytes: number;
  };
}
