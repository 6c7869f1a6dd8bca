import type { TableName } from './types.js';

const DAY = 86_400;

/**
 * Default time-to-live in seconds (0 = never expires), from the seed's TTL policies (2.2, 6.1).
 * `tables` applies when a typed operation gets no `ttl`; `partitions` applies to `store` without
 * `ttl` (other partitions: 0); `keys` are the seed's per-key policies, for callers to pass as `ttl`.
 */
export const TTL_POLICY = {
  tables: {
    memory_entries: 0,
    memory_acl: 0,
    hints: DAY,
    events: 30 * DAY,
    workflow_state: 0,
    patterns: 7 * DAY,
    consensus_state: 7 * DAY,
    performance_metrics: 0,
    artifacts: 0,
    sessions: 0,
    agent_registry: 0,
    goap_goals: 0,
    goap_actions: 0,
    goap_plans: 0,
    ooda_cycles: 0,
  } satisfies Record<TableName, number>,
  partitions: { default: 0, learning: 0 } as Readonly<Record<string, number>>,
  keys: { config: 0, state: 0, snapshots: 90 * DAY, cycles: 30 * DAY, sharedPatterns: 7 * DAY },
} as const;
