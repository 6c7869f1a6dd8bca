import { ImprovementLoop, LearningEngine, PerformanceTracker } from '@qe-fleet/learning-core';
import type { MemoryEntry, PatternRecord, PerformanceMetricRecord, StoredEvent, SwarmMemoryManager } from '@qe-fleet/memory';
import { FleetError } from './FleetError.js';

/**
 * What `memory export` writes (version 2) and `memory import` reads: the tables an export covers,
 * each row with its times. Version 1 files (key-value entries only) are still read.
 */
export interface MemoryExport {
  format: 'qe-fleet-memory-export';
  version: 2;
  exportedAt: number;
  /** Key-value entries of every partition: value, metadata, owner, level, team, swarm, createdAt, expiresAt. */
  entries: MemoryEntry[];
  /** Events with their timestamps and expiry. */
  events: StoredEvent[];
  /** Patterns with confidence, usage count, metadata, agent, createdAt. */
  patterns: PatternRecord[];
  /** Performance metrics with their timestamps. */
  metrics: PerformanceMetricRecord[];
}

/** The tables an export covers, in the order the file lists them. */
export const EXPORTED_TABLES = ['memory_entries', 'events', 'patterns', 'performance_metrics'] as const;

/** Reads every row of the exported tables (live rows only: expired ones are not data any more). */
export function exportMemory(memory: SwarmMemoryManager, now = Date.now()): MemoryExport {
  return {
    format: 'qe-fleet-memory-export',
    version: 2,
    exportedAt: now,
    entries: Object.keys(memory.stats().partitions).flatMap((partition) => memory.query('%', { partition })),
    events: memory.queryEvents({ order: 'asc' }),
    patterns: memory.queryPatternsByConfidence(0),
    metrics: memory.queryPerformanceMetrics(),
  };
}

/** Who an import writes as. */
export type ImportCaller = { kind: 'agent'; agentId: string } | { kind: 'system'; agentId: string } | { kind: 'none' };

/** What an import did. */
export interface ImportSummary {
  entries: number;
  expired: number;
  events: number;
  patterns: number;
  metrics: number;
}

const LEARNING_PREFIX = 'phase2/learning/';
/** Thrown to roll back the load check's savepoint once everything loaded. */
const LOADED = Symbol('loaded');
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isTime = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
const METRIC_NAMES = ['tasksCompleted', 'successRate', 'averageExecutionTime', 'errorRate', 'userSatisfaction', 'resourceEfficiency'];

/** Why a value stored under a learning key has the wrong type, or null when it is fine (or of a kind not checked here). */
export function learningValueProblem(key: string, value: unknown): string | null {
  if (!key.startsWith(LEARNING_PREFIX)) return null;
  const rest = key.slice(LEARNING_PREFIX.length);
  const slash = rest.indexOf('/');
  if (slash <= 0) return null;
  const kind = rest.slice(slash + 1);
  const metrics = (v: unknown) => isObject(v) && METRIC_NAMES.every((m) => isNumber(v[m]) && (v[m] as number) >= 0);
  if (kind === 'baseline') {
    if (!isObject(value) || !metrics(value.metrics) || !isNumber(value.score) || !Number.isInteger(value.count) || (value.count as number) < 1 || !isObject(value.period)) {
      return 'a baseline needs { period: { start, end }, metrics: { ' + METRIC_NAMES.join(', ') + ' } (numbers >= 0), score: number, count: integer >= 1 }';
    }
  } else if (kind.startsWith('snapshots/')) {
    if (!isObject(value) || !isTime(value.timestamp) || !metrics(value.metrics) || (value.trends !== undefined && !Array.isArray(value.trends))) {
      return 'a snapshot needs { timestamp: integer ms, metrics: { ' + METRIC_NAMES.join(', ') + ' } (numbers >= 0), trends?: array }';
    }
  } else if (kind.startsWith('abtests/')) {
    if (abTestProblem(value) !== null) return `an A/B test ${abTestProblem(value)}`;
  } else if (kind.startsWith('patterns/') || kind.startsWith('shared/patterns/')) {
    if (!isObject(value) || typeof value.taskType !== 'string' || typeof value.strategy !== 'string' || !Number.isInteger(value.trials) || !Number.isInteger(value.successes)) {
      return 'a pattern needs { taskType: string, strategy: string, successes: integer, trials: integer, ... }';
    }
  } else if (!isObject(value) && !Array.isArray(value)) {
    // Config, meta, state, model rows, versions, strategies: all objects or arrays.
    return 'a learning value must be an object or an array';
  }
  return null;
}

/** Why `value` is not an A/B test as `ImprovementLoop` stores it, or null. */
export function abTestProblem(value: unknown): string | null {
  if (!isObject(value)) return 'must be an object';
  if (typeof value.id !== 'string' || typeof value.name !== 'string') return 'needs string id and name';
  if (!['running', 'completed', 'cancelled'].includes(value.status as string)) return 'needs status running, completed or cancelled';
  if (!Array.isArray(value.results) || !value.results.every((r) => isObject(r) && typeof r.strategy === 'string' && isNumber(r.trials) && isNumber(r.successes))) {
    return 'needs results: [{ strategy: string, trials: number, successes: number, ... }]';
  }
  if (!Array.isArray(value.strategies) || !isNumber(value.startedAt)) return 'needs strategies (array) and startedAt (number)';
  return null;
}

function refuse(what: string, why: string): never {
  throw new FleetError('USAGE', `refused ${what}: ${why}; nothing was imported`);
}

/**
 * Stores an export in one transaction (all or nothing). Every entry is checked first and the
 * first bad one refused by name (FleetError USAGE: exit 2):
 *
 * - ownership: with no caller only unowned entries are imported, and none over an existing entry
 *   someone owns; `as agent X` writes with X's access rights (entries owned by others are
 *   refused, and overwriting needs write, changing owner or level share); only `as system X`
 *   imports entries of any owner, keeping their owners and levels;
 * - a missing or non-numeric `expiresAt`/`createdAt`, a value under a learning key of the wrong
 *   type (baseline, snapshots, A/B tests, patterns), anything the store refuses;
 * - afterwards, inside the same transaction, each agent whose learning keys were written must load
 *   (engine, tracker, improvement loop); if one cannot, the import is refused naming the agent.
 */
export function importMemory(memory: SwarmMemoryManager, data: Pick<Partial<MemoryExport>, 'entries' | 'events' | 'patterns' | 'metrics'>, caller: ImportCaller, now = Date.now()): ImportSummary {
  const entries = data.entries ?? [];
  const summary: ImportSummary = { entries: 0, expired: 0, events: 0, patterns: 0, metrics: 0 };
  for (const [name, rows] of [['entries', entries], ['events', data.events ?? []], ['patterns', data.patterns ?? []], ['metrics', data.metrics ?? []]] as const) {
    if (!Array.isArray(rows)) refuse(`'${name}'`, 'it must be an array');
  }
  const touchedAgents = new Set<string>();
  memory.transaction(() => {
    entries.forEach((e, i) => {
      const what = isObject(e) && typeof e.key === 'string' ? `entry '${String(e.partition)}/${e.key}'` : `entries[${i}]`;
      if (!isObject(e) || typeof e.key !== 'string' || typeof e.partition !== 'string') refuse(what, 'an entry needs a string key and partition');
      if (e.expiresAt !== null && !isTime(e.expiresAt)) refuse(what, `expiresAt must be null (never) or integer epoch ms, got ${JSON.stringify(e.expiresAt) ?? 'nothing'}`);
      if (!isTime(e.createdAt)) refuse(what, `createdAt must be integer epoch ms, got ${JSON.stringify(e.createdAt) ?? 'nothing'}`);
      if (e.owner !== null && typeof e.owner !== 'string') refuse(what, 'owner must be a string or null');
      if (e.expiresAt !== null && e.expiresAt <= now) {
        summary.expired++;
        return;
      }
      const problem = learningValueProblem(e.key, e.value);
      if (problem !== null) refuse(what, problem);
      const ttl = e.expiresAt === null ? 0 : (e.expiresAt - e.createdAt) / 1000;
      const options = {
        partition: e.partition,
        ttl,
        createdAt: e.createdAt,
        accessLevel: e.accessLevel,
        ...(e.metadata === null ? {} : { metadata: e.metadata }),
        ...(e.teamId === null ? {} : { teamId: e.teamId }),
        ...(e.swarmId === null ? {} : { swarmId: e.swarmId }),
      };
      try {
        if (caller.kind === 'none') {
          if (e.owner !== null) refuse(what, `it is owned by '${e.owner}': import as that agent (--as ${e.owner}) or as a named system caller (--as-system NAME)`);
          const existing = memory.retrieveEntry(e.key, { partition: e.partition });
          if (existing !== null && existing.owner !== null) refuse(what, `it would overwrite an entry owned by '${existing.owner}'`);
          memory.store(e.key, e.value, options);
        } else if (caller.kind === 'agent') {
          if (e.owner !== null && e.owner !== caller.agentId) refuse(what, `it is owned by '${e.owner}', not '${caller.agentId}' (only --as-system NAME imports other agents' entries)`);
          memory.store(e.key, e.value, { ...options, agentId: caller.agentId });
        } else {
          // A system caller may write anything; an unowned entry stays unowned (as the caller it would become its owner).
          if (e.owner === null) memory.store(e.key, e.value, options);
          else memory.store(e.key, e.value, { ...options, agentId: caller.agentId, isSystem: true, owner: e.owner });
        }
      } catch (error) {
        if (error instanceof FleetError) throw error;
        refuse(what, error instanceof Error ? error.message : String(error));
      }
      if (e.key.startsWith(LEARNING_PREFIX)) touchedAgents.add(e.key.slice(LEARNING_PREFIX.length).split('/')[0] ?? '');
      summary.entries++;
    });
    (data.events ?? []).forEach((ev, i) => {
      try {
        // The store counts an event's TTL from the moment it is written: the expiry is kept to the ms
        // it takes to get there (the timestamp is kept exactly).
        const ttl = ev.expiresAt === null ? 0 : Math.max(0.001, (ev.expiresAt - Date.now()) / 1000);
        memory.storeEvent({ type: ev.type, source: ev.source, payload: ev.payload, timestamp: ev.timestamp, ttl });
      } catch (error) {
        refuse(`events[${i}]`, error instanceof Error ? error.message : String(error));
      }
      summary.events++;
    });
    (data.patterns ?? []).forEach((p, i) => {
      try {
        memory.storePattern({
          pattern: p.pattern,
          confidence: p.confidence,
          usageCount: p.usageCount,
          ttl: p.ttl,
          createdAt: p.createdAt,
          ...(p.agentId === null ? {} : { agentId: p.agentId }),
          ...(p.metadata === null ? {} : { metadata: p.metadata }),
        });
      } catch (error) {
        refuse(`patterns[${i}] '${String(p?.pattern)}'`, error instanceof Error ? error.message : String(error));
      }
      summary.patterns++;
    });
    try {
      memory.storePerformanceMetrics((data.metrics ?? []).map((m) => ({ metric: m.metric, value: m.value, unit: m.unit, timestamp: m.timestamp, ...(m.agentId === null ? {} : { agentId: m.agentId }) })));
    } catch (error) {
      refuse('metrics', error instanceof Error ? error.message : String(error));
    }
    summary.metrics = (data.metrics ?? []).length;
    // The decisive check: the learning layer itself loads what was written (still uncommitted),
    // in a savepoint rolled back afterwards, since initialising writes (config, default strategies).
    for (const agentId of touchedAgents) {
      if (agentId === 'shared') continue;
      try {
        memory.transaction(() => {
          const engine = new LearningEngine(agentId, memory);
          engine.initialize();
          const tracker = new PerformanceTracker(agentId, memory);
          tracker.initialize();
          tracker.calculateImprovement();
          new ImprovementLoop(agentId, memory, engine, tracker).initialize();
          throw LOADED;
        });
      } catch (error) {
        if (error !== LOADED) refuse(`the learning entries of agent '${agentId}'`, `the agent could not load them (${error instanceof Error ? error.message : String(error)})`);
      }
    }
  });
  return summary;
}
