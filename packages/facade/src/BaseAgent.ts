import { performance } from 'node:perf_hooks';
import {
  AGENT_CONFIGS,
  ImprovementLoop,
  LearningEngine,
  LearningEventType,
  PerformanceSafeguard,
  PerformanceTracker,
  StateVersioning,
  executionMetrics,
  resolveLearningConfig,
} from '@qe-fleet/learning-core';
import type {
  ABTestOutcome,
  ExecutionResult,
  LearnedPattern,
  LearningConfig,
  LearningEngineOptions,
  LearningFeedback,
  SnapshotInput,
  StrategyDefinition,
} from '@qe-fleet/learning-core';
import { SwarmMemoryManager } from '@qe-fleet/memory';
import type { Clock, Logger } from '@qe-fleet/memory';
import { FacadeError } from './FacadeError.js';
import { OverheadHistogram } from './OverheadHistogram.js';
import { StatisticsExchange } from './StatisticsExchange.js';
import { systemScheduler } from './systemScheduler.js';
import { TransactionBatcher } from './TransactionBatcher.js';
import type {
  AgentEvents,
  BaseAgentOptions,
  ExecutedTaskResult,
  OverheadSummary,
  Scheduler,
  StrategyChoice,
  Task,
  TaskResult,
} from './types.js';

const HOUR_MS = 3_600_000;
/** Seed 5.2: shared patterns live a week. */
const SHARED_PATTERN_TTL_S = 7 * 24 * 3600;
const SHARED_PREFIX = 'phase2/learning/shared/patterns/';
const ID_PATTERN = /^[\w.-]{1,128}$/;
const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** Measured figures of one agent. */
export interface AgentMetrics {
  agentId: string;
  tasksExecuted: number;
  tasksFailed: number;
  /** Learning overhead per task (ms). */
  overhead: OverheadSummary;
  /** Bytes of the serialised learning state, measured now. */
  stateBytes: number;
  /** Heap growth (bytes) measured around `initialize()`; includes garbage, so an upper bound. */
  initHeapDeltaBytes: number;
}

interface Ready {
  memory: SwarmMemoryManager;
  engine: LearningEngine;
  tracker: PerformanceTracker;
  loop: ImprovementLoop;
  safeguard: PerformanceSafeguard;
  batcher: TransactionBatcher;
}

type Listener<E extends keyof AgentEvents> = (payload: AgentEvents[E]) => void;

/**
 * Names of the rows an agent persists to `performance_metrics`: what dashboards read back, so
 * writers and readers share one list.
 */
export const LEARNING_METRICS = {
  overhead: {
    avg: 'learning.overhead.avg',
    p50: 'learning.overhead.p50',
    p95: 'learning.overhead.p95',
    p99: 'learning.overhead.p99',
    peak: 'learning.overhead.peak',
  },
  tasks: 'learning.tasks',
  stateBytes: 'learning.state.bytes',
  initHeapBytes: 'learning.heap.init',
} as const;

/**
 * An agent that learns which of its strategies works best (seed 4.1). Subclasses implement
 * `getStrategies()` and `executeWithStrategy()`; `executeTask()` picks the strategy (engine or
 * A/B test), runs it with the task's timeout, then records the snapshot, learns and stores the
 * lifecycle event in one transaction (shared with the other tasks finishing at the same time), and
 * measures everything it added around the run.
 */
export abstract class BaseAgent<I = unknown, O = unknown> {
  /** The agent's id. */
  readonly id: string;
  /** The agent's type (picks `AGENT_CONFIGS[type]`). */
  readonly type: string;
  readonly swarmId: string | undefined;
  readonly teamId: string | undefined;
  /** Logger given in the options (silent by default). */
  protected readonly logger: Logger;

  readonly #options: BaseAgentOptions;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #scheduler: Scheduler;
  readonly #config: LearningConfig;
  readonly #histogram = new OverheadHistogram();
  readonly #listeners = new Map<keyof AgentEvents, Set<(payload: never) => void>>();
  readonly #inFlight = new Set<Promise<unknown>>();
  #memory: SwarmMemoryManager | null = null;
  #engine: LearningEngine | null = null;
  #tracker: PerformanceTracker | null = null;
  #loop: ImprovementLoop | null = null;
  #safeguard: PerformanceSafeguard | null = null;
  #batcher: TransactionBatcher | null = null;
  #strategies = new Map<string, StrategyDefinition>();
  #importTimer: unknown = null;
  #exchange: StatisticsExchange | null = null;
  /** Own patterns published, with the evidence they had then. */
  readonly #published = new Map<string, { trials: number; at: number }>();
  #status: 'created' | 'initializing' | 'ready' | 'stopping' | 'stopped' = 'created';
  #tasksExecuted = 0;
  #tasksFailed = 0;
  #tasksSinceFlush = 0;
  #initHeapDeltaBytes = 0;

  constructor(options: BaseAgentOptions) {
    if (options === null || typeof options !== 'object') throw new FacadeError('INVALID_OPTIONS', `options must be an object, got ${show(options)}`);
    if (typeof options.id !== 'string' || !ID_PATTERN.test(options.id)) {
      throw new FacadeError('INVALID_OPTIONS', `agent id must match ${ID_PATTERN}, got ${show(options.id)}`);
    }
    if (typeof options.type !== 'string' || options.type.length === 0) {
      throw new FacadeError('INVALID_OPTIONS', 'agent type must be a non-empty string', { agentId: options.id });
    }
    if (!(options.memory instanceof SwarmMemoryManager) && (typeof options.memory !== 'string' || options.memory === '')) {
      throw new FacadeError('INVALID_OPTIONS', 'memory must be a SwarmMemoryManager or a database path', { agentId: options.id });
    }
    const checks = [
      ['improvementIntervalMs', (v: number) => Number.isFinite(v) && v > 0, 'a finite number > 0'],
      ['patternImportIntervalMs', (v: number) => Number.isFinite(v) && v >= 0, 'a finite number >= 0'],
      ['metricsFlushEvery', (v: number) => Number.isInteger(v) && v >= 1, 'an integer >= 1'],
    ] as const;
    for (const [key, ok, expected] of checks) {
      const value = options[key];
      if (value !== undefined && !ok(value)) {
        throw new FacadeError('INVALID_OPTIONS', `${key} must be ${expected}, got ${show(value)}`, { agentId: options.id });
      }
    }
    // Ids the store keys and access control compare: text or absent (a number would be stored as "12345.0").
    for (const key of ['swarmId', 'teamId'] as const) {
      const value = options[key];
      if (value !== undefined && (typeof value !== 'string' || value === '')) {
        throw new FacadeError('INVALID_OPTIONS', `${key} must be a non-empty string, got ${show(value)}`, { agentId: options.id });
      }
    }
    if (options.learningEnabled !== undefined && typeof options.learningEnabled !== 'boolean') {
      throw new FacadeError('INVALID_OPTIONS', `learningEnabled must be a boolean, got ${show(options.learningEnabled)}`, { agentId: options.id });
    }
    if (options.capabilities !== undefined && !(Array.isArray(options.capabilities) && options.capabilities.every((c) => typeof c === 'string'))) {
      throw new FacadeError('INVALID_OPTIONS', `capabilities must be an array of strings, got ${show(options.capabilities)}`, { agentId: options.id });
    }
    for (const key of ['clock', 'random', 'resources', 'engine'] as const) {
      if (options[key] !== undefined && typeof options[key] !== 'function') {
        throw new FacadeError('INVALID_OPTIONS', `${key} must be a function, got ${show(options[key])}`, { agentId: options.id });
      }
    }
    if (options.learning !== undefined && (options.learning === null || typeof options.learning !== 'object')) {
      throw new FacadeError('INVALID_OPTIONS', `learning must be an object, got ${show(options.learning)}`, { agentId: options.id });
    }
    this.id = options.id;
    this.type = options.type;
    this.swarmId = options.swarmId;
    this.teamId = options.teamId;
    this.logger = options.logger ?? silentLogger;
    this.#options = options;
    this.#clock = options.clock ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#scheduler = options.scheduler ?? systemScheduler;
    try {
      this.#config = resolveLearningConfig({
        ...AGENT_CONFIGS[options.type],
        ...options.learning,
        enabled: options.learningEnabled ?? options.learning?.enabled ?? true,
      });
    } catch (error) {
      throw new FacadeError('INVALID_OPTIONS', `invalid learning config for ${options.id}`, { agentId: options.id, cause: error });
    }
  }

  /** The strategies this agent can run (seed 4.1); called once by `initialize()`. */
  protected abstract getStrategies(): readonly StrategyDefinition[];

  /**
   * Runs `task` with `strategy`. Return `executionTime` when the duration is not wall time (a
   * simulator's virtual time). Stop work when `signal` aborts (the task's timeout); the result is
   * discarded then anyway. Throwing counts as a failure learned with the error's class.
   */
  protected abstract executeWithStrategy(task: Task<I>, strategy: StrategyDefinition, signal: AbortSignal): Promise<TaskResult<O>>;

  /** Called after the strategy is chosen, before the run; its time counts as the task's run time. A throw fails the task. */
  protected onPreTask(_task: Task<I>, _choice: StrategyChoice): void {}

  /** Called after a task completed (successfully or not) and was learned from. */
  protected onPostTask(_task: Task<I>, _result: ExecutedTaskResult<O>): void {}

  /** Called when a task threw or timed out, after it was learned from as a failure. */
  protected onTaskError(_task: Task<I>, _error: FacadeError): void {}

  /** Resolved learning configuration. */
  get learningConfig(): LearningConfig {
    return this.#config;
  }

  /** The store the agent uses. */
  get memory(): SwarmMemoryManager {
    return this.#ready().memory;
  }

  /** Seed 4.1 `learningEngine`. */
  get learningEngine(): LearningEngine {
    return this.#ready().engine;
  }

  /** Seed 4.1 `performanceTracker`. */
  get performanceTracker(): PerformanceTracker {
    return this.#ready().tracker;
  }

  /** Seed 4.1 `improvementLoop`. */
  get improvementLoop(): ImprovementLoop {
    return this.#ready().loop;
  }

  /** Seed 10.1 safeguard: checks every tracker window, rolls back and disables learning on a drop. */
  get safeguard(): PerformanceSafeguard {
    return this.#ready().safeguard;
  }

  /** Per-task learning overhead, as measured so far (read-only use: merge it into another). */
  get overheadHistogram(): OverheadHistogram {
    return this.#histogram;
  }

  /** True between `initialize()` and `shutdown()`. */
  get isReady(): boolean {
    return this.#status === 'ready';
  }

  /** Subscribes to a lifecycle event in process; returns the unsubscribe function. */
  on<E extends keyof AgentEvents>(type: E, listener: Listener<E>): () => void {
    let set = this.#listeners.get(type);
    if (set === undefined) this.#listeners.set(type, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Opens the store if given a path, then `initializeLearning()`. */
  async initialize(): Promise<void> {
    if (this.#status !== 'created') {
      throw new FacadeError('INVALID_OPTIONS', `agent ${this.id} was already initialised`, { agentId: this.id });
    }
    this.#status = 'initializing';
    const heapBefore = process.memoryUsage().heapUsed;
    try {
      const given = this.#options.memory;
      if (typeof given === 'string') {
        this.#memory = new SwarmMemoryManager(given, { clock: this.#clock, logger: this.logger });
        this.#memory.initialize();
      } else {
        this.#memory = given;
      }
      await this.initializeLearning();
    } catch (error) {
      this.#status = 'created';
      this.#closeOwnedMemory();
      throw error;
    }
    this.#initHeapDeltaBytes = process.memoryUsage().heapUsed - heapBefore;
    this.#status = 'ready';
  }

  /**
   * Seed 4.1: engine, tracker, loop and safeguard (seed 10) on the shared store, the agent
   * registered with its capabilities; with learning on, the improvement loop, the safeguard and
   * the periodic pattern sync are started on the scheduler.
   */
  protected async initializeLearning(): Promise<void> {
    const memory = this.#memory;
    if (memory === null) throw new FacadeError('NOT_INITIALIZED', `agent ${this.id} has no store`, { agentId: this.id });
    const overrides = this.#options.strategyPriors ?? {};
    const strategies = this.getStrategies().map((s): StrategyDefinition => {
      if (!Object.hasOwn(overrides, s.name)) return s;
      const { prior: _shipped, ...rest } = s;
      const prior = overrides[s.name];
      return prior === null || prior === undefined ? rest : { ...rest, prior };
    });
    const unknown = Object.keys(overrides).filter((name) => !strategies.some((s) => s.name === name));
    if (unknown.length > 0) {
      throw new FacadeError('INVALID_OPTIONS', `strategyPriors names no strategy of ${this.id}: ${unknown.join(', ')}`, { agentId: this.id });
    }
    if (strategies.length === 0) {
      throw new FacadeError('NO_STRATEGIES', `agent ${this.id} declares no strategies`, { agentId: this.id });
    }
    this.#strategies = new Map(strategies.map((s) => [s.name, s]));
    const clock = this.#clock;
    const logger = this.logger;
    const resources = this.#options.resources;
    const engine = this.#buildEngine(memory, {
      config: this.#config,
      strategies,
      clock,
      random: this.#random,
      logger,
      ...(resources === undefined ? {} : { resources }),
    }, strategies);
    this.#load('engine', () => engine.initialize());
    const tracker = new PerformanceTracker(this.id, memory, { clock, logger, rewardWeights: this.#config.rewardWeights });
    this.#load('performance tracker', () => tracker.initialize());
    const loop = new ImprovementLoop(this.id, memory, engine, tracker, { clock, random: this.#random, scheduler: this.#scheduler, logger });
    this.#load('improvement loop', () => loop.initialize());
    const versioning = new StateVersioning(this.id, memory, engine, { clock });
    const safeguard = new PerformanceSafeguard(this.id, memory, engine, tracker, versioning, { loop, clock, logger });
    memory.registerAgent({
      id: this.id,
      type: this.type,
      capabilities: this.#options.capabilities ?? [this.type],
      status: 'active',
      performance: {},
    });
    this.#engine = engine;
    this.#tracker = tracker;
    this.#loop = loop;
    this.#safeguard = safeguard;
    this.#exchange = new StatisticsExchange(memory, engine, this.#caller(), this.logger);
    this.#batcher = TransactionBatcher.of(memory);
    if (engine.isEnabled()) {
      safeguard.start();
      loop.start(this.#options.improvementIntervalMs ?? HOUR_MS);
      const importEvery = this.#options.patternImportIntervalMs ?? HOUR_MS;
      if (importEvery > 0) this.#importTimer = this.#scheduler.setInterval(() => this.#syncPatterns(), importEvery);
    }
  }

  /**
   * Runs one component's `initialize()`: a stored value it cannot read (an uncoded TypeError
   * from a hand-edited or foreign entry) becomes STATE_UNREADABLE naming the agent and component.
   */
  /** The `engine` option's engine (checked: the loop, safeguard and versioning need a real `LearningEngine`), else the default. */
  #buildEngine(memory: SwarmMemoryManager, options: LearningEngineOptions, strategies: readonly StrategyDefinition[]): LearningEngine {
    const factory = this.#options.engine;
    if (factory === undefined) return new LearningEngine(this.id, memory, options);
    const refuse = (why: string, cause?: unknown): never => {
      throw new FacadeError('INVALID_OPTIONS', `engine option of ${this.id}: ${why}`, { agentId: this.id, ...(cause === undefined ? {} : { cause }) });
    };
    let engine: unknown;
    try {
      engine = factory(this.id, memory, options);
    } catch (error) {
      refuse(`the factory threw: ${describe(error)}`, error);
    }
    if (!(engine instanceof LearningEngine)) return refuse(`the factory must return a LearningEngine, got ${show(engine)}`);
    if (engine.agentId !== this.id) refuse(`the engine is for agent ${show(engine.agentId)}`);
    const names = engine.getStrategies().map((s) => s.name);
    if (names.length !== strategies.length || strategies.some((s) => !names.includes(s.name))) {
      refuse(`the engine's strategies (${names.join(', ')}) are not the agent's (${strategies.map((s) => s.name).join(', ')})`);
    }
    return engine;
  }

  #load(component: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      if (error instanceof Error && typeof (error as { code?: unknown }).code === 'string') throw error;
      throw new FacadeError(
        'STATE_UNREADABLE',
        `agent ${this.id} cannot load its stored learning state (${component}: ${describe(error)}); restore a saved version (qe-fleet rollback) or remove the bad entry under phase2/learning/${this.id}/`,
        { agentId: this.id, cause: error },
      );
    }
  }

  /**
   * Runs a task with learning (seed 4.1 flow): resolves to the result plus how it ran; a task
   * that throws or times out rejects with a FacadeError (TASK_FAILED / TASK_TIMEOUT) after it
   * was learned from as a failure, and the agent keeps working.
   */
  executeTask(task: Task<I>): Promise<ExecutedTaskResult<O>> {
    const run = this.#executeTask(task);
    this.#inFlight.add(run);
    const forget = (): void => void this.#inFlight.delete(run);
    run.then(forget, forget);
    return run;
  }

  async #executeTask(task: Task<I>): Promise<ExecutedTaskResult<O>> {
    const { memory, engine, tracker, loop, batcher } = this.#ready();
    validateTask(task, this.id);
    const started = performance.now();
    // A task that must not be learned from neither explores nor joins an A/B test: what it runs
    // and what it finds must not depend on, or change, what the engine has learned.
    const record = task.learn !== false;
    const learning = engine.isEnabled() && record;
    const forced = task.strategy;
    const state = engine.extractTaskState(task);
    const test = learning && forced === undefined ? loop.assignStrategy(task.type) : null;
    // With learning off the engine exploits only.
    const selection = test !== null || forced !== undefined ? null : record ? engine.selectStrategy(state) : { ...engine.recommendStrategy(state), explored: false };
    const name = forced ?? test?.strategy ?? selection?.strategy ?? '';
    const strategy = this.#strategies.get(name);
    if (strategy === undefined) {
      throw new FacadeError('UNKNOWN_STRATEGY', `agent ${this.id} has no strategy "${name}" (has ${[...this.#strategies.keys()].join(', ')})`, {
        agentId: this.id,
        taskId: task.id,
        strategy: name,
      });
    }
    const choice: StrategyChoice = { strategy, explored: selection?.explored ?? false, abTestId: test?.testId ?? null };
    this.#emit('agent:pre_task', { agentId: this.id, taskId: task.id, taskType: task.type, strategy: name, explored: choice.explored });

    const controller = new AbortController();
    let result: TaskResult<O> | undefined;
    let failure: unknown;
    const runStarted = performance.now();
    let overhead = runStarted - started;
    try {
      this.onPreTask(task, choice);
      result = checkResult(await this.#runWithTimeout(task, strategy, controller));
    } catch (error) {
      failure = error;
    }
    const runEnded = performance.now();

    const timedOut = failure !== undefined && controller.signal.aborted;
    const executionTime = result?.executionTime ?? runEnded - runStarted;
    const context = { agentId: this.id, taskId: task.id, strategy: name, cause: failure };
    const error =
      failure === undefined
        ? null
        : timedOut
          ? new FacadeError('TASK_TIMEOUT', `task ${task.id} of ${this.id} timed out after ${task.timeout} ms`, context)
          : new FacadeError('TASK_FAILED', `task ${task.id} of ${this.id} failed with ${name}: ${describe(failure)}`, context);
    const execution: ExecutionResult = {
      strategy: name,
      success: result?.success ?? false,
      executionTime,
      errors: result?.errors ?? (failure === undefined ? [] : [timedOut ? (controller.signal.reason as Error) : toError(failure)]),
      ...pickMetrics(result),
    };
    const feedback = result?.feedback ?? (learning && result !== undefined ? this.#askFeedback(task, result, name) : undefined);
    const learned = batcher.run(() => {
      if (record) tracker.recordSnapshot(snapshotOf(execution, feedback));
      if (learning) engine.learnFromExecution(task, execution, feedback);
      // Scored as the engine scores it (the same fields and feedback), so the test decides on what is learned.
      if (test !== null) loop.recordTestResult(test.testId, name, execution.success, executionTime, abTestOutcome(execution, feedback));
      if (error !== null) memory.storeEvent({ type: 'agent:task_error', source: this.id, payload: this.#errorPayload(task, name, error) });
    }, () => this.#safely('reloading after a failed commit', () => {
      engine.reload();
      tracker.initialize();
      loop.initialize();
    }));
    overhead += performance.now() - runEnded;
    let learningFailure: unknown;
    try {
      overhead += await learned;
    } catch (cause) {
      learningFailure = cause;
    }
    overhead = this.#recordOverhead(memory, overhead, performance.now(), error !== null || !execution.success);
    if (learningFailure !== undefined) {
      throw new FacadeError('LEARNING_FAILED', `learning from task ${task.id} of ${this.id} failed: ${describe(learningFailure)}`, {
        ...context,
        cause: learningFailure,
      });
    }

    if (error !== null) {
      this.#emit('agent:task_error', this.#errorPayload(task, name, error));
      this.#safely('onTaskError', () => this.onTaskError(task, error));
      throw error;
    }
    const executed: ExecutedTaskResult<O> = {
      ...(result as TaskResult<O>),
      taskId: task.id,
      agentId: this.id,
      strategy: name,
      explored: choice.explored,
      abTestId: choice.abTestId,
      executionTime,
      overheadMs: overhead,
    };
    this.#emit('agent:post_task', this.#postPayload(task, choice, execution));
    this.#safely('onPostTask', () => this.onPostTask(task, executed));
    return executed;
  }

  /**
   * Seed 5.2: publishes this agent's own patterns whose confidence (Wilson lower bound) reaches
   * `patternConfidenceThreshold` and whose evidence changed since this agent last published them,
   * readable by its swarm for 7 days. `targets` only labels the event: access is by swarm.
   * Returns how many patterns were published.
   */
  sharePatterns(targets: readonly string[] = []): number {
    const { memory, engine } = this.#ready();
    const now = this.#clock();
    // Unchanged evidence is not published again until half its TTL has passed (then it is refreshed).
    const confident = engine.getPatterns().filter((p) => {
      if (p.source !== this.id || p.confidence < this.#config.patternConfidenceThreshold) return false;
      const last = this.#published.get(p.id);
      return last === undefined || last.trials !== p.trials || now - last.at >= (SHARED_PATTERN_TTL_S * 1000) / 2;
    });
    if (confident.length === 0) return 0;
    memory.transaction(() => {
      for (const pattern of confident) {
        memory.store(`${SHARED_PREFIX}${this.id}.${pattern.id}`, pattern, {
          partition: 'learning',
          ttl: SHARED_PATTERN_TTL_S,
          accessLevel: 'swarm',
          ...this.#caller(),
        });
        memory.storeEvent({
          type: LearningEventType.PATTERN_SHARED,
          source: this.id,
          payload: { pattern, source: this.id, targets: [...targets] },
        });
      }
    });
    for (const pattern of confident) this.#published.set(pattern.id, { trials: pattern.trials, at: now });
    return confident.length;
  }

  /**
   * Publishes this agent's own evidence as sufficient statistics (per state × strategy: trials,
   * reward sum, sum of squares, as discounted; `LearningEngine.exportStatistics`), readable by its
   * swarm for 7 days under `phase2/learning/shared/statistics/{agentId}`. Returns false when it
   * has no evidence yet.
   */
  shareStatistics(): boolean {
    this.#ready();
    return this.#exchange!.publish();
  }

  /**
   * Takes the statistics its swarm's peers published (`LearningEngine.importStatistics`: aged by
   * half per day, never outweighing this agent's own recent evidence, ignored where its own mean
   * contradicts them); an export already taken is not taken again. This, not
   * `importSharedPatterns`, is what the periodic sync imports. Returns how many were taken.
   */
  importSharedStatistics(): number {
    this.#ready();
    return this.#exchange!.importPeers();
  }

  /**
   * Seed 5.2: imports the confident patterns other agents of the swarm shared, for strategies this
   * agent has; never its own, never the same one twice unless it carries new evidence (more
   * trials). Returns how many were imported.
   */
  importSharedPatterns(): number {
    const { memory, engine } = this.#ready();
    const entries = memory.query<LearnedPattern>(`${SHARED_PREFIX}%`, { partition: 'learning', ...this.#caller() });
    let imported = 0;
    for (const entry of entries) {
      if (entry.owner === this.id) continue;
      try {
        // The engine refuses its own patterns, unknown strategies, low confidence and unchanged evidence.
        if (engine.importPattern(entry.value)) imported++;
      } catch (error) {
        // One malformed entry from a peer must not stop the import of the others.
        this.logger.warn(`${this.id} skipped shared pattern ${entry.key}: ${describe(error)}`);
      }
    }
    return imported;
  }

  /** What this agent measured so far. */
  getMetrics(): AgentMetrics {
    return {
      agentId: this.id,
      tasksExecuted: this.#tasksExecuted,
      tasksFailed: this.#tasksFailed,
      overhead: this.#histogram.summary(),
      stateBytes: this.#engine === null ? 0 : Buffer.byteLength(JSON.stringify(this.#engine.getState())),
      initHeapDeltaBytes: this.#initHeapDeltaBytes,
    };
  }

  /**
   * Persists the overhead figures to `performance_metrics` (done every `metricsFlushEvery` tasks
   * and on shutdown, which also stores the state and heap bytes: serialising the state is too
   * slow for the task path).
   */
  flushMetrics(): void {
    this.#flush(this.#ready().memory, false);
  }

  #flush(memory: SwarmMemoryManager, withMemoryFigures: boolean): void {
    // The store takes integer ms; a virtual clock may read fractions.
    const timestamp = Math.floor(this.#clock());
    const overhead = this.#histogram.summary();
    const row = (metric: string, value: number, unit: string) => ({ metric, value, unit, agentId: this.id, timestamp });
    const rows = [
      row(LEARNING_METRICS.overhead.avg, overhead.avg, 'ms'),
      row(LEARNING_METRICS.overhead.p50, overhead.p50, 'ms'),
      row(LEARNING_METRICS.overhead.p95, overhead.p95, 'ms'),
      row(LEARNING_METRICS.overhead.p99, overhead.p99, 'ms'),
      row(LEARNING_METRICS.overhead.peak, overhead.peak, 'ms'),
      row(LEARNING_METRICS.tasks, overhead.count, 'tasks'),
    ];
    if (withMemoryFigures) {
      const { stateBytes, initHeapDeltaBytes } = this.getMetrics();
      rows.push(row(LEARNING_METRICS.stateBytes, stateBytes, 'bytes'), row(LEARNING_METRICS.initHeapBytes, initHeapDeltaBytes, 'bytes'));
    }
    memory.storePerformanceMetrics(rows);
    this.#tasksSinceFlush = 0;
  }

  /**
   * Seed 4.1 `shutdownLearning`: waits for running tasks, stops the loop and the import, saves the
   * state and metrics, stores the final report at `phase2/learning/{id}/report`, marks the agent
   * stopped, and closes the store if the agent opened it. Idempotent.
   */
  async shutdown(): Promise<void> {
    if (this.#status !== 'ready') return;
    this.#status = 'stopping';
    await Promise.allSettled([...this.#inFlight]);
    const memory = this.#memory!;
    if (this.#importTimer !== null) this.#scheduler.clearInterval(this.#importTimer);
    this.#importTimer = null;
    try {
      this.#loop!.stop();
      this.#safeguard!.stop();
      const report = this.#tracker!.generateReport();
      memory.transaction(() => {
        this.#engine!.saveState();
        this.#flush(memory, true);
        memory.store(this.#key('report'), report, { partition: 'learning' });
        memory.updateAgentStatus(this.id, 'stopped');
      });
    } finally {
      this.#status = 'stopped';
      this.#closeOwnedMemory();
    }
  }

  #ready(): Ready {
    const [memory, engine, tracker, loop, safeguard, batcher] = [this.#memory, this.#engine, this.#tracker, this.#loop, this.#safeguard, this.#batcher];
    if (this.#status !== 'ready' || !memory || !engine || !tracker || !loop || !safeguard || !batcher) {
      throw new FacadeError(
        this.#status === 'stopped' || this.#status === 'stopping' ? 'SHUT_DOWN' : 'NOT_INITIALIZED',
        `agent ${this.id} is ${this.#status === 'ready' ? 'not initialised' : this.#status}`,
        { agentId: this.id },
      );
    }
    return { memory, engine, tracker, loop, safeguard, batcher };
  }

  /** The `feedback` option's judgement of a result; its failures must not fail the task. */
  #askFeedback(task: Task<I>, result: TaskResult<O>, strategy: string): LearningFeedback | undefined {
    const ask = this.#options.feedback;
    if (ask === undefined) return undefined;
    try {
      return ask(task, result as TaskResult, { agentId: this.id, agentType: this.type, strategy });
    } catch (error) {
      this.logger.warn(`agent ${this.id}: the feedback option threw; learning without it`, error);
      return undefined;
    }
  }

  async #runWithTimeout(task: Task<I>, strategy: StrategyDefinition, controller: AbortController): Promise<TaskResult<O>> {
    const running = this.executeWithStrategy(task, strategy, controller.signal);
    const timeout = task.timeout;
    if (timeout === undefined) return running;
    // Raced rather than trusted: an agent that ignores the signal must not hang the caller.
    return new Promise<TaskResult<O>>((resolve, reject) => {
      const timer = this.#scheduler.setTimeout(() => {
        const reason = new DOMException(`task timed out after ${timeout} ms`, 'TimeoutError');
        controller.abort(reason);
        reject(reason);
      }, timeout);
      running.then(
        (value) => {
          this.#scheduler.clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          this.#scheduler.clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  /** Counts the task, persists the figures when due, and records the overhead including that tail. */
  #recordOverhead(memory: SwarmMemoryManager, before: number, tailStarted: number, failed: boolean): number {
    this.#tasksExecuted++;
    if (failed) this.#tasksFailed++;
    // Not flushMetrics(): a task still finishing while the agent shuts down must not fail here.
    if (++this.#tasksSinceFlush >= (this.#options.metricsFlushEvery ?? 1000)) this.#flush(memory, false);
    const overhead = before + performance.now() - tailStarted;
    this.#histogram.record(overhead);
    return overhead;
  }

  #syncPatterns(): void {
    if (this.#status !== 'ready' || !this.#engine!.isEnabled()) return;
    try {
      // Patterns are still published (seed 5.2: events, what `qe-fleet patterns` lists); the evidence
      // pooled is the statistics: importing patterns too would count the same runs twice.
      this.sharePatterns();
      this.shareStatistics();
      this.importSharedStatistics();
    } catch (error) {
      this.logger.warn(`pattern sync of ${this.id} failed: ${describe(error)}`);
    }
  }

  #emit<E extends keyof AgentEvents>(type: E, payload: AgentEvents[E]): void {
    const set = this.#listeners.get(type);
    if (set === undefined) return;
    for (const listener of set) this.#safely(type, () => (listener as Listener<E>)(payload));
  }

  #safely(what: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.logger.error(`${what} of ${this.id} threw: ${describe(error)}`);
    }
  }

  #postPayload(task: Task<I>, choice: StrategyChoice, execution: ExecutionResult): AgentEvents['agent:post_task'] {
    return {
      agentId: this.id,
      taskId: task.id,
      taskType: task.type,
      strategy: execution.strategy,
      explored: choice.explored,
      success: execution.success,
      executionTime: execution.executionTime,
    };
  }

  #errorPayload(task: Task<I>, strategy: string, error: FacadeError): AgentEvents['agent:task_error'] {
    return { agentId: this.id, taskId: task.id, taskType: task.type, strategy, code: error.code, message: error.message };
  }

  #caller(): { agentId: string; swarmId?: string; teamId?: string } {
    return {
      agentId: this.id,
      ...(this.swarmId === undefined ? {} : { swarmId: this.swarmId }),
      ...(this.teamId === undefined ? {} : { teamId: this.teamId }),
    };
  }

  #key(suffix: string): string {
    return `phase2/learning/${this.id}/${suffix}`;
  }

  #closeOwnedMemory(): void {
    if (typeof this.#options.memory === 'string' && this.#memory !== null) {
      this.#memory.close();
      this.#memory = null;
    }
  }
}

function validateTask(task: Task<unknown>, agentId: string): void {
  const bad = (why: string): never => {
    throw new FacadeError('INVALID_TASK', `invalid task for ${agentId}: ${why}`, { agentId });
  };
  if (task === null || typeof task !== 'object') bad('not an object');
  if (typeof task.id !== 'string' || task.id === '') bad('id must be a non-empty string');
  if (typeof task.type !== 'string' || task.type === '') bad('type must be a non-empty string');
  if (task.timeout !== undefined && !(Number.isFinite(task.timeout) && task.timeout > 0)) bad('timeout must be a positive number of ms');
  if (task.retries !== undefined && !(Number.isInteger(task.retries) && task.retries >= 0)) bad('retries must be an integer >= 0');
  if (task.strategy !== undefined && (typeof task.strategy !== 'string' || task.strategy === '')) bad('strategy must be a non-empty string');
  if (task.learn !== undefined && typeof task.learn !== 'boolean') bad('learn must be a boolean');
}

function checkResult<O>(result: TaskResult<O>): TaskResult<O> {
  if (result === null || typeof result !== 'object' || typeof result.success !== 'boolean') {
    throw new TypeError('executeWithStrategy must resolve to a TaskResult with a boolean `success`');
  }
  if (result.executionTime !== undefined && !(Number.isFinite(result.executionTime) && result.executionTime >= 0)) {
    throw new TypeError('TaskResult.executionTime must be a finite number >= 0');
  }
  for (const key of ['coverage', 'satisfaction', 'resourceUsage'] as const) {
    const value = result[key];
    if (value !== undefined && !(Number.isFinite(value) && value >= 0 && value <= 1)) {
      throw new TypeError(`TaskResult.${key} must be a number in [0, 1], got ${String(value)}`);
    }
  }
  if (result.errors !== undefined && !Array.isArray(result.errors)) throw new TypeError('TaskResult.errors must be an array');
  return result;
}

/** What an A/B test scores besides success and time: the execution's other fields and the feedback the engine learns from. */
function abTestOutcome(execution: ExecutionResult, feedback: LearningFeedback | undefined): ABTestOutcome {
  const { errors, coverage, satisfaction, resourceUsage } = execution;
  const rated = feedback ?? execution.feedback;
  return {
    ...(errors === undefined ? {} : { errors }),
    ...(coverage === undefined ? {} : { coverage }),
    ...(satisfaction === undefined ? {} : { satisfaction }),
    ...(resourceUsage === undefined ? {} : { resourceUsage }),
    ...(rated === undefined ? {} : { feedback: rated }),
  };
}

function pickMetrics(result: TaskResult<unknown> | undefined): Partial<ExecutionResult> {
  if (result === undefined) return {};
  const picked: Partial<ExecutionResult> = {};
  if (result.coverage !== undefined) picked.coverage = result.coverage;
  if (result.satisfaction !== undefined) picked.satisfaction = result.satisfaction;
  if (result.resourceUsage !== undefined) picked.resourceUsage = result.resourceUsage;
  if (result.feedback !== undefined) picked.feedback = result.feedback;
  return picked;
}

/**
 * One task as a performance snapshot, mapped as the learning-core simulator does (a failure counts
 * as an error even without a message); a feedback rating is the user satisfaction, as in the reward.
 */
function snapshotOf(execution: ExecutionResult, feedback: LearningFeedback | undefined): SnapshotInput {
  // Success and satisfaction as the reward reads them (an empty run, coverage 0, is no success).
  const scored = executionMetrics(execution, feedback);
  return {
    metrics: {
      tasksCompleted: 1,
      successRate: scored.successRate ?? 0,
      averageExecutionTime: execution.executionTime,
      errorRate: !execution.success || (execution.errors?.length ?? 0) > 0 ? 1 : 0,
      userSatisfaction: scored.userSatisfaction ?? 0,
      resourceEfficiency: execution.resourceUsage ?? 0,
    },
  };
}

function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(describe(value));
}

function describe(value: unknown): string {
  return value instanceof Error ? value.message : show(value);
}

/** Any value, briefly, for a message; never throws (a symbol or null-prototype object in a template would). */
function show(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
    case 'object':
      return value === null ? 'null' : Array.isArray(value) ? `an array of ${value.length}` : 'an object';
    case 'function':
      return 'a function';
    case 'bigint':
      return `${value}n`;
    default:
      return String(value);
  }
}
