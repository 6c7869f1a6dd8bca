export { AgentDBError, type AgentDBErrorCode } from './AgentDBError.js';
export { AgentDBAdapter, createAgentDBAdapter } from './AgentDBAdapter.js';
export {
  CAPABILITY_BUCKETS,
  CONTEXT_BUCKETS,
  EMBEDDING_DIMENSION,
  NUMERIC_FEATURES,
  TYPE_BUCKETS,
  embedTaskState,
  hashToken,
  normalise,
  type EmbeddingWeights,
} from './embedding.js';
export { VectorIndex, type VectorHit } from './VectorIndex.js';
export { readExperience, synthesizeContext } from './synthesize.js';
export type {
  AgentDBAdapterOptions,
  AgentDBStats,
  Evidence,
  ExperienceInput,
  FederatedModel,
  FederatedStore,
  PatternInput,
  RetrievalResult,
  RetrievedMemory,
  RetrieveOptions,
  StoredModel,
  StoredPattern,
  StrategyEvidence,
  SynthesizedContext,
} from './types.js';
export type { AgentDBAlgorithm, AgentDBAlgorithmName } from './algorithms/types.js';
export { RowAlgorithm, type SerializedArmsRow } from './algorithms/RowAlgorithm.js';
export { GaussianArms, BACKOFF_TRIALS, type ArmStats } from './algorithms/GaussianArms.js';
export { QLearningPolicy, type QLearningOptions } from './algorithms/QLearningPolicy.js';
export { Sarsa, type SarsaOptions } from './algorithms/Sarsa.js';
export { ActorCritic, type ActorCriticOptions } from './algorithms/ActorCritic.js';
export { Exp3, type Exp3Options } from './algorithms/Exp3.js';
export { ActiveLearning, type ActiveLearningOptions } from './algorithms/ActiveLearning.js';
export { CurriculumLearning, type CurriculumLearningOptions } from './algorithms/CurriculumLearning.js';
export { CurriculumScheduler, type CurriculumSchedulerOptions } from './algorithms/CurriculumScheduler.js';
export { FederatedLearning, type FederatedLearningOptions } from './algorithms/FederatedLearning.js';
export { MultiTaskLearning, type MultiTaskLearningOptions } from './algorithms/MultiTaskLearning.js';
export {
  AGENTDB_ALGORITHMS,
  createAgentDBAlgorithm,
  type AgentDBAlgorithmOptions,
} from './algorithms/createAgentDBAlgorithm.js';
export {
  epsilonGreedyProbabilities,
  monteCarloProbabilities,
  MONTE_CARLO_DRAWS,
  softmax,
} from './algorithms/policy.js';
export {
  evaluatePolicy,
  normalQuantile,
  type EvaluatedPolicy,
  type EvaluatePolicyOptions,
  type LoggedExperience,
  type PolicyEvaluation,
  type ValueEstimate,
} from './evaluatePolicy.js';
export {
  decisionTransformerCore,
  type DecisionTransformerConfig,
  type DecisionTransformerTrained,
  type TrajectoryStep,
} from './decisionTransformer/core.js';
export {
  DecisionTransformer,
  trainDecisionTransformer,
  type DecisionTransformerPolicyOptions,
  type TrainDecisionTransformerOptions,
} from './decisionTransformer/DecisionTransformer.js';
export {
  AdvancedLearningEngine,
  type AdvancedLearningEngineOptions,
  type NeighbourUsage,
} from './AdvancedLearningEngine.js';
export {
  evaluateAlgorithm,
  evaluateDecisionTransformer,
  evaluateTrainedDecisionTransformer,
  loggedValue,
  logsFromExperiences,
  type AlgorithmEvaluation,
  type DecisionTransformerEvaluation,
  type EngineLogEntry,
  type EvaluateAlgorithmOptions,
} from './evaluateAlgorithm.js';
export { registerAgentDBAlgorithms, type DecisionTransformerChoice, type RegisterAgentDBAlgorithmsOptions } from './registerAgentDBAlgorithms.js';
export { MemoryFederatedStore, type MemoryFederatedStoreOptions } from './MemoryFederatedStore.js';
export {
  DecisionTransformerAlgorithm,
  DT_CONTEXT_FEATURES,
  engineContextFeatures,
} from './decisionTransformer/DecisionTransformerAlgorithm.js';
