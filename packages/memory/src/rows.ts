/** Row shapes of the tables and their mapping to the public records (decoding JSON columns). */
import type { AccessGrants, AccessTarget } from './AccessControl.js';
import { decodeNullable, decodeValue, encodeValue } from './codec.js';
import type {
  agentRegistry,
  artifacts,
  consensusState,
  goapActions,
  oodaCycles,
  patterns,
  performanceMetrics,
  sessions,
  workflowState,
} from './schema.js';
import type {
  AccessLevel,
  AgentRecord,
  AgentStatus,
  ArtifactRecord,
  ConsensusRecord,
  GoapActionRecord,
  MemoryEntry,
  OodaCycleRecord,
  OodaPhase,
  PatternRecord,
  Permission,
  SessionCheckpoint,
  SessionRecord,
  StoredEvent,
  WorkflowStateRecord,
} from './types.js';

/** A `memory_entries` row as the raw statements read it, optionally joined with its ACL. */
export interface EntryRow {
  key: string;
  partition: string;
  value: string;
  metadata: string | null;
  created_at: number;
  expires_at: number | null;
  owner: string | null;
  access_level: AccessLevel | null;
  team_id: string | null;
  swarm_id: string | null;
  granted_permissions?: string | null;
  blocked_agents?: string | null;
}

/** An `events` row as the raw statements read it. */
export interface EventRow {
  id: string;
  type: string;
  payload: string;
  source: string;
  timestamp: number;
  ttl: number;
  expires_at: number | null;
}

/** `encodeValue` for optional fields: undefined becomes NULL. */
export function encodeOptional(value: unknown, what: string): string | null {
  return value === undefined ? null : encodeValue(value, what);
}

/** The access-control view of an entry row. */
export function targetOf(row: EntryRow): AccessTarget {
  return {
    key: row.key,
    partition: row.partition,
    owner: row.owner,
    accessLevel: row.access_level ?? 'private',
    teamId: row.team_id,
    swarmId: row.swarm_id,
  };
}

/** The grants and blocks joined to an entry row, or null without an ACL row. */
export function grantsOf(row: EntryRow): AccessGrants | null {
  if (row.granted_permissions == null) return null;
  // Null-prototype: an agent id such as `constructor` or `__proto__` must look up its own grants only.
  return {
    grantedPermissions: Object.assign(Object.create(null), JSON.parse(row.granted_permissions)) as Record<string, Permission[]>,
    blockedAgents: JSON.parse(row.blocked_agents ?? '[]') as string[],
  };
}

/** An entry row as a `MemoryEntry`. */
export function toEntry<T>(row: EntryRow): MemoryEntry<T> {
  return {
    key: row.key,
    partition: row.partition,
    value: decodeValue(row.value) as T,
    metadata: decodeNullable(row.metadata) as Record<string, unknown> | null,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    owner: row.owner,
    accessLevel: row.access_level ?? 'private',
    teamId: row.team_id,
    swarmId: row.swarm_id,
  };
}

/** An event row as a `StoredEvent`. */
export function toEvent(row: EventRow): StoredEvent {
  return {
    id: row.id,
    type: row.type,
    payload: decodeValue(row.payload),
    source: row.source,
    timestamp: row.timestamp,
    ttl: row.ttl,
    expiresAt: row.expires_at,
  };
}

/** Drizzle row types of the typed tables. */
export type PatternRow = typeof patterns.$inferSelect;
export type MetricRow = typeof performanceMetrics.$inferSelect;
export type WorkflowRow = typeof workflowState.$inferSelect;
export type ConsensusRow = typeof consensusState.$inferSelect;
export type ArtifactRow = typeof artifacts.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;
export type AgentRow = typeof agentRegistry.$inferSelect;
export type OodaRow = typeof oodaCycles.$inferSelect;

/** A `patterns` row as a `PatternRecord`. */
export function toPattern(row: PatternRow): PatternRecord {
  return { ...row, metadata: decodeNullable(row.metadata) as Record<string, unknown> | null };
}

/** A `workflow_state` row as a `WorkflowStateRecord`. */
export function toWorkflow<C>(row: WorkflowRow): WorkflowStateRecord<C> {
  return { ...row, checkpoint: decodeValue(row.checkpoint) as C };
}

/** A `consensus_state` row as a `ConsensusRecord`. */
export function toConsensus<D>(row: ConsensusRow): ConsensusRecord<D> {
  return {
    ...row,
    decision: decodeValue(row.decision) as D,
    votes: JSON.parse(row.votes) as string[],
    status: row.status as ConsensusRecord['status'],
  };
}

/** An `artifacts` row as an `ArtifactRecord`. */
export function toArtifact(row: ArtifactRow): ArtifactRecord {
  return { ...row, tags: JSON.parse(row.tags) as string[], metadata: decodeNullable(row.metadata) as Record<string, unknown> | null };
}

/** A `sessions` row as a `SessionRecord`. */
export function toSession<S>(row: SessionRow): SessionRecord<S> {
  return { ...row, state: decodeValue(row.state) as S, checkpoints: decodeValue(row.checkpoints) as SessionCheckpoint[] };
}

/** An `agent_registry` row as an `AgentRecord`. */
export function toAgent<P>(row: AgentRow): AgentRecord<P> {
  return {
    ...row,
    capabilities: JSON.parse(row.capabilities) as string[],
    status: row.status as AgentStatus,
    performance: decodeValue(row.performance) as P,
  };
}

/** A `goap_actions` row as a `GoapActionRecord`. */
export function toGoapAction(row: typeof goapActions.$inferSelect): GoapActionRecord {
  return {
    ...row,
    preconditions: decodeValue(row.preconditions) as Record<string, unknown>,
    effects: decodeValue(row.effects) as Record<string, unknown>,
  };
}

/** An `ooda_cycles` row as an `OodaCycleRecord`. */
export function toOoda(row: OodaRow): OodaCycleRecord {
  return {
    ...row,
    phase: row.phase as OodaPhase,
    observations: decodeNullable(row.observations),
    orientation: decodeNullable(row.orientation),
    decision: decodeNullable(row.decision),
    action: decodeNullable(row.action),
    result: decodeNullable(row.result),
  };
}
