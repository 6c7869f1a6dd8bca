export { SwarmMemoryManager } from './SwarmMemoryManager.js';
export { MemoryError, AccessDeniedError } from './MemoryError.js';
export type { MemoryErrorCode } from './MemoryError.js';
export { AccessControl, ACCESS_MATRIX } from './AccessControl.js';
export type { AccessGrants, AccessTarget, Relation } from './AccessControl.js';
export { createMemoryBus } from './createMemoryBus.js';
export { TTL_POLICY } from './ttlPolicy.js';
export { encodeValue, decodeValue } from './codec.js';
export { MIGRATIONS_FOLDER } from './openDatabase.js';
export { TIMESTAMP_WINDOW, TTL_BOUNDS } from './validation.js';
export { AccessLevel } from './types.js';
export type {
  AccessControlEntry,
  AgentRecord,
  AgentStatus,
  ArtifactRecord,
  Caller,
  Clock,
  ConsensusRecord,
  EventQuery,
  GoapActionRecord,
  GoapGoalRecord,
  GoapPlanRecord,
  Hint,
  KeyOptions,
  Logger,
  MemoryBus,
  MemoryBusEvents,
  MemoryEntry,
  MemoryStats,
  MetricQuery,
  NewAgent,
  NewArtifact,
  NewConsensusProposal,
  NewEvent,
  NewGoapAction,
  NewGoapGoal,
  NewGoapPlan,
  NewHint,
  NewOodaCycle,
  NewPattern,
  NewPerformanceMetric,
  NewSession,
  NewWorkflowState,
  OodaCycleRecord,
  OodaPhase,
  PatternRecord,
  PerformanceMetricRecord,
  Permission,
  QueryOptions,
  SessionCheckpoint,
  SessionRecord,
  StoredEvent,
  StoreOptions,
  SwarmMemoryManagerOptions,
  TableName,
  WorkflowStatePatch,
  WorkflowStateRecord,
} from './types.js';
