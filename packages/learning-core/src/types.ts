/**
 * Public types of @qe-fleet/learning-core: the contract the facade, the agents and the fleet app
 * code against. Names follow the seed (sections 3, 5, 10, Appendix A).
 */
import type { Logger } from '@qe-fleet/memory';

/** Learning algorithms behind the `LearningAlgorithm` interface. */
export type AlgorithmName =
  | 'q-learning'
  | 'ucb1'
  | 'thompson-sampling'
  | 'discounted-thompson'
  | 'sliding-window-ucb';

/**
 * What `LearningConfig.algorithm` accepts: a built-in `AlgorithmName` or a name added with
 * `registerAlgorithm` (e.g. `@qe-fleet/agentdb-adapter`'s `registerAgentDBAlgorithms()`).
 */
export type AlgorithmId = AlgorithmName | (string & {});

/**
 * Learning configuration (seed A.1 plus what the seed left implicit). `discountFactor` only
 * matters to `q-learning`: the next state is the state of the agent's next task of the same type,
 * so with mostly independent tasks a value near 0 avoids bootstrapping from unrelated tasks.
 */
export interface LearningConfig {
  enabled: boolean;
  /** Built in, or registered with `registerAlgorithm` before the engine is created. */
  algorithm: AlgorithmId;
  learningRate: number;
  discountFactor: number;
  explorationRate: number;
  explorationDecay: number;
  minExplorationRate: number;
  maxMemorySize: number;
  batchSize: number;
  updateFrequency: number;
  /** Experience replay capacity (default 1000). */
  replayBufferSize: number;
  /** Trials a pattern needs before its confidence counts. */
  minPatternTrials: number;
  /** Confidence (Wilson lower bound) a pattern needs to be shared as a recommendation (seed: 0.8). */
  patternConfidenceThreshold: number;
  /**
   * Forgetting factor of `discounted-thompson` (0 < d <= 1): every update of a statistics row first
   * multiplies its counts by d, so old evidence fades with an effective memory of 1 / (1 - d) tasks.
   */
  banditDiscount: number;
  /** Window (in tasks of one task type) of `sliding-window-ucb`. */
  slidingWindowSize: number;
  /**
   * Weights of the composite score (seed 10.1) that is the engine's reward, the tracker's score
   * and the safeguard's rule; `DEFAULT_REWARD_WEIGHTS` (seed 10.1's) unless an agent's quality
   * signal matters more. A partial object is completed from the defaults.
   */
  rewardWeights: RewardWeights;
}

/** A strategy (an action) an agent can run. */
export interface StrategyDefinition {
  name: string;
  description?: string;
  config?: Record<string, unknown>;
  /**
   * What the agent knows about the strategy before any run on this database (its own benchmark),
   * shipped with the agent: a fresh store starts from it, and real evidence washes it out.
   */
  prior?: StrategyPrior;
}

/**
 * A shipped prior of one strategy: its expected reward (the composite score, [0, 1]) counted as
 * `trials` runs of evidence (at most 50, so a few dozen own runs outweigh it), with where it was
 * measured. On a fresh store (no own run of a task type yet) the engine runs the strategy whose
 * prior is highest; afterwards it samples, so exploration goes where the priors are uncertain.
 */
export interface StrategyPrior {
  /** Expected reward in [0, 1] (`calculateReward` with the agent's weights, as measured). */
  expectedReward: number;
  /** Runs of evidence the prior is worth, in (0, 50]. */
  trials: number;
  /** Where the figure comes from: the command and target that measured it. */
  evidence: string;
}

/** A task as the learning layer sees it (seed 4.2). */
export interface LearningTask {
  id: string;
  type: string;
  capabilities?: string[];
  context?: Record<string, unknown>;
  retries?: number;
  timeout?: number;
}

/** Discretised state of a task (seed 4.1 `extractTaskState`, plus the task type). */
export interface TaskState {
  taskType: string;
  /** 0..1, clamped. */
  taskComplexity: number;
  requiredCapabilities: string[];
  contextFeatures: Record<string, unknown>;
  previousAttempts: number;
  /** 0..1, read from the process/OS. */
  availableResources: number;
  timeConstraint?: number;
}

/** Optional user feedback on a task (seed `LearningFeedback`). */
export interface LearningFeedback {
  /** 0..1. */
  rating: number;
  comment?: string;
  source?: string;
}

/** What an agent reports after running a task with a strategy. */
export interface ExecutionResult {
  /** The strategy that was run (one of the engine's strategy names). */
  strategy: string;
  success: boolean;
  /** Milliseconds. */
  executionTime: number;
  errors?: Array<string | Error>;
  /** 0..1. */
  coverage?: number;
  /** 0..1. */
  satisfaction?: number;
  /** 0..1, higher is more efficient. */
  resourceUsage?: number;
  feedback?: LearningFeedback;
}

/** A ranked alternative inside a recommendation. */
export interface StrategyAlternative {
  strategy: string;
  confidence: number;
  expectedValue: number;
}

/** What `recommendStrategy` returns (seed 3.1). */
export interface StrategyRecommendation {
  strategy: string;
  confidence: number;
  /** Percent by which the chosen strategy's expected reward beats the mean of the others. */
  expectedImprovement: number;
  reasoning: string;
  alternatives: StrategyAlternative[];
}

/** What the exploring selection call returns: a recommendation plus whether it explored. */
export interface StrategySelection extends StrategyRecommendation {
  explored: boolean;
  stateKey: string;
}

/** One experience (state, action, reward, next state). */
export interface TaskExperience {
  id: string;
  taskId: string;
  taskType: string;
  stateKey: string;
  action: string;
  reward: number;
  nextStateKey: string | null;
  timestamp: number;
  /**
   * Probability with which the engine's `selectStrategy` chose `action` for this task (the logging
   * policy's propensity, for off-policy evaluation): exact when the algorithm implements
   * `probabilities`, else estimated by sampling its `select`; 1 when the choice was deterministic
   * (exploiting: learning off, a cold start on shipped priors). Absent when the strategy run was
   * not the engine's choice (forced, an A/B test) or in experiences stored before it was logged.
   */
  propensity?: number;
}

/** What `learnFromExecution` returns. */
export interface LearningOutcome {
  learned: boolean;
  /** Experiences re-applied by experience replay during this call (q-learning only). */
  replayed: number;
  reward: number;
  improved: boolean;
  /** Percent change of the recent mean reward against the first window's. */
  improvementRate: number;
  confidence: number;
  patternsUpdated: number;
  experience: TaskExperience | null;
}

/**
 * What an agent shares with its peers (`LearningEngine.exportStatistics`): its OWN evidence as
 * sufficient statistics, never what it imported, so evidence is never counted twice.
 */
export interface SharedStatistics {
  version: 1;
  /** The exporting agent. */
  source: string;
  /** The exporter's clock (ms) at export; the importer discounts by the age. */
  exportedAt: number;
  /**
   * State key (`taskType|c..` or `taskType|*` for the whole type) → strategy → `[trials, reward
   * sum]`, plus the sum of squared rewards on `|*` rows: discounted as the exporter holds them.
   */
  rows: Record<string, Record<string, [number, number] | [number, number, number]>>;
}

/** A learned `taskType:strategy` pattern with a statistical confidence. */
export interface LearnedPattern {
  id: string;
  /** `taskType:strategy`. */
  pattern: string;
  taskType: string;
  strategy: string;
  successes: number;
  trials: number;
  averageReward: number;
  /**
   * Wilson lower bound of the success rate (95 %), from the first trial on: 2 of 2 gives 0.34,
   * honest about few trials without hiding them (`minPatternTrials` governs discovery and sharing).
   */
  confidence: number;
  /** 95 % Wilson interval of the success rate, beside `trials` (absent in patterns stored by older versions). */
  interval?: [number, number];
  usageCount: number;
  /** Agent it was learned by (differs from the owner when imported). */
  source: string;
  createdAt: number;
  lastUsedAt: number;
}

/** A recurring failure of a task type with an error class. */
export interface FailurePattern {
  id: string;
  /** `taskType:errorClass`. */
  pattern: string;
  taskType: string;
  errorClass: string;
  frequency: number;
  strategies: Record<string, number>;
  lastSeen: number;
  example: string;
}

/** The whole learning state, as saved, versioned and restored. */
export interface LearningModelState {
  version: 1;
  agentId: string;
  algorithm: AlgorithmId;
  config: LearningConfig;
  /** Algorithm statistics (Q-values, counts, posteriors), as the algorithm serialises them. */
  model: unknown;
  explorationRate: number;
  taskCount: number;
  experiences: TaskExperience[];
  patterns: LearnedPattern[];
  failurePatterns: FailurePattern[];
  /** Strategies set by `setPreferredStrategy`, by task type. */
  preferredStrategies: Record<string, string>;
  /** Sum and count of the first rewards (the window `improvementRate` compares against). */
  rewardBaseline: { sum: number; count: number };
  savedAt: number;
}

/** The per-task metrics of a snapshot (seed `PerformanceMetrics.metrics`). */
export interface PerformanceMetricValues {
  tasksCompleted: number;
  successRate: number;
  averageExecutionTime: number;
  errorRate: number;
  userSatisfaction: number;
  resourceEfficiency: number;
}

/** Direction of a metric over time. */
export interface MetricTrend {
  metric: keyof PerformanceMetricValues;
  direction: 'improving' | 'stable' | 'declining';
  changeRate: number;
}

/** Seed `PerformanceMetrics`. */
export interface PerformanceMetrics {
  agentId: string;
  period: { start: Date; end: Date };
  metrics: PerformanceMetricValues;
  trends: MetricTrend[];
}

/** Seed `ImprovementData`. */
export interface ImprovementData {
  agentId: string;
  baselineScore: number;
  currentScore: number;
  /** Percent. */
  improvementRate: number;
  daysElapsed: number;
  /** `improvementRate >= 20`. */
  targetAchieved: boolean;
  /**
   * Snapshots on each side of the comparison: `windowSize`, or half the snapshots while there are
   * fewer than two windows of them (the first half against the second, so a few runs already show
   * a change).
   */
  compared?: number;
  /** 95 % interval of `improvementRate` (normal approximation over the compared snapshots' scores). */
  interval?: [number, number];
}

/** An A/B test between strategies. */
export interface ABTest {
  id: string;
  name: string;
  taskType: string | null;
  strategies: Array<{ name: string; config: Record<string, unknown> }>;
  /** Minimum samples per arm before a decision. */
  sampleSize: number;
  results: ABTestArmResult[];
  status: 'running' | 'completed' | 'cancelled';
  winner: string | null;
  conclusion: string | null;
  startedAt: number;
  completedAt: number | null;
}

/** Per-arm statistics of an A/B test. */
export interface ABTestArmResult {
  strategy: string;
  assigned: number;
  trials: number;
  successes: number;
  /** Sum and sum of squares of ln(executionTime). */
  sumLogTime: number;
  sumSqLogTime: number;
  /**
   * Results with a composite score (`compositeScore`, the one objective), and the sum and sum of
   * squares of those scores: what the test decides on. Absent in tests stored by older versions,
   * which then start their score count at 0.
   */
  scored?: number;
  sumScore?: number;
  sumSqScore?: number;
}

/** An improvement strategy of the loop (seed `ImprovementStrategy`). */
export interface ImprovementStrategy {
  name: string;
  description: string;
  config: Record<string, unknown>;
  priority: number;
  usageCount: number;
  successRate: number;
}

/** A uniform random source on [0, 1) (`Math.random` or `createRandom(seed)`). */
export type RandomSource = () => number;

/** Reads how much of the machine is free, 0 (saturated) .. 1 (idle). */
export type ResourceProbe = () => number;

/**
 * Weights of the composite score's terms. The defaults are seed 10.1's; an agent whose quality
 * signal matters more sets its own (`LearningConfig.rewardWeights`). Weights are relative: the
 * score divides by their sum, so it stays in [0, 1] whatever they add up to.
 */
export interface RewardWeights {
  /** `successRate`. Default 0.3. */
  success: number;
  /** `1 - errorRate`. Default 0.2. */
  errors: number;
  /** `userSatisfaction` (a feedback rating when one is given). Default 0.25. */
  satisfaction: number;
  /** `1 - averageExecutionTime / timeScaleMs`. Default 0.15. */
  time: number;
  /** `resourceEfficiency`. Default 0.1. */
  efficiency: number;
  /** `coverage` the agent measured; default 0 (seed 10.1 has no coverage term). */
  coverage: number;
  /** Execution time (ms) at which the time term reaches 0. Default 60 000 (`COMPOSITE_TIME_SCALE_MS`). */
  timeScaleMs: number;
}

/** Options of `calculateReward`. */
export interface RewardOptions {
  /**
   * Composite-score weights, time scale included; default seed 10.1's (`DEFAULT_REWARD_WEIGHTS`).
   * An agent's are `rewardWeightsFor(agentType)`: the weights its engine, tracker and safeguard use.
   * (There is no separate reference time: a second time scale would be a second objective.)
   */
  weights?: Readonly<RewardWeights>;
}

/** Constructor options of `LearningEngine`. */
export interface LearningEngineOptions {
  config?: Partial<LearningConfig>;
  /** The agent's strategies (the actions). Default one strategy, `default`. */
  strategies?: ReadonlyArray<StrategyDefinition | string>;
  /** Milliseconds since the epoch. Default `Date.now`. */
  clock?: () => number;
  /** Default `Math.random`. */
  random?: RandomSource;
  logger?: Logger;
  /** Default reads os.loadavg / os.freemem / process.memoryUsage. */
  resources?: ResourceProbe;
}

/** Where an algorithm reads and writes statistics: the row of the full state and of its task type. */
export interface ArmContext {
  /** Row code of the full (discretised) state. */
  state: number;
  /** Row code of the task-type level. */
  type: number;
}

/** An algorithm's estimate of one arm (strategy) in a context. */
export interface ArmEstimate {
  /** Expected reward (0..1). */
  mean: number;
  /** Evidence behind `mean`, in (possibly discounted or pseudo-) trials. */
  trials: number;
}

/**
 * The small interface every learning algorithm implements. Arms are strategy indexes; statistics
 * live in rows (one per context code) so the engine persists only the rows an update touched.
 */
export interface LearningAlgorithm {
  readonly name: AlgorithmId;
  /** True when re-applying an old experience is a valid update (TD learning). */
  readonly replays: boolean;
  /** True when selection follows the engine's epsilon schedule. */
  readonly usesEpsilon: boolean;
  /**
   * The arm to run, exploring by the algorithm's own rule (`epsilon` for epsilon-greedy);
   * `estimates` are this algorithm's `estimates(ctx)`, passed in because the caller has them.
   */
  select(ctx: ArmContext, estimates: readonly ArmEstimate[], epsilon: number): number;
  /** One estimate per arm. */
  estimates(ctx: ArmContext): ArmEstimate[];
  /**
   * Optional: the probability that `select(ctx, estimates(ctx), epsilon)` returns each arm now
   * (summing to 1), without drawing from the engine's random stream. Without it the engine
   * estimates the propensity it logs by sampling `select` from a private stream, which requires
   * `select` to have no side effect besides drawing random numbers. `only`, when given, names the
   * arms whose entries the caller needs (the engine asks for the chosen one): the others may be 0.
   */
  probabilities?(ctx: ArmContext, epsilon: number, only?: readonly number[]): number[];
  /**
   * Learns one reward; `next` is the context of the next task of the same type, when known.
   * Returns false when the update must wait for `next` (it then happens in `link`).
   */
  update(ctx: ArmContext, arm: number, reward: number, next: ArmContext | null): boolean;
  /** The next state of an experience passed to `update` became known. */
  link(ctx: ArmContext, arm: number, reward: number, next: ArmContext): void;
  /**
   * Replaces the evidence imported from peers for one task type: row code → per arm
   * `[trials, sum]` pairs, and per arm the type's sum of squared rewards. Absent on algorithms that
   * cannot pool sufficient statistics (q-learning: its rows are values, not evidence).
   */
  setImported?(type: number, rows: ReadonlyMap<number, Float64Array>, squares: Float64Array): void;
  /** Prior evidence (imported patterns) for an arm of a task type; weight 0 removes it. */
  setPrior(type: number, arm: number, mean: number, weight: number): void;
  /** Codes of the rows changed since the last call. */
  takeDirty(): number[];
  rowCodes(): Iterable<number>;
  serializeRow(code: number): unknown;
  restoreRow(code: number, value: unknown): void;
  /** Forgets all statistics and priors. */
  clear(): void;
}
