import type { Logger, SwarmMemoryManager } from '@qe-fleet/memory';
import { resolveLearningConfig } from './config.js';
import { createAlgorithm } from './createAlgorithm.js';
import { errorClass } from './errorClass.js';
import { LEARNING_EVENT_TTL, LearningEventType } from './events.js';
import { LearningError } from './LearningError.js';
import { checkAgentId, checkFeedback, checkOptions, checkPattern, checkPrior, checkResult, checkTask, show } from './inputChecks.js';
import { ReplayBuffer } from './ReplayBuffer.js';
import { aggregateImports, IMPORT_HALF_LIFE_MS, validateStatistics, type StoredImport } from './SharedEvidence.js';
import { calculateReward } from './reward.js';
import { createRandom } from './random.js';
import { normalCdf, wilsonInterval, wilsonLowerBound, Z95 } from './statistics.js';
import {
  createSystemResourceProbe,
  extractTaskState,
  featureCode,
  formatStateKey,
  parseStateKey,
  TYPE_LEVEL,
  TYPE_STRIDE,
} from './taskState.js';
import type {
  ArmContext,
  ArmEstimate,
  ExecutionResult,
  FailurePattern,
  LearnedPattern,
  LearningAlgorithm,
  LearningConfig,
  LearningEngineOptions,
  LearningFeedback,
  LearningModelState,
  LearningOutcome,
  LearningTask,
  RandomSource,
  ResourceProbe,
  SharedStatistics,
  StrategyDefinition,
  StrategyPrior,
  StrategyRecommendation,
  StrategySelection,
  TaskExperience,
  TaskState,
} from './types.js';

const PARTITION = 'learning';
/** Seed 2.2: patterns live 7 days in the patterns table, refreshed whenever used. */
const PATTERN_TTL = 7 * 24 * 3600;
/** Most pseudo-trials imported patterns may lend one strategy of one task type. */
const IMPORT_WEIGHT_CAP = 50;
/** Tasks in the baseline and the recent window `improvementRate` compares. */
const REWARD_WINDOW = 50;
/** Occurrences after which a failure pattern is announced as recurring. */
const FAILURE_RECURRENCE = 3;
/** Task states remembered between selection and learning (by task id). */
const STATE_CACHE_SIZE = 256;

/**
 * Draws of `select` from a private stream that estimate the propensity of a choice when the
 * algorithm has no `probabilities` (the chosen arm counts as one more draw, so the estimate is
 * never 0); the standard error of an estimate p is about sqrt(p (1 - p) / 256).
 */
const PROPENSITY_DRAWS = 255;

/** Seed of that private stream (its draws never touch the engine's own random source). */
const PROPENSITY_SEED = 0x70_70_73;

/** Smallest propensity logged: an algorithm's `probabilities` rounding a possible choice to 0 must not give an infinite weight. */
const MIN_PROPENSITY = 1e-4;
/**
 * The patterns-table copy of a pattern (an index for lookup and sharing; the durable record is its
 * memory_entries row, written every use) is refreshed when its confidence moved this much...
 */
const PATTERN_REFRESH_CONFIDENCE = 0.05;
/** ...or this long after the last refresh, far inside its 7-day TTL. */
const PATTERN_REFRESH_MS = 3600_000;

/**
 * Most experiences learned between two checkpoints (at most `replayBufferSize`, so all are in the
 * ring). A checkpoint rewrites every model row touched since the last one, and most tasks touch
 * rows touched before, so a longer interval writes fewer rows per task; a restart re-applies at
 * most this many experiences, a few milliseconds of CPU.
 */
const CHECKPOINT_EVERY = 256;

/**
 * The checkpoint's record of everything not in a model, pattern or failure-pattern row: it
 * describes the state after the first `taskCount` experiences (`enabled` is the last `setEnabled`).
 */
interface Meta {
  algorithm: string;
  explorationRate: number;
  taskCount: number;
  enabled: boolean;
  preferred: Record<string, string>;
  rewardBaseline: { sum: number; count: number };
}

/**
 * An experience as stored under `experiences/{seq % replayBufferSize}` (a ring: the newest
 * overwrites the one it evicts), with what re-applying it after the last checkpoint needs.
 * `previous` links it to the prior experience of its type.
 */
interface StoredExperience extends Omit<TaskExperience, 'nextStateKey'> {
  seq: number;
  previous: number | null;
  /** Absent in experiences written by `loadState`: the loaded state's checkpoint includes them. */
  success?: boolean;
  /** A failure's error classes, each with an example message. */
  failures?: Array<[string, string]>;
}

/** What `#apply` changed besides the model. */
interface Applied {
  pattern: LearnedPattern;
  discovered: boolean;
  failures: FailurePattern[];
  /** Sequence number of the prior experience of the task type, when still in the buffer. */
  previous: number | null;
}

const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };


/**
 * Learns which of an agent's strategies works best per task type and state (seed 3.1), and
 * persists every experience before `learnFromExecution` returns.
 *
 * Persistence: all keys are under `phase2/learning/{agentId}/` in partition `learning`:
 * `meta` (exploration rate, task count, enabled, preferred strategies), `config`, `q/{stateKey}`
 * (one row of algorithm statistics per state, `{taskType}|*` for a task type),
 * `experiences/{slot}` (a ring of `replayBufferSize`), `patterns/{id}`, `failure-patterns/{id}`,
 * and `state` (a full snapshot, `saveState` only). Each `learnFromExecution` writes its experience
 * and the `learning:training` event in ONE memory transaction, so a crash loses nothing
 * acknowledged. The model rows, patterns (mirrored in the patterns table with the 7-day TTL),
 * failure patterns and `meta` it changed are written as a checkpoint every 256 experiences (and
 * with every replay minibatch, which draws random numbers): a restart loads the checkpoint and
 * re-applies the experiences stored since, which is deterministic, so it rebuilds exactly the
 * state that was acknowledged at a fraction of the writes.
 *
 * Experience replay (q-learning only): every `updateFrequency` tasks, `batchSize` distinct random
 * experiences from the buffer are re-applied as TD updates (that is what replay is for: propagating
 * values learned since). The bandits use each experience exactly once: their statistics are counts
 * and sums, which replay would inflate.
 */
export class LearningEngine {
  readonly agentId: string;
  readonly #memory: SwarmMemoryManager;
  readonly #config: LearningConfig;
  readonly #strategies: StrategyDefinition[];
  readonly #arms: string[];
  readonly #armIndex: Map<string, number>;
  readonly #clock: () => number;
  readonly #random: RandomSource;
  readonly #logger: Logger;
  readonly #resources: ResourceProbe;
  readonly #prefix: string;
  readonly #algorithm: LearningAlgorithm;
  readonly #buffer: ReplayBuffer;
  /** The stream the algorithm draws from: the engine's, or the private one while propensities are sampled. */
  #algorithmStream: RandomSource;
  readonly #propensityStream: RandomSource = createRandom(PROPENSITY_SEED);
  /** Per state returned by `extractTaskState`, what `selectStrategy` chose in it and with what probability. */
  #selections = new WeakMap<TaskState, { arm: number; propensity: number }>();
  #types: string[] = [];
  #typeIndex = new Map<string, number>();
  #explorationRate = 0;
  #taskCount = 0;
  #enabled = true;
  /** The last `setEnabled` (persisted in `meta`; the config's `enabled` is not). */
  #switchedOn = true;
  #preferred = new Map<string, number>();
  #baseline = { sum: 0, count: 0 };
  /** Sequence number of the latest experience per task type index. */
  #pending = new Map<number, number>();
  #patterns = new Map<string, LearnedPattern>();
  /** Peers' shared statistics by source (`importStatistics`). */
  #imports = new Map<string, StoredImport>();
  #failures = new Map<string, FailurePattern>();
  #stateCache = new Map<string, TaskState>();
  /** Experiences the stored checkpoint includes, and the patterns changed since it. */
  #checkpointed = 0;
  #dirtyPatterns = new Set<string>();
  #dirtyFailures = new Set<string>();
  /** When and at what confidence each own pattern was last written to the patterns table. */
  #patternRecords = new Map<string, { confidence: number; at: number }>();
  #initialized = false;
  /** Per arm, the prior its strategy definition ships (null when none). */
  readonly #shipped: Array<StrategyPrior | null>;

  constructor(agentId: string, memory: SwarmMemoryManager, options: LearningEngineOptions = {}) {
    checkAgentId(agentId);
    checkOptions(options, 'options', ['clock', 'random', 'resources']);
    if (options.strategies !== undefined && !Array.isArray(options.strategies)) {
      throw new LearningError('INVALID_CONFIG', `strategies must be an array, got ${show(options.strategies)}`);
    }
    this.agentId = agentId;
    this.#memory = memory;
    this.#config = resolveLearningConfig(options.config);
    this.#strategies = (options.strategies ?? ['default']).map((s) =>
      typeof s === 'string' ? { name: s } : { ...s },
    );
    this.#arms = this.#strategies.map((s) => s.name);
    this.#armIndex = new Map(this.#arms.map((name, i) => [name, i]));
    this.#shipped = this.#strategies.map((s) => checkPrior(s.name, s.prior));
    if (
      this.#arms.length === 0 ||
      this.#arms.length > 65_535 ||
      this.#armIndex.size !== this.#arms.length ||
      this.#arms.some((n) => typeof n !== 'string' || n.length === 0)
    ) {
      throw new LearningError('INVALID_CONFIG', 'strategies must be 1-65535 distinct non-empty names');
    }
    this.#clock = options.clock ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#logger = options.logger ?? silentLogger;
    this.#resources = options.resources ?? createSystemResourceProbe(this.#clock);
    this.#prefix = `phase2/learning/${agentId}/`;
    this.#algorithmStream = this.#random;
    this.#algorithm = createAlgorithm(this.#config, this.#arms, () => this.#algorithmStream());
    this.#buffer = new ReplayBuffer(this.#config.replayBufferSize);
  }

  /** Loads the persisted state (or the `state` snapshot of an older store) and records the config. */
  initialize(): void {
    if (this.#initialized) return;
    const { stale, fresh } = this.#restore();
    this.#memory.transaction(() => {
      this.#put('config', this.#config);
      for (const key of stale) this.#memory.delete(key, { partition: PARTITION });
      // Re-applied experiences may be among the deleted ones; and `meta` marks a store in use.
      if (stale.length > 0 || fresh) this.#checkpoint();
    });
    this.#initialized = true;
    if (fresh) {
      const snapshot = this.#memory.retrieve(`${this.#prefix}state`, { partition: PARTITION });
      if (snapshot !== null) {
        try {
          this.loadState(snapshot as LearningModelState);
        } catch (error) {
          // An unusable old snapshot must not keep the agent from starting; it stays in the store.
          if (!(error instanceof LearningError)) throw error;
          this.#logger.warn(`learning ${this.agentId}: ignoring the stored snapshot: ${error.message}`);
        }
      }
    }
  }

  /** The resolved configuration. */
  getConfig(): LearningConfig {
    return { ...this.#config, rewardWeights: { ...this.#config.rewardWeights } };
  }

  /** The agent's strategies (the actions the engine chooses among). */
  getStrategies(): StrategyDefinition[] {
    return this.#strategies.map((s) => ({ ...s }));
  }

  /**
   * Seed 4.1 state of a task (with its task type), resources read from the probe. Remembered by
   * task id, so `learnFromExecution` learns about the state the strategy was chosen in.
   */
  extractTaskState(task: LearningTask): TaskState {
    const state = extractTaskState(task, this.#resources);
    if (typeof task.id === 'string') {
      this.#stateCache.delete(task.id);
      this.#stateCache.set(task.id, state);
      if (this.#stateCache.size > STATE_CACHE_SIZE) this.#stateCache.delete(this.#stateCache.keys().next().value!);
    }
    return state;
  }

  /**
   * The best strategy for a state (exploits). The estimate of each strategy comes from the
   * algorithm (Q-value, or the bandit mean over the state backed off to its task type).
   * `confidence` is P(chosen beats the runner-up) under a normal approximation with standard error
   * 0.5 / sqrt(trials + 1) (0 without trials, 1 with a single strategy that has trials).
   * `expectedImprovement` is 100 x (chosen estimate - mean estimate of the other strategies that
   * have trials) / that mean; 0 when no other strategy has trials. A strategy set by
   * `setPreferredStrategy` is chosen unless another's estimate beats it by more than 1.96 standard
   * errors of the difference.
   */
  recommendStrategy(state: TaskState): StrategyRecommendation {
    this.#ready();
    const ctx = this.#context(state);
    const estimates = this.#algorithm.estimates(ctx);
    return this.#describe(state, estimates, this.#exploit(state.taskType, estimates), false);
  }

  /**
   * The strategy to run (explores): q-learning is epsilon-greedy with the decaying exploration
   * rate, the bandits explore by their own rule (optimism or sampling). When learning is disabled
   * it exploits only. A draw of the greedy strategy runs the preferred one instead (`#exploit`)
   * unless the greedy one has less evidence than it: otherwise a strategy whose few trials put it
   * on top could never be run, and never gather the evidence that would overturn the preference
   * (a simulated agent kept an A/B winner of 0.7 success for 29 days over a strategy of 0.9 it had
   * tried 5 times).
   */
  selectStrategy(state: TaskState): StrategySelection {
    this.#ready();
    const ctx = this.#context(state);
    const estimates = this.#algorithm.estimates(ctx);
    const exploit = this.#exploit(state.taskType, estimates);
    const greedy = this.#argmax(estimates);
    const explore = this.#enabled && !this.#coldStart(state.taskType);
    const chosen = explore ? this.#algorithm.select(ctx, estimates, this.#explorationRate) : greedy;
    const standIn = explore && estimates[greedy]!.trials < estimates[exploit]!.trials ? greedy : exploit;
    const arm = chosen === greedy ? standIn : chosen;
    const explored = arm !== exploit;
    this.#selections.set(state, { arm, propensity: explore ? this.#propensity(ctx, estimates, chosen, greedy, standIn, arm) : 1 });
    return { ...this.#describe(state, estimates, arm, explored), explored, stateKey: this.#key(ctx.state) };
  }

  /**
   * Probability that this `selectStrategy` call returns `arm`: the algorithm's `select`
   * distribution (its `probabilities`, else sampled) with its greedy arm mapped to `standIn` (the
   * strategy a greedy draw runs), as `selectStrategy` maps it.
   */
  #propensity(ctx: ArmContext, estimates: ArmEstimate[], chosen: number, greedy: number, standIn: number, arm: number): number {
    // Only the run arm's entry (and the greedy one's, when the stand-in replaced it) is needed.
    let p = this.#algorithm.probabilities?.(ctx, this.#explorationRate, standIn === greedy ? [arm] : [arm, greedy]);
    if (!Array.isArray(p) || p.length !== this.#arms.length || !p.every(Number.isFinite)) {
      const counts = new Array<number>(this.#arms.length).fill(0);
      counts[chosen]! += 1;
      this.#algorithmStream = this.#propensityStream;
      try {
        for (let i = 0; i < PROPENSITY_DRAWS; i++) counts[this.#algorithm.select(ctx, estimates, this.#explorationRate)]! += 1;
      } finally {
        this.#algorithmStream = this.#random;
      }
      p = counts.map((c) => c / (PROPENSITY_DRAWS + 1));
    }
    const q = p[arm]! + (arm === standIn && standIn !== greedy ? p[greedy]! : 0);
    return Math.min(1, Math.max(MIN_PROPENSITY, q));
  }

  /**
   * Learns from one execution and records it durably before returning (inside a caller's
   * transaction: when that commits; if it rolls back instead, call `reload()`). Refuses a bad
   * result (`INVALID_RESULT`, `UNKNOWN_STRATEGY`) or task (`INVALID_TASK`) having written nothing.
   * When learning is disabled it records nothing and returns `learned: false`.
   */
  learnFromExecution(task: LearningTask, result: ExecutionResult, feedback?: LearningFeedback): LearningOutcome {
    this.#ready();
    checkTask(task);
    checkResult(result);
    checkFeedback(feedback);
    if (task === null || typeof task !== 'object' || typeof task.id !== 'string') {
      throw new LearningError('INVALID_TASK', 'task must be an object with a string id');
    }
    const cached = this.#stateCache.get(task.id);
    const state = cached !== undefined && cached.taskType === task.type ? cached : extractTaskState(task, this.#resources);
    const arm = this.#armIndex.get(result?.strategy);
    if (arm === undefined) {
      throw new LearningError('UNKNOWN_STRATEGY', `unknown strategy ${String(result?.strategy)}; known: ${this.#arms.join(', ')}`);
    }
    // The composite score with this agent's weights: what the tracker shows is what is learned.
    const reward = calculateReward(result, feedback, { weights: this.#config.rewardWeights });
    if (!this.#enabled) {
      return {
        learned: false,
        reward,
        replayed: 0,
        improved: false,
        improvementRate: this.#improvementRate(),
        confidence: this.#patterns.get(`${task.type}:${result.strategy}`)?.confidence ?? 0,
        patternsUpdated: 0,
        experience: null,
      };
    }
    this.#stateCache.delete(task.id);
    // The propensity is the engine's only when the strategy run is the one it chose for this state.
    const selection = this.#selections.get(state);
    const propensity = selection !== undefined && selection.arm === arm ? selection.propensity : undefined;
    try {
      return this.#learn(task, state, arm, result, reward, propensity);
    } catch (error) {
      // Memory and store must agree: drop whatever this call changed in memory.
      try {
        this.#restore();
      } catch (restoreError) {
        this.#logger.error(`learning ${this.agentId}: reloading after a failed write failed`, restoreError);
      }
      throw error;
    }
  }

  /**
   * Re-reads the whole learning state from the store, dropping whatever memory holds beyond it:
   * for callers whose enclosing transaction around `learnFromExecution` rolled back.
   */
  reload(): void {
    this.#ready();
    this.#restore();
  }

  /** Seed 7.3: one experience-replay minibatch now (q-learning; 0 for bandits). Persisted. */
  batchUpdate(): number {
    this.#ready();
    if (!this.#enabled || !this.#algorithm.replays) return 0;
    const replayed = this.#replay();
    this.#memory.transaction(() => this.#checkpoint());
    return replayed;
  }

  /** Learned and imported patterns, highest confidence first. */
  getPatterns(): LearnedPattern[] {
    return [...this.#patterns.values()].map((p) => ({ ...p })).sort((a, b) => b.confidence - a.confidence || b.trials - a.trials);
  }

  /** Failure patterns, most frequent first. */
  getFailurePatterns(): FailurePattern[] {
    return [...this.#failures.values()]
      .map((f) => ({ ...f, strategies: { ...f.strategies } }))
      .sort((a, b) => b.frequency - a.frequency);
  }

  /**
   * The agent's OWN evidence as sufficient statistics for its peers' `importStatistics`: per state
   * and strategy the (discounted) trials and reward sum, per task type also the sum of squared
   * rewards. Rows are empty for q-learning (its rows are values, not evidence).
   */
  exportStatistics(): SharedStatistics {
    this.#ready();
    const rows: SharedStatistics['rows'] = {};
    if (this.#algorithm.setImported !== undefined) {
      for (const code of this.#algorithm.rowCodes()) {
        const row = this.#algorithm.serializeRow(code) as { arms: Record<string, [number, number]>; squares?: Record<string, number> };
        const entries: SharedStatistics['rows'][string] = {};
        for (const [name, [trials, sum]] of Object.entries(row.arms)) {
          if (!(trials > 0)) continue;
          const squares = row.squares?.[name];
          entries[name] = squares === undefined ? [trials, sum] : [trials, sum, squares];
        }
        if (Object.keys(entries).length > 0) rows[this.#key(code)] = entries;
      }
    }
    return { version: 1, source: this.agentId, exportedAt: this.#clock(), rows };
  }

  /**
   * Takes a peer's `exportStatistics()` as evidence, replacing the earlier import from that
   * source (never adding to it). It is weighted by its age (half as much per day since export),
   * and per strategy it counts fully up to max(20, own trials) trials, never more than the
   * agent's own recent evidence once it has some, and not at all where the agent's own mean
   * contradicts it (see `BanditLearner`). Persisted under `imports/{source}`. Returns false
   * (storing nothing) for the agent's own statistics and for q-learning; a malformed export
   * throws `LearningError('INVALID_STATISTICS')`.
   */
  importStatistics(stats: SharedStatistics): boolean {
    this.#ready();
    validateStatistics(stats);
    if (!/^[\w.-]{1,128}$/.test(stats.source)) throw new LearningError('INVALID_STATISTICS', `bad source ${stats.source}`);
    if (stats.source === this.agentId || this.#algorithm.setImported === undefined) return false;
    const age = Math.max(0, this.#clock() - stats.exportedAt);
    const stored: StoredImport = { stats, weight: 0.5 ** (age / IMPORT_HALF_LIFE_MS) };
    this.#put(`imports/${stats.source}`, stored);
    this.#imports.set(stats.source, stored);
    this.#applyImports();
    return true;
  }

  /** Hands the algorithm every task type's imported evidence (an empty set where none is left). */
  #applyImports(): void {
    const setImported = this.#algorithm.setImported?.bind(this.#algorithm);
    if (setImported === undefined) return;
    const byType = aggregateImports(this.#imports.values(), this.#armIndex, (t) => this.#typeOf(t));
    for (let index = 0; index < this.#types.length; index++) {
      const entry = byType.get(index * TYPE_STRIDE);
      setImported(index * TYPE_STRIDE + TYPE_LEVEL, entry?.rows ?? new Map(), entry?.squares ?? new Float64Array(this.#arms.length));
    }
  }

  /**
   * Takes another agent's pattern as prior evidence: its mean reward counts for that task type and
   * strategy as its trials, up to 50 pseudo-trials over all sources, so it steers choices until the
   * agent's own data outweigh it. Bad strategies are evidence too: any pattern with at least
   * `minPatternTrials` trials is taken (`patternConfidenceThreshold` is for what agents advertise).
   * Re-importing replaces the earlier import from that source (no double counting). Returns false
   * (and stores nothing) for the agent's own patterns, unknown strategies, too few trials and
   * unchanged evidence.
   */
  importPattern(pattern: LearnedPattern): boolean {
    this.#ready();
    checkPattern(pattern);
    const p = validatePattern(pattern);
    const confidence = wilsonLowerBound(p.successes, p.trials);
    if (p.source === this.agentId || !this.#armIndex.has(p.strategy) || p.trials < this.#config.minPatternTrials) {
      return false;
    }
    const id = `${p.source}>${p.taskType}:${p.strategy}`;
    const existing = this.#patterns.get(id);
    if (existing !== undefined && existing.trials === p.trials && existing.successes === p.successes && existing.averageReward === p.averageReward) {
      return false;
    }
    const now = this.#clock();
    const imported: LearnedPattern = {
      ...p,
      id,
      pattern: `${p.taskType}:${p.strategy}`,
      confidence,
      interval: wilsonInterval(p.successes, p.trials),
      createdAt: existing?.createdAt ?? now,
      lastUsedAt: now,
    };
    this.#memory.transaction(() => {
      this.#memory.store(`${this.#prefix}patterns/${id}`, imported, { partition: PARTITION, owner: this.agentId });
      if (existing === undefined) this.#emit(LearningEventType.PATTERN_DISCOVERED, { agentId: this.agentId, pattern: imported, imported: true });
    });
    this.#patterns.set(id, imported);
    this.#applyPriors(p.taskType, p.strategy);
    return true;
  }

  /**
   * Makes `strategy` the one `recommendStrategy` returns for `taskType` (how the ImprovementLoop
   * applies an A/B winner) unless the engine's data show another strategy better with confidence;
   * null clears it. Persisted; emits `learning:strategy_changed`.
   */
  setPreferredStrategy(taskType: string, strategy: string | null): void {
    this.#ready();
    if (typeof taskType !== 'string' || taskType.length === 0) {
      throw new LearningError('INVALID_TASK', 'taskType must be a non-empty string');
    }
    const arm = strategy === null ? undefined : this.#armIndex.get(strategy);
    if (strategy !== null && arm === undefined) throw new LearningError('UNKNOWN_STRATEGY', `unknown strategy ${show(strategy)}`);
    const previous = this.#preferred.get(taskType);
    if (arm === undefined) this.#preferred.delete(taskType);
    else this.#preferred.set(taskType, arm);
    this.#memory.transaction(() => {
      this.#checkpoint();
      this.#emit(LearningEventType.STRATEGY_CHANGED, {
        agentId: this.agentId,
        taskType,
        strategy,
        previous: previous === undefined ? null : this.#arms[previous],
      });
    });
  }

  /** Current epsilon of q-learning's schedule; 0 for the bandits, which explore by their own rule. */
  getExplorationRate(): number {
    return this.#explorationRate;
  }

  /** Experiences learned from since the start (not only those still in the buffer). */
  getTotalExperiences(): number {
    return this.#taskCount;
  }

  /**
   * Disabled: selection still works (exploit only) and `learnFromExecution` records nothing.
   * Persisted, so a rollback's disable survives a restart.
   */
  setEnabled(enabled: boolean): void {
    this.#ready();
    this.#enabled = enabled;
    this.#switchedOn = enabled;
    this.#memory.transaction(() => this.#checkpoint());
  }

  isEnabled(): boolean {
    return this.#enabled;
  }

  /** The whole learning state, as persisted (experiences are read back from the store). */
  getState(): LearningModelState {
    this.#ready();
    const model: Record<string, unknown> = {};
    const keys = [...this.#algorithm.rowCodes()].map((code) => [this.#key(code), code] as const).sort(([a], [b]) => (a < b ? -1 : 1));
    for (const [key, code] of keys) model[key] = this.#algorithm.serializeRow(code);
    return {
      version: 1,
      agentId: this.agentId,
      algorithm: this.#config.algorithm,
      config: { ...this.#config },
      model,
      explorationRate: this.#explorationRate,
      taskCount: this.#taskCount,
      experiences: this.#readExperiences().map(([seq, e]) => {
        const { previous: _previous, seq: _seq, success: _success, failures: _failures, ...rest } = e;
        const slot = this.#buffer.slotOf(seq);
        const next = slot < 0 ? -1 : this.#buffer.nextAt(slot);
        return { ...rest, nextStateKey: next < 0 ? null : this.#key(next) };
      }),
      patterns: [...this.#patterns.values()].map((p) => ({ ...p })).sort(byId),
      failurePatterns: this.getFailurePatterns().sort(byId),
      preferredStrategies: this.#preferredNames(),
      rewardBaseline: { ...this.#baseline },
      savedAt: this.#clock(),
    };
  }

  /**
   * Replaces the whole learning state (in memory and in the store, in one transaction), e.g. on a
   * rollback. The engine keeps its own config; a state of another algorithm is refused
   * (`INVALID_STATE`), as is any malformed part, with nothing written.
   */
  loadState(state: LearningModelState): void {
    this.#ready();
    const rows = this.#validateState(state);
    const capacity = this.#config.replayBufferSize;
    const experiences = state.experiences.slice(-capacity);
    const first = state.taskCount - experiences.length;
    const lastOfType = new Map<string, { seq: number; next: string | null }>();
    const stored = experiences.map((e, i): [number, StoredExperience] => {
      const seq = first + i;
      const prior = lastOfType.get(e.taskType);
      lastOfType.set(e.taskType, { seq, next: e.nextStateKey });
      const { nextStateKey: _next, ...rest } = e;
      const previous = prior !== undefined && prior.next === e.stateKey ? prior.seq : null;
      return [seq, { ...rest, seq, previous }];
    });
    this.#memory.transaction(() => {
      for (const folder of ['q/', 'experiences/', 'patterns/', 'failure-patterns/']) {
        for (const key of this.#keys(folder)) this.#memory.delete(key, { partition: PARTITION });
      }
      for (const [key, row] of rows) this.#put(`q/${key}`, row);
      for (const [seq, e] of stored) this.#put(`experiences/${seq % capacity}`, e);
      for (const p of state.patterns) {
        this.#put(`patterns/${p.id}`, p);
        if (p.source === this.agentId) this.#storePatternRecord(p, true);
      }
      for (const f of state.failurePatterns) this.#put(`failure-patterns/${f.id}`, f);
      this.#putMeta(state.explorationRate, state.taskCount, { ...state.preferredStrategies }, { ...state.rewardBaseline });
    });
    this.#restore();
  }

  /** Stores the full snapshot at `phase2/learning/{agentId}/state` (seed 2.2). */
  saveState(): void {
    this.#memory.store(`${this.#prefix}state`, this.getState(), { partition: PARTITION, owner: this.agentId });
  }

  #learn(task: LearningTask, state: TaskState, arm: number, result: ExecutionResult, reward: number, propensity: number | undefined): LearningOutcome {
    const now = this.#clock();
    const ctx = this.#context(state);
    const seq = this.#taskCount;
    const failureClasses = result.success ? undefined : classify(result.errors ?? []);
    const { pattern, discovered, failures, previous } = this.#apply(seq, ctx, arm, reward, result.success, failureClasses, now, true);
    // Replay draws random numbers a restart could not draw again: its result goes into a checkpoint.
    const replays = this.#algorithm.replays && this.#taskCount % this.#config.updateFrequency === 0;
    const replayed = replays ? this.#replay() : 0;
    const checkpointDue = replays || this.#taskCount - this.#checkpointed >= Math.min(CHECKPOINT_EVERY, this.#buffer.capacity);

    const experience: TaskExperience = {
      id: `${this.agentId}:${seq}`,
      taskId: task.id,
      taskType: state.taskType,
      stateKey: this.#key(ctx.state),
      action: this.#arms[arm]!,
      reward,
      nextStateKey: null,
      timestamp: now,
      ...(propensity === undefined ? {} : { propensity }),
    };
    const improvementRate = this.#improvementRate();
    this.#memory.transaction(() => {
      const { nextStateKey: _next, ...rest } = experience;
      const stored: StoredExperience = { ...rest, seq, previous, success: result.success };
      if (failureClasses !== undefined) stored.failures = failureClasses;
      this.#put(`experiences/${seq % this.#buffer.capacity}`, stored);
      if (checkpointDue) this.#checkpoint();
      this.#storePatternRecord(pattern, pattern.trials === 1 || discovered);
      this.#emit(LearningEventType.TRAINING, { agentId: this.agentId, experience, reward, improvement: improvementRate });
      if (discovered) this.#emit(LearningEventType.PATTERN_DISCOVERED, { agentId: this.agentId, pattern, imported: false });
      for (const f of failures) {
        if (f.frequency === FAILURE_RECURRENCE) this.#emit(LearningEventType.FAILURE_DETECTED, { agentId: this.agentId, failure: f });
      }
    });
    return {
      learned: true,
      reward,
      replayed,
      improved: this.#taskCount > REWARD_WINDOW && improvementRate > 0,
      improvementRate,
      confidence: pattern.confidence,
      patternsUpdated: 1 + failures.length,
      experience,
    };
  }

  /**
   * Everything one experience changes in memory (nothing in the store): the model (unless
   * `learnModel` is false: a restart re-applying experiences another algorithm learned from), the
   * buffer, exploration, the reward baseline, its pattern and failure patterns. The one path for
   * learning live and for re-applying the experiences stored after the checkpoint, so both give
   * identical numbers.
   */
  #apply(
    seq: number,
    ctx: ArmContext,
    arm: number,
    reward: number,
    success: boolean,
    failureClasses: Array<[string, string]> | undefined,
    now: number,
    learnModel: boolean,
  ): Applied {
    const typeIdx = Math.floor(ctx.state / TYPE_STRIDE);
    const taskType = this.#types[typeIdx]!;
    const pendingSeq = this.#pending.get(typeIdx);
    const previousSlot = pendingSeq === undefined ? -1 : this.#buffer.slotOf(pendingSeq);
    if (learnModel) {
      this.#algorithm.update(ctx, arm, reward, null);
      if (previousSlot >= 0) {
        const b = this.#buffer;
        this.#algorithm.link(this.#contextOf(b.stateAt(previousSlot)), b.armAt(previousSlot), b.rewardAt(previousSlot), ctx);
      }
      if (this.#algorithm.usesEpsilon) {
        this.#explorationRate = Math.max(this.#config.minExplorationRate, this.#explorationRate * this.#config.explorationDecay);
      }
    }
    if (previousSlot >= 0) this.#buffer.setNext(previousSlot, ctx.state);
    this.#buffer.push(seq, ctx.state, arm, reward);
    this.#pending.set(typeIdx, seq);
    this.#taskCount = seq + 1;
    if (this.#baseline.count < REWARD_WINDOW) this.#baseline = { sum: this.#baseline.sum + reward, count: this.#baseline.count + 1 };
    const { pattern, discovered } = this.#touchPattern(taskType, arm, success, reward, now);
    const failures = success ? [] : this.#touchFailures(taskType, arm, failureClasses ?? [], now);
    return { pattern, discovered, failures, previous: previousSlot >= 0 ? pendingSeq! : null };
  }

  #replay(): number {
    let replayed = 0;
    const b = this.#buffer;
    for (const slot of b.sample(this.#config.batchSize, this.#random)) {
      const next = b.nextAt(slot);
      const applied = this.#algorithm.update(this.#contextOf(b.stateAt(slot)), b.armAt(slot), b.rewardAt(slot), next < 0 ? null : this.#contextOf(next));
      if (applied) replayed++;
    }
    return replayed;
  }

  #touchPattern(taskType: string, arm: number, success: boolean, reward: number, now: number): { pattern: LearnedPattern; discovered: boolean } {
    const strategy = this.#arms[arm]!;
    const id = `${taskType}:${strategy}`;
    const old = this.#patterns.get(id);
    const trials = (old?.trials ?? 0) + 1;
    const successes = (old?.successes ?? 0) + (success ? 1 : 0);
    const pattern: LearnedPattern = {
      id,
      pattern: id,
      taskType: old?.taskType ?? taskType,
      strategy,
      successes,
      trials,
      averageReward: (old?.averageReward ?? 0) + (reward - (old?.averageReward ?? 0)) / trials,
      confidence: wilsonLowerBound(successes, trials),
      interval: wilsonInterval(successes, trials),
      usageCount: (old?.usageCount ?? 0) + 1,
      source: this.agentId,
      createdAt: old?.createdAt ?? now,
      lastUsedAt: now,
    };
    this.#patterns.set(id, pattern);
    this.#dirtyPatterns.add(id);
    return { pattern, discovered: trials === this.#config.minPatternTrials };
  }

  #touchFailures(taskType: string, arm: number, classes: ReadonlyArray<[string, string]>, now: number): FailurePattern[] {
    const strategy = this.#arms[arm]!;
    return classes.map(([cls, example]) => {
      const id = `${taskType}:${cls}`;
      const old = this.#failures.get(id);
      const failure: FailurePattern = {
        id,
        pattern: id,
        taskType,
        errorClass: cls,
        frequency: (old?.frequency ?? 0) + 1,
        strategies: { ...old?.strategies, [strategy]: (old?.strategies[strategy] ?? 0) + 1 },
        lastSeen: now,
        example,
      };
      this.#failures.set(id, failure);
      this.#dirtyFailures.add(id);
      return failure;
    });
  }

  /**
   * Recomputes the prior of one task type and strategy from the strategy's shipped prior and
   * every imported pattern about it (together at most IMPORT_WEIGHT_CAP pseudo-trials).
   */
  #applyPriors(taskType: string, strategy: string): void {
    const arm = this.#armIndex.get(strategy)!;
    const shipped = this.#shipped[arm];
    let weight = shipped?.trials ?? 0;
    let sum = weight * (shipped?.expectedReward ?? 0);
    for (const p of this.#patterns.values()) {
      if (p.source === this.agentId || p.taskType !== taskType || p.strategy !== strategy) continue;
      weight += p.trials;
      sum += p.trials * p.averageReward;
    }
    const typeCode = this.#typeOf(taskType) * TYPE_STRIDE + TYPE_LEVEL;
    this.#algorithm.setPrior(typeCode, arm, weight > 0 ? sum / weight : 0, Math.min(IMPORT_WEIGHT_CAP, weight));
  }

  /**
   * True while the agent has shipped priors and no own run of this task type: the first run on
   * a fresh store then runs the best-known strategy instead of a draw.
   */
  #coldStart(taskType: string): boolean {
    if (!this.#shipped.some((p) => p !== null)) return false;
    for (const strategy of this.#arms) {
      const p = this.#patterns.get(`${taskType}:${strategy}`);
      if (p !== undefined && p.source === this.agentId && p.trials > 0) return false;
    }
    return true;
  }

  /** Percent change of the mean of the last 50 rewards against the first 50's. */
  #improvementRate(): number {
    if (this.#baseline.count === 0) return 0;
    const base = this.#baseline.sum / this.#baseline.count;
    const recent = this.#buffer.recentMean(this.#taskCount - 1, REWARD_WINDOW);
    return base > 0 && Number.isFinite(recent) ? ((recent - base) / base) * 100 : 0;
  }

  #exploit(taskType: string, estimates: ArmEstimate[]): number {
    const best = this.#argmax(estimates);
    const preferred = this.#preferred.get(taskType);
    if (preferred === undefined || preferred === best) return best;
    const b = estimates[best]!;
    const p = estimates[preferred]!;
    return b.mean - p.mean > Z95 * Math.hypot(standardError(b), standardError(p)) ? best : preferred;
  }

  #argmax(estimates: ArmEstimate[]): number {
    let best = 0;
    for (let i = 1; i < estimates.length; i++) if (estimates[i]!.mean > estimates[best]!.mean) best = i;
    return best;
  }

  #describe(state: TaskState, estimates: ArmEstimate[], arm: number, explored: boolean): StrategyRecommendation {
    const chosen = estimates[arm]!;
    const others = estimates.map((e, i) => ({ e, i })).filter(({ i }) => i !== arm);
    const runnerUp = others.reduce<{ e: ArmEstimate; i: number } | null>((r, o) => (r === null || o.e.mean > r.e.mean ? o : r), null);
    const versus = (a: ArmEstimate, b: ArmEstimate): number => normalCdf((a.mean - b.mean) / Math.hypot(standardError(a), standardError(b)));
    const confidence = chosen.trials === 0 ? 0 : runnerUp === null ? 1 : versus(chosen, runnerUp.e);
    const tried = others.filter(({ e }) => e.trials > 0);
    const othersMean = tried.reduce((s, { e }) => s + e.mean, 0) / tried.length;
    const expectedImprovement = tried.length > 0 && othersMean > 0 ? ((chosen.mean - othersMean) / othersMean) * 100 : 0;
    const preferred = this.#preferred.get(state.taskType) === arm;
    const reason = explored ? 'exploring' : preferred ? 'preferred (A/B winner), not beaten with confidence' : 'highest estimate';
    return {
      strategy: this.#arms[arm]!,
      confidence,
      expectedImprovement,
      reasoning:
        `${this.#config.algorithm}, ${reason}: ${this.#arms[arm]} expects ${chosen.mean.toFixed(3)} over ${round(chosen.trials)} trials` +
        (runnerUp === null ? '' : `; next ${this.#arms[runnerUp.i]} ${runnerUp.e.mean.toFixed(3)} over ${round(runnerUp.e.trials)}`),
      alternatives: others
        .sort((a, b) => b.e.mean - a.e.mean)
        .map(({ e, i }) => ({ strategy: this.#arms[i]!, confidence: e.trials === 0 ? 0 : versus(e, chosen), expectedValue: e.mean })),
    };
  }

  #context(state: TaskState): ArmContext {
    if (state === null || typeof state !== 'object' || typeof state.taskType !== 'string' || state.taskType.length === 0) {
      throw new LearningError('INVALID_TASK', 'state must be a TaskState with a taskType');
    }
    const base = this.#typeOf(state.taskType) * TYPE_STRIDE;
    return { state: base + featureCode(state), type: base + TYPE_LEVEL };
  }

  #contextOf(code: number): ArmContext {
    const base = code - (code % TYPE_STRIDE);
    return { state: code, type: base + TYPE_LEVEL };
  }

  #typeOf(taskType: string): number {
    let index = this.#typeIndex.get(taskType);
    if (index === undefined) {
      index = this.#types.length;
      this.#types.push(taskType);
      this.#typeIndex.set(taskType, index);
      // Every task type starts from the strategies' shipped priors.
      this.#shipped.forEach((prior, arm) => {
        if (prior !== null) this.#applyPriors(taskType, this.#arms[arm]!);
      });
    }
    return index;
  }

  #key(code: number): string {
    return formatStateKey(this.#types[Math.floor(code / TYPE_STRIDE)]!, code % TYPE_STRIDE);
  }

  #put(key: string, value: unknown): void {
    this.#memory.store(`${this.#prefix}${key}`, value, { partition: PARTITION, owner: this.agentId });
  }

  /** Writes what changed since the last checkpoint, and `meta`: the store then holds the state after `taskCount` experiences. */
  #checkpoint(): void {
    for (const code of this.#algorithm.takeDirty()) this.#put(`q/${this.#key(code)}`, this.#algorithm.serializeRow(code));
    for (const id of this.#dirtyPatterns) this.#put(`patterns/${id}`, this.#patterns.get(id));
    for (const id of this.#dirtyFailures) this.#put(`failure-patterns/${id}`, this.#failures.get(id));
    this.#dirtyPatterns.clear();
    this.#dirtyFailures.clear();
    this.#putMeta(this.#explorationRate, this.#taskCount, this.#preferredNames(), this.#baseline);
    this.#checkpointed = this.#taskCount;
  }

  /** Writes `meta`, which says how many experiences the stored rows include. */
  #putMeta(explorationRate: number, taskCount: number, preferred: Record<string, string>, rewardBaseline: Meta['rewardBaseline']): void {
    const meta: Meta = { algorithm: this.#config.algorithm, explorationRate, taskCount, enabled: this.#switchedOn, preferred, rewardBaseline };
    this.#put('meta', meta);
  }

  #preferredNames(): Record<string, string> {
    return Object.fromEntries([...this.#preferred].map(([t, arm]) => [t, this.#arms[arm]!]));
  }

  #storePatternRecord(pattern: LearnedPattern, force: boolean): void {
    const last = this.#patternRecords.get(pattern.id);
    const now = this.#clock();
    if (
      !force &&
      last !== undefined &&
      Math.abs(pattern.confidence - last.confidence) < PATTERN_REFRESH_CONFIDENCE &&
      now - last.at < PATTERN_REFRESH_MS
    ) {
      return;
    }
    this.#patternRecords.set(pattern.id, { confidence: pattern.confidence, at: now });
    this.#memory.storePattern({
      // The patterns table's `pattern` is unique across agents, so it is scoped by agent.
      pattern: `${this.agentId}/${pattern.pattern}`,
      confidence: pattern.confidence,
      usageCount: pattern.usageCount,
      agentId: this.agentId,
      metadata: { ...pattern },
      ttl: PATTERN_TTL,
    });
  }

  #emit(type: LearningEventType, payload: Record<string, unknown>): void {
    // The store takes integer ms; a virtual clock may read fractions.
    this.#memory.storeEvent({ type, payload, source: this.agentId, timestamp: Math.floor(this.#clock()), ttl: LEARNING_EVENT_TTL });
  }

  /** Keys under `phase2/learning/{agentId}/{folder}` (exact prefix: `_` is a LIKE wildcard). */
  #keys(folder: string): string[] {
    return this.#entries(folder).map((e) => e.key);
  }

  #entries(folder: string): Array<{ key: string; value: unknown }> {
    const prefix = `${this.#prefix}${folder}`;
    return this.#memory.query(`${prefix}%`, { partition: PARTITION }).filter((e) => e.key.startsWith(prefix));
  }

  /** Stored experiences, oldest first, with their keys. */
  #readExperiences(): Array<[number, StoredExperience, string]> {
    return this.#entries('experiences/')
      .map((e): [number, StoredExperience, string] => [(e.value as StoredExperience).seq, e.value as StoredExperience, e.key])
      .sort((a, b) => a[0] - b[0]);
  }

  /**
   * Rebuilds everything in memory from the store: the one path for initialize, reload and rollback.
   * Returns the keys it did not load (model rows of another algorithm, and experiences outside the
   * ring after `replayBufferSize` changed) and whether the store held no learning state (`meta`).
   */
  #restore(): { stale: string[]; fresh: boolean } {
    const stale: string[] = [];
    this.#algorithm.clear();
    this.#buffer.clear();
    this.#types = [];
    this.#typeIndex.clear();
    this.#pending.clear();
    this.#patterns.clear();
    this.#failures.clear();
    this.#preferred.clear();
    this.#patternRecords.clear();
    const meta = this.#memory.retrieve(`${this.#prefix}meta`, { partition: PARTITION }) as Meta | null;
    const sameAlgorithm = meta === null || meta.algorithm === this.#config.algorithm;
    if (!sameAlgorithm) {
      this.#logger.warn(`learning ${this.agentId}: algorithm changed from ${meta.algorithm} to ${this.#config.algorithm}; model statistics start afresh`);
    }
    this.#explorationRate = this.#algorithm.usesEpsilon ? (sameAlgorithm && meta !== null ? meta.explorationRate : this.#config.explorationRate) : 0;
    const checkpoint = meta?.taskCount ?? 0;
    this.#taskCount = checkpoint;
    this.#switchedOn = meta?.enabled ?? true;
    this.#enabled = this.#config.enabled && this.#switchedOn;
    this.#baseline = { ...(meta?.rewardBaseline ?? { sum: 0, count: 0 }) };
    for (const [taskType, strategy] of Object.entries(meta?.preferred ?? {})) {
      const arm = this.#armIndex.get(strategy);
      if (arm !== undefined) this.#preferred.set(taskType, arm);
    }
    const prefix = `${this.#prefix}q/`;
    for (const { key, value } of this.#entries('q/')) {
      const parsed = parseStateKey(key.slice(prefix.length));
      if (parsed === null || !sameAlgorithm) {
        stale.push(key);
        continue;
      }
      this.#algorithm.restoreRow(this.#typeOf(parsed.taskType) * TYPE_STRIDE + parsed.code, value);
    }
    for (const { value } of this.#entries('patterns/')) {
      const p = value as LearnedPattern;
      this.#patterns.set(p.id, p);
    }
    for (const p of this.#patterns.values()) if (p.source !== this.agentId) this.#applyPriors(p.taskType, p.strategy);
    this.#imports.clear();
    for (const { value } of this.#entries('imports/')) {
      const stored = value as StoredImport;
      this.#imports.set(stored.stats.source, stored);
    }
    this.#applyImports();
    for (const { value } of this.#entries('failure-patterns/')) {
      const f = value as FailurePattern;
      this.#failures.set(f.id, f);
    }
    this.#algorithm.takeDirty();
    this.#dirtyPatterns.clear();
    this.#dirtyFailures.clear();
    const experiences = this.#readExperiences();
    const capacity = this.#buffer.capacity;
    const last = experiences.at(-1)?.[0] ?? -1;
    for (const [seq, e, key] of experiences) {
      const inRing = key === `${this.#prefix}experiences/${seq % capacity}` && seq > last - capacity;
      if (!inRing) stale.push(key);
      const parsed = parseStateKey(e.stateKey);
      const arm = this.#armIndex.get(e.action);
      if ((!inRing && seq < checkpoint) || parsed === null || arm === undefined) continue;
      const typeIdx = this.#typeOf(parsed.taskType);
      const code = typeIdx * TYPE_STRIDE + parsed.code;
      if (seq >= checkpoint) {
        this.#apply(seq, this.#contextOf(code), arm, e.reward, e.success === true, e.failures, e.timestamp, sameAlgorithm);
        continue;
      }
      this.#buffer.push(seq, code, arm, e.reward);
      const previous = e.previous === null ? -1 : this.#buffer.slotOf(e.previous);
      if (previous >= 0) this.#buffer.setNext(previous, code);
      this.#pending.set(typeIdx, seq);
    }
    this.#taskCount = Math.max(checkpoint, last + 1);
    this.#checkpointed = checkpoint;
    return { stale, fresh: meta === null };
  }

  #validateState(state: LearningModelState): Array<[string, unknown]> {
    const bad = (why: string): never => {
      throw new LearningError('INVALID_STATE', `cannot load learning state: ${why}`);
    };
    if (state === null || typeof state !== 'object' || state.version !== 1) bad('version must be 1');
    if (state.algorithm !== this.#config.algorithm) bad(`it is for ${state.algorithm}, this engine runs ${this.#config.algorithm}`);
    if (!Number.isInteger(state.taskCount) || state.taskCount < 0) bad('taskCount must be an integer >= 0');
    if (!(state.explorationRate >= 0 && state.explorationRate <= 1)) bad('explorationRate must be in [0, 1]');
    if (![state.experiences, state.patterns, state.failurePatterns].every(Array.isArray)) bad('experiences and patterns must be arrays');
    if (state.experiences.length > state.taskCount) bad('more experiences than taskCount');
    if (state.model === null || typeof state.model !== 'object') bad('model must be an object');
    const rows = Object.entries(state.model as Record<string, unknown>);
    // Restoring into a scratch algorithm checks every row before anything is written.
    const scratch = createAlgorithm(this.#config, this.#arms, this.#random);
    const types = new Map<string, number>();
    for (const [key, row] of rows) {
      const parsed = parseStateKey(key) ?? bad(`bad model key ${key}`);
      const typeIdx = types.get(parsed.taskType) ?? types.size;
      types.set(parsed.taskType, typeIdx);
      scratch.restoreRow(typeIdx * TYPE_STRIDE + parsed.code, row);
    }
    for (const e of state.experiences) {
      if (parseStateKey(e?.stateKey) === null || typeof e.reward !== 'number' || !(e.reward >= 0 && e.reward <= 1)) {
        bad(`bad experience ${String(e?.id)}`);
      }
    }
    for (const p of state.patterns) validatePattern(p);
    for (const f of state.failurePatterns) if (typeof f?.id !== 'string' || !(f.frequency >= 0)) bad('bad failure pattern');
    return rows;
  }

  #ready(): void {
    if (!this.#initialized) throw new LearningError('NOT_INITIALIZED', 'call initialize() first');
  }
}

/** A failure's distinct error classes, each with its first message as the example. */
function classify(errors: ReadonlyArray<string | Error>): Array<[string, string]> {
  const byClass = new Map<string, string>();
  for (const error of errors) {
    const cls = errorClass(error);
    if (!byClass.has(cls)) byClass.set(cls, (error instanceof Error ? error.message : String(error)).slice(0, 200));
  }
  if (byClass.size === 0) byClass.set('unknown', 'failed without an error');
  return [...byClass];
}

const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

const round = (x: number): string => (Number.isInteger(x) ? String(x) : x.toFixed(1));

/** Standard error of an estimate of a [0, 1] reward (0.5 bounds its standard deviation). */
const standardError = (e: ArmEstimate): number => 0.5 / Math.sqrt(e.trials + 1);

function validatePattern(p: LearnedPattern): LearnedPattern {
  const ok =
    p !== null &&
    typeof p === 'object' &&
    typeof p.id === 'string' &&
    typeof p.taskType === 'string' &&
    p.taskType.length > 0 &&
    typeof p.strategy === 'string' &&
    typeof p.source === 'string' &&
    Number.isInteger(p.trials) &&
    Number.isInteger(p.successes) &&
    p.successes >= 0 &&
    p.successes <= p.trials &&
    typeof p.averageReward === 'number' &&
    p.averageReward >= 0 &&
    p.averageReward <= 1;
  if (!ok) throw new LearningError('INVALID_PATTERN', `bad pattern ${JSON.stringify(p)?.slice(0, 200)}`);
  return p;
}
