/**
 * Public types of @qe-fleet/memory. This file is the package's contract: the other packages code
 * against it. Everything is synchronous (better-sqlite3 is), so several calls compose inside
 * `SwarmMemoryManager.transaction()`; seed-style `await memory.store(...)` still works.
 */

import type { Emitter } from 'mitt';

/** Milliseconds since the epoch; injected so tests run on a virtual clock. */
export type Clock = () => number;

/** Who may see an entry. */
export type AccessLevel = 'private' | 'team' | 'swarm' | 'public' | 'system';

/** Seed-compatible constants (`AccessLevel.SWARM`). */
export const AccessLevel = {
  PRIVATE: 'private',
  TEAM: 'team',
  SWARM: 'swarm',
  PUBLIC: 'public',
  SYSTEM: 'system',
} as const satisfies Record<string, AccessLevel>;

/** What a caller may do with an entry. */
export type Permission = 'read' | 'write' | 'delete' | 'share';

/**
 * The caller of an operation. When `agentId` is set, access control applies; in-process callers
 * that name nobody are trusted. `isSystem` callers may touch `system` entries.
 */
export interface Caller {
  agentId?: string;
  teamId?: string;
  swarmId?: string;
  isSystem?: boolean;
}

/** Options of `store`. */
export interface StoreOptions extends Caller {
  /** Default `'default'`. Letters, digits, `_ - . : /`, 1-128 chars. */
  partition?: string;
  /** Seconds; 0 = never expires. Default: `TTL_POLICY` of the partition, else 0. */
  ttl?: number;
  /** Default `'private'`. */
  accessLevel?: AccessLevel;
  /** Defaults to `agentId`. */
  owner?: string;
  metadata?: Record<string, unknown>;
  /**
   * Time of the write (epoch ms in TIMESTAMP_WINDOW), which `createdAt` reports and the TTL
   * counts from; default now. For restoring an export with its times.
   */
  createdAt?: number;
}

/** Options of `retrieve` and `delete`. */
export interface KeyOptions extends Caller {
  partition?: string;
}

/** Options of `query`. */
export interface QueryOptions extends Caller {
  partition?: string;
  limit?: number;
  offset?: number;
}

/** A stored key-value entry, as `query` returns it. */
export interface MemoryEntry<T = unknown> {
  key: string;
  partition: string;
  value: T;
  metadata: Record<string, unknown> | null;
  createdAt: number;
  expiresAt: number | null;
  owner: string | null;
  accessLevel: AccessLevel;
  teamId: string | null;
  swarmId: string | null;
}

/** Grants and blocks for one entry, kept in `memory_acl`. */
export interface AccessControlEntry {
  key: string;
  partition: string;
  owner: string | null;
  accessLevel: AccessLevel;
  teamId: string | null;
  swarmId: string | null;
  grantedPermissions: Record<string, Permission[]>;
  blockedAgents: string[];
  createdAt: number;
  updatedAt: number;
}

/** A hint on the blackboard (`hints` table). */
export interface Hint<T = unknown> {
  key: string;
  value: T;
  createdAt: number;
  expiresAt: number | null;
}

/** An event to store; `timestamp` defaults to the clock, `ttl` to 30 days. */
export interface NewEvent<P = unknown> {
  type: string;
  payload: P;
  source: string;
  timestamp?: number;
  ttl?: number;
}

/** A stored event. */
export interface StoredEvent<P = unknown> {
  id: string;
  type: string;
  payload: P;
  source: string;
  timestamp: number;
  ttl: number;
  expiresAt: number | null;
}

/** Filter of `queryEvents`; results come newest first unless `order: 'asc'`. */
export interface EventQuery {
  type?: string;
  source?: string;
  since?: number;
  until?: number;
  /**
   * Only events that come after this one in the query's order (events are ordered by timestamp,
   * then id): a cursor that pages through events of one millisecond without losing or repeating any.
   */
  after?: { timestamp: number; id: string };
  limit?: number;
  order?: 'asc' | 'desc';
}

/** A learned pattern (`patterns` table). `pattern` is unique. */
export interface PatternRecord {
  id: string;
  pattern: string;
  confidence: number;
  usageCount: number;
  agentId: string | null;
  metadata: Record<string, unknown> | null;
  ttl: number;
  expiresAt: number | null;
  createdAt: number;
}

/** Input of `storePattern`: upserts by `pattern`. */
export interface NewPattern {
  id?: string;
  pattern: string;
  confidence: number;
  usageCount?: number;
  agentId?: string;
  metadata?: Record<string, unknown>;
  ttl?: number;
  /** Creation time of a new pattern (epoch ms in TIMESTAMP_WINDOW), e.g. when restoring an export. Default now. */
  createdAt?: number;
}

/** One performance measurement (`performance_metrics`, never expires). */
export interface PerformanceMetricRecord {
  id: string;
  metric: string;
  value: number;
  unit: string;
  timestamp: number;
  agentId: string | null;
}

/** Input of `storePerformanceMetric`. */
export interface NewPerformanceMetric {
  metric: string;
  value: number;
  unit: string;
  agentId?: string;
  timestamp?: number;
}

/** Filter of `queryPerformanceMetrics` and `getAveragePerformance`. */
export interface MetricQuery {
  metric?: string;
  agentId?: string;
  since?: number;
  until?: number;
  limit?: number;
  /** `'asc'` (default): oldest first; `'desc'`: newest first, so `limit: 1` reads the latest. */
  order?: 'asc' | 'desc';
}

/** Workflow checkpoint (`workflow_state`). */
export interface WorkflowStateRecord<C = unknown> {
  id: string;
  step: string;
  status: string;
  checkpoint: C;
  sha: string | null;
  createdAt: number;
  updatedAt: number;
  expiresAt: number | null;
}

/** A consensus proposal (`consensus_state`). */
export interface ConsensusRecord<D = unknown> {
  id: string;
  decision: D;
  proposer: string;
  votes: string[];
  quorum: number;
  status: 'pending' | 'approved' | 'rejected';
  version: number;
  createdAt: number;
  expiresAt: number | null;
}

/** A stored artifact reference (`artifacts`). */
export interface ArtifactRecord {
  id: string;
  kind: string;
  path: string;
  sha256: string;
  tags: string[];
  metadata: Record<string, unknown> | null;
  createdAt: number;
  expiresAt: number | null;
}

/** A session and its checkpoints (`sessions`). */
export interface SessionRecord<S = unknown> {
  id: string;
  mode: string;
  state: S;
  checkpoints: SessionCheckpoint[];
  createdAt: number;
  lastResumed: number | null;
  expiresAt: number | null;
}

/** A checkpoint inside a session. */
export interface SessionCheckpoint<S = unknown> {
  timestamp: number;
  sha: string | null;
  state: S;
}

/** Agent lifecycle status in `agent_registry`. */
export type AgentStatus = 'idle' | 'active' | 'busy' | 'stopped' | 'error';

/** A registered agent. */
export interface AgentRecord<P = Record<string, unknown>> {
  id: string;
  type: string;
  capabilities: string[];
  status: AgentStatus;
  performance: P;
  createdAt: number;
  updatedAt: number;
}

/** A GOAP goal. */
export interface GoapGoalRecord {
  id: string;
  conditions: Record<string, unknown>;
  priority: number;
  createdAt: number;
}

/** A GOAP action. */
export interface GoapActionRecord {
  id: string;
  agentType: string;
  preconditions: Record<string, unknown>;
  effects: Record<string, unknown>;
  cost: number;
  createdAt: number;
}

/** A GOAP plan: an ordered list of action ids for a goal. */
export interface GoapPlanRecord {
  id: string;
  goalId: string;
  sequence: string[];
  totalCost: number;
  createdAt: number;
}

/** OODA phases. */
export type OodaPhase = 'observe' | 'orient' | 'decide' | 'act';

/** One OODA cycle. */
export interface OodaCycleRecord {
  id: string;
  phase: OodaPhase;
  observations: unknown;
  orientation: unknown;
  decision: unknown;
  action: unknown;
  result: unknown;
  completed: boolean;
  timestamp: number;
}

/** Input of `storeWorkflowState` (upsert by `id`). */
export interface NewWorkflowState<C = unknown> {
  id: string;
  step: string;
  status: string;
  checkpoint: C;
  sha?: string;
  ttl?: number;
}

/** Patch of `updateWorkflowState`; absent fields stay as they are. */
export interface WorkflowStatePatch<C = unknown> {
  step?: string;
  status?: string;
  checkpoint?: C;
  sha?: string | null;
}

/** Input of `createConsensusProposal`; `quorum` is the number of distinct votes that approves it. */
export interface NewConsensusProposal<D = unknown> {
  id?: string;
  decision: D;
  proposer: string;
  quorum: number;
  ttl?: number;
}

/** Input of `createArtifact`. */
export interface NewArtifact {
  id?: string;
  kind: string;
  path: string;
  sha256: string;
  tags?: string[];
  metadata?: Record<string, unknown>;
  ttl?: number;
}

/** Input of `createSession`. */
export interface NewSession<S = unknown> {
  id?: string;
  mode: string;
  state: S;
  ttl?: number;
}

/** Input of `registerAgent` (upsert by `id`; `createdAt` of an existing agent is kept). */
export interface NewAgent<P = Record<string, unknown>> {
  id: string;
  type: string;
  capabilities?: string[];
  status?: AgentStatus;
  performance?: P;
}

/** Input of `storeGoapGoal` (upsert by `id`). */
export interface NewGoapGoal {
  id: string;
  conditions: Record<string, unknown>;
  priority?: number;
}

/** Input of `storeGoapAction` (upsert by `id`). */
export interface NewGoapAction {
  id: string;
  agentType: string;
  preconditions: Record<string, unknown>;
  effects: Record<string, unknown>;
  cost?: number;
}

/** Input of `storeGoapPlan`; the goal must exist. */
export interface NewGoapPlan {
  id?: string;
  goalId: string;
  sequence: string[];
  totalCost: number;
}

/** Input of `storeOodaCycle`; starts in `observe` unless `phase` says otherwise. */
export interface NewOodaCycle {
  id?: string;
  phase?: OodaPhase;
  observations?: unknown;
  timestamp?: number;
}

/** Input of `postHint` (upsert by `key`; `ttl` defaults to `TTL_POLICY.tables.hints`). */
export interface NewHint<T = unknown> {
  key: string;
  value: T;
  ttl?: number;
}

/** The 15 tables. */
export type TableName =
  | 'memory_entries'
  | 'memory_acl'
  | 'hints'
  | 'events'
  | 'workflow_state'
  | 'patterns'
  | 'consensus_state'
  | 'performance_metrics'
  | 'artifacts'
  | 'sessions'
  | 'agent_registry'
  | 'goap_goals'
  | 'goap_actions'
  | 'goap_plans'
  | 'ooda_cycles';

/** What `stats()` reports. */
export interface MemoryStats {
  tables: Record<TableName, number>;
  totalEntries: number;
  totalPatterns: number;
  partitions: Record<string, number>;
  accessLevels: Record<AccessLevel, number>;
  databaseBytes: number;
}

/** Announcements on the bus. Stores inside a transaction are announced after it commits. */
export type MemoryBusEvents = {
  'memory:stored': { key: string; partition: string; owner: string | null; accessLevel: AccessLevel };
  'memory:deleted': { key: string; partition: string };
  'memory:cleared': { partition: string; count: number };
  'memory:expired': { count: number };
  'event:stored': StoredEvent;
};

/** The typed event bus of `SwarmMemoryManager` (a mitt emitter); see `createMemoryBus`. */
export type MemoryBus = Emitter<MemoryBusEvents>;

/** A minimal logger; pino and console both fit. */
export interface Logger {
  debug(msg: string, ...args: unknown[]): void;
  info(msg: string, ...args: unknown[]): void;
  warn(msg: string, ...args: unknown[]): void;
  error(msg: string, ...args: unknown[]): void;
}

/** Constructor options of `SwarmMemoryManager`. */
export interface SwarmMemoryManagerOptions {
  clock?: Clock;
  /**
   * What a returned write survives. `'process'` (default; WAL with `synchronous=NORMAL`): a crash
   * or kill of the process, not a power loss or OS crash, which may lose the last commits (never
   * corrupt the file). `'full'` (`synchronous=FULL`): an fsync per commit, so power loss too, at
   * the cost `pnpm --filter @qe-fleet/memory bench:durability` measures.
   */
  durability?: 'process' | 'full';
  /** The SQLite setting itself; wins over `durability`. `NORMAL` = durability 'process', `FULL` = 'full'. */
  synchronous?: 'NORMAL' | 'FULL';
  /** How long a writer waits for another process's lock. Default 5000 ms. */
  busyTimeoutMs?: number;
  /** Period of the unref'd expiry sweep; 0 disables it. Default 60 000 ms. */
  cleanupIntervalMs?: number;
  logger?: Logger;
  /** Open read-only (for inspection tools). */
  readonly?: boolean;
  /**
   * Copy a file database's WAL back from a thread of its own (`WalCheckpointer`). Default true.
   * A process that writes a few rows gains nothing from it: the thread starts a second Node
   * environment beside the work, and closing the database copies the WAL back anyway.
   */
  checkpointThread?: boolean;
  /** Bus to announce on; default a new one (`createMemoryBus()`). */
  bus?: MemoryBus;
}
