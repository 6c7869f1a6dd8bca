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
  StoredPattern,
  StrategyEvidence,
  SynthesizedContext,
} from './types.js';
