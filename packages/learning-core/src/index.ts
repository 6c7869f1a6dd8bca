export type {
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
  StrategyAlternative,
  StrategyDefinition,
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
  AGGRESSIVE_CONFIG,
  ALGORITHMS,
  BALANCED_CONFIG,
  CONSERVATIVE_CONFIG,
  resolveLearningConfig,
} from './config.js';
export { calculateReward } from './reward.js';
export {
  createSystemResourceProbe,
  extractTaskState,
  featureCode,
  formatStateKey,
  parseStateKey,
} from './taskState.js';
export { createRandom, standardNormal } from './random.js';
export { normalCdf, wilsonLowerBound } from './statistics.js';
export { createAlgorithm } from './createAlgorithm.js';
export { QLearning } from './QLearning.js';
export { BanditLearner, type Forgetting } from './BanditLearner.js';
