/**
 * The 15 tables of the fleet's memory (Drizzle schema). drizzle-kit generates the migrations in
 * `drizzle/` from this file; the hot paths of `SwarmMemoryManager` use raw prepared statements on
 * the same tables. Structured values are JSON text written by the package's codec, and times are
 * epoch milliseconds. `expires_at` NULL means "never expires".
 */
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** Key-value entries, the seed's primary storage (seed 6.1, table 1). */
export const memoryEntries = sqliteTable(
  'memory_entries',
  {
    key: text('key').notNull(),
    partition: text('partition').notNull().default('default'),
    value: text('value').notNull(),
    metadata: text('metadata'),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at'),
    owner: text('owner'),
    accessLevel: text('access_level').default('private'),
    teamId: text('team_id'),
    swarmId: text('swarm_id'),
  },
  (t) => [
    // Partition first: the key serves `query` (partition = ? AND key GLOB 'prefix*') and
    // `clear(partition)` too. Migration 0003 makes the table WITHOUT ROWID (drizzle cannot say so),
    // so a lookup or upsert walks one b-tree instead of an index plus the rowid table.
    primaryKey({ columns: [t.partition, t.key] }),
    // Partial: most entries never expire or have no owner, and an insert then skips the index.
    // The expiry sweep's `expires_at IS NOT NULL AND expires_at <= ?` still uses it.
    index('memory_entries_expires_at_idx').on(t.expiresAt).where(sql`${t.expiresAt} IS NOT NULL`),
    index('memory_entries_owner_idx').on(t.owner).where(sql`${t.owner} IS NOT NULL`),
  ],
);

/** Per-entry grants and blocks; owner and level live on the entry itself. */
export const memoryAcl = sqliteTable(
  'memory_acl',
  {
    key: text('key').notNull(),
    partition: text('partition').notNull(),
    grantedPermissions: text('granted_permissions').notNull().default('{}'),
    blockedAgents: text('blocked_agents').notNull().default('[]'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.key, t.partition] })],
);

/** Blackboard hints shared between agents. */
export const hints = sqliteTable(
  'hints',
  {
    key: text('key').primaryKey(),
    value: text('value').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at'),
  },
  (t) => [index('hints_expires_at_idx').on(t.expiresAt)],
);

/** Event stream (seed 6.1, table 3). */
export const events = sqliteTable(
  'events',
  {
    id: text('id').notNull(),
    type: text('type').notNull(),
    payload: text('payload').notNull(),
    timestamp: integer('timestamp').notNull(),
    source: text('source').notNull(),
    ttl: integer('ttl').notNull().default(2592000),
    expiresAt: integer('expires_at'),
  },
  (t) => [
    // Time first: the key is the order every query returns (ids grow within a millisecond) and
    // serves time ranges, so no separate time index. Migration 0005 makes the table WITHOUT
    // ROWID (drizzle cannot say so): an event is then written to 4 b-trees instead of 6.
    primaryKey({ columns: [t.timestamp, t.id] }),
    index('events_type_timestamp_idx').on(t.type, t.timestamp),
    index('events_source_timestamp_idx').on(t.source, t.timestamp),
    index('events_expires_at_idx').on(t.expiresAt),
  ],
);

/** Workflow checkpoints. */
export const workflowState = sqliteTable(
  'workflow_state',
  {
    id: text('id').primaryKey(),
    step: text('step').notNull(),
    status: text('status').notNull(),
    checkpoint: text('checkpoint').notNull(),
    sha: text('sha'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    expiresAt: integer('expires_at'),
  },
  (t) => [index('workflow_state_status_idx').on(t.status), index('workflow_state_expires_at_idx').on(t.expiresAt)],
);

/** Learned patterns (seed 6.1, table 5), plus the agent that learned them. */
export const patterns = sqliteTable(
  'patterns',
  {
    id: text('id').primaryKey(),
    pattern: text('pattern').notNull().unique(),
    confidence: real('confidence').notNull(),
    usageCount: integer('usage_count').notNull().default(0),
    metadata: text('metadata'),
    ttl: integer('ttl').notNull().default(604800),
    expiresAt: integer('expires_at'),
    createdAt: integer('created_at').notNull(),
    agentId: text('agent_id'),
  },
  (t) => [
    index('patterns_confidence_idx').on(t.confidence),
    index('patterns_agent_id_idx').on(t.agentId),
    index('patterns_expires_at_idx').on(t.expiresAt),
  ],
);

/** Consensus proposals and their votes. */
export const consensusState = sqliteTable(
  'consensus_state',
  {
    id: text('id').primaryKey(),
    decision: text('decision').notNull(),
    proposer: text('proposer').notNull(),
    votes: text('votes').notNull().default('[]'),
    quorum: integer('quorum').notNull(),
    status: text('status').notNull().default('pending'),
    version: integer('version').notNull().default(1),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at'),
  },
  (t) => [
    index('consensus_state_status_idx').on(t.status),
    index('consensus_state_proposer_idx').on(t.proposer),
    index('consensus_state_expires_at_idx').on(t.expiresAt),
  ],
);

/** Performance measurements (seed 6.1, table 7); never expire. */
export const performanceMetrics = sqliteTable(
  'performance_metrics',
  {
    id: text('id').primaryKey(),
    metric: text('metric').notNull(),
    value: real('value').notNull(),
    unit: text('unit').notNull(),
    timestamp: integer('timestamp').notNull(),
    agentId: text('agent_id'),
  },
  (t) => [
    index('performance_metrics_metric_timestamp_idx').on(t.metric, t.timestamp),
    index('performance_metrics_agent_id_timestamp_idx').on(t.agentId, t.timestamp),
  ],
);

/** References to files produced by agents (reports, generated tests). */
export const artifacts = sqliteTable(
  'artifacts',
  {
    id: text('id').primaryKey(),
    kind: text('kind').notNull(),
    path: text('path').notNull(),
    sha256: text('sha256').notNull(),
    tags: text('tags').notNull().default('[]'),
    metadata: text('metadata'),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at'),
  },
  (t) => [index('artifacts_kind_idx').on(t.kind), index('artifacts_expires_at_idx').on(t.expiresAt)],
);

/** Resumable sessions with their checkpoints. */
export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    mode: text('mode').notNull(),
    state: text('state').notNull(),
    checkpoints: text('checkpoints').notNull().default('[]'),
    createdAt: integer('created_at').notNull(),
    lastResumed: integer('last_resumed'),
    expiresAt: integer('expires_at'),
  },
  (t) => [index('sessions_expires_at_idx').on(t.expiresAt)],
);

/** Agent lifecycle (seed 6.1, table 10); never expires. */
export const agentRegistry = sqliteTable(
  'agent_registry',
  {
    id: text('id').primaryKey(),
    type: text('type').notNull(),
    capabilities: text('capabilities').notNull(),
    status: text('status').notNull(),
    performance: text('performance').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('agent_registry_status_idx').on(t.status), index('agent_registry_type_idx').on(t.type)],
);

/** GOAP goals. */
export const goapGoals = sqliteTable(
  'goap_goals',
  {
    id: text('id').primaryKey(),
    conditions: text('conditions').notNull(),
    priority: real('priority').notNull().default(0),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('goap_goals_priority_idx').on(t.priority)],
);

/** GOAP actions an agent type can perform. */
export const goapActions = sqliteTable(
  'goap_actions',
  {
    id: text('id').primaryKey(),
    agentType: text('agent_type').notNull(),
    preconditions: text('preconditions').notNull(),
    effects: text('effects').notNull(),
    cost: real('cost').notNull().default(1),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('goap_actions_agent_type_idx').on(t.agentType)],
);

/** GOAP plans: ordered action ids reaching a goal. */
export const goapPlans = sqliteTable(
  'goap_plans',
  {
    id: text('id').primaryKey(),
    goalId: text('goal_id').notNull(),
    sequence: text('sequence').notNull(),
    totalCost: real('total_cost').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('goap_plans_goal_id_idx').on(t.goalId)],
);

/** OODA loop cycles. */
export const oodaCycles = sqliteTable(
  'ooda_cycles',
  {
    id: text('id').primaryKey(),
    phase: text('phase').notNull(),
    observations: text('observations'),
    orientation: text('orientation'),
    decision: text('decision'),
    action: text('action'),
    result: text('result'),
    completed: integer('completed', { mode: 'boolean' }).notNull().default(false),
    timestamp: integer('timestamp').notNull(),
  },
  (t) => [index('ooda_cycles_phase_idx').on(t.phase), index('ooda_cycles_timestamp_idx').on(t.timestamp)],
);
