export type {
  AlgorithmId,
  AlgorithmName,
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
  RewardOptions,
  RewardWeights,
  SharedStatistics,
  StrategyAlternative,
  StrategyDefinition,
  StrategyPrior,
  StrategyRecommendation,
  StrategySelection,
  TaskExperience,
  TaskState,
  PerformanceMetricValues,
  MetricTrend,
  PerformanceMetrics,
  ImprovementData,
  ABTest,
  ABTestArmResult,
  ImprovementStrategy,
} from './types.js';
export { LearningError, type LearningErrorCode } from './LearningError.js';
export { LearningEventType, LEARNING_EVENT_TTL } from './events.js';
export {
  AGENT_CONFIGS,
  FINDING_REWARD_WEIGHTS,
  AGGRESSIVE_CONFIG,
  ALGORITHMS,
  BALANCED_CONFIG,
  CONSERVATIVE_CONFIG,
  isKnownAlgorithm,
  resolveLearningConfig,
  rewardWeightsFor,
} from './config.js';
export { calculateReward, executionMetrics } from './reward.js';
export {
  createSystemResourceProbe,
  extractTaskState,
  FEATURE_BUCKETS,
  FEATURE_GROUPS,
  featureBuckets,
  featureCode,
  formatStateKey,
  parseStateKey,
  TYPE_LEVEL,
  TYPE_STRIDE,
} from './taskState.js';
export { createRandom, standardNormal } from './random.js';
export { sampleUnit, streamSeed } from './distributions.js';
export { drawResult } from './TaskWorld.js';
export { gaussianArgmaxProbabilities, normalCdf, wilsonInterval, wilsonLowerBound } from './statistics.js';
export { createAlgorithm } from './createAlgorithm.js';
export {
  registerAlgorithm,
  registeredAlgorithms,
  unregisterAlgorithm,
  type AlgorithmFactory,
} from './algorithmRegistry.js';
export { QLearning } from './QLearning.js';
export { BanditLearner, type Forgetting } from './BanditLearner.js';
export { FeatureBackoff, type ArmLevel, type StateRow } from './FeatureBackoff.js';
export { IMPORT_HALF_LIFE_MS } from './SharedEvidence.js';
export { TabularAlgorithm, type SerializedRow } from './TabularAlgorithm.js';
export { StatsTable } from './StatsTable.js';
export { ReplayBuffer } from './ReplayBuffer.js';
export { errorClass } from './errorClass.js';
export { LearningEngine } from './LearningEngine.js';
export {
  compositeScore,
  COMPOSITE_TIME_SCALE_MS,
  DEFAULT_REWARD_WEIGHTS,
  resolveRewardWeights,
} from './compositeScore.js';
export {
  PerformanceTracker,
  DEFAULT_WINDOW_SIZE,
  IMPROVEMENT_TARGET,
  SNAPSHOT_TTL,
  type ImprovementTrend,
  type PerformanceReport,
  type PerformanceSnapshot,
  type PerformanceTrackerOptions,
  type SnapshotInput,
  type WindowListener,
} from './PerformanceTracker.js';
export {
  ImprovementLoop,
  CYCLE_TTL,
  DEFAULT_CYCLE_INTERVAL_MS,
  DEFAULT_IMPROVEMENT_STRATEGIES,
  type ABTestOutcome,
  type ImprovementCycleResult,
  type ImprovementEngine,
  type ImprovementLoopOptions,
  type Opportunity,
} from './ImprovementLoop.js';
export {
  PerformanceSafeguard,
  type PerformanceSafeguardOptions,
  type RollbackReport,
  type SafeguardEngine,
} from './PerformanceSafeguard.js';
export {
  StateVersioning,
  DEFAULT_VERSIONS_KEPT,
  type SaveVersionOptions,
  type StateVersioningOptions,
  type VersionedEngine,
  type VersionInfo,
} from './StateVersioning.js';
export {
  addArmResult,
  compareArms,
  decideABTest,
  emptyArmResult,
  meanScore,
  normalMixtureTest,
  DEFAULT_EFFECT_SCALE,
  DEFAULT_SRM_THRESHOLD,
  type ArmComparison,
  type MixtureTestResult,
  type SequentialDecision,
  type SequentialDecisionOptions,
} from './SequentialTest.js';
export { chiSquareGoodnessOfFit, chiSquareSurvival, type ChiSquareResult } from './sampleRatio.js';
export { ManualScheduler, timerScheduler, type Scheduler } from './Scheduler.js';
export {
  Simulator,
  type HiddenArmReward,
  type SimulatedAgentResult,
  type SimulationDay,
  type SimulationOptions,
  type TaskScheduler,
  type SimulationPolicy,
  type SimulationResult,
} from './Simulator.js';
export {
  getScenario,
  isScenarioName,
  SCENARIO_NAMES,
  type ArmModel,
  type ContextModel,
  type DriftEvent,
  type Scenario,
  type ScenarioName,
  type TaskTypeModel,
} from './scenarios.js';
export { BASELINE_NAMES, type BaselineName } from './baselines.js';
export { generateWorld, generateWorlds, type RandomWorld, type RandomWorldOptions } from './randomWorlds.js';
