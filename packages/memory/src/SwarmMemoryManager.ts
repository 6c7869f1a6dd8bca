import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { and, asc, avg, desc, eq, getTableName, gt, gte, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { AccessControl, type AccessGrants, type AccessTarget } from './AccessControl.js';
import { decodeValue, encodeValue } from './codec.js';
import { createMemoryBus } from './createMemoryBus.js';
import { toMemoryError } from './MemoryError.js';
import { openDatabase } from './openDatabase.js';
import {
  encodeOptional,
  grantsOf,
  targetOf,
  toAgent,
  toArtifact,
  toConsensus,
  toEntry,
  toEvent,
  toGoapAction,
  toOoda,
  toPattern,
  toSession,
  toWorkflow,
  type AgentRow,
  type EntryRow,
  type EventRow,
  type MetricRow,
  type OodaRow,
  type WorkflowRow,
} from './rows.js';
import {
  agentRegistry,
  artifacts,
  consensusState,
  goapActions,
  goapGoals,
  goapPlans,
  hints,
  memoryAcl,
  oodaCycles,
  patterns,
  performanceMetrics,
  sessions,
  workflowState,
} from './schema.js';
import { WalCheckpointer } from './WalCheckpointer.js';
import { TTL_POLICY } from './ttlPolicy.js';
import {
  checkKey,
  checkCaller,
  checkLimit,
  checkNumber,
  checkObject,
  checkOneOf,
  checkOptionalText,
  checkPartition,
  checkStrings,
  checkText,
  checkTime,
  checkTtl,
  expiresAt,
  fail,
  likeToGlob,
} from './validation.js';
import type {
  AccessControlEntry,
  AccessLevel,
  AgentRecord,
  AgentStatus,
  ArtifactRecord,
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

const ACCESS_LEVELS: ReadonlySet<string> = new Set<AccessLevel>(['private', 'team', 'swarm', 'public', 'system']);
const PERMISSIONS: ReadonlySet<string> = new Set<Permission>(['read', 'write', 'delete', 'share']);
const AGENT_STATUSES: ReadonlySet<string> = new Set<AgentStatus>(['idle', 'active', 'busy', 'stopped', 'error']);
const METRIC_ORDERS: ReadonlySet<string> = new Set(['asc', 'desc']);
const OODA_PHASES: ReadonlySet<string> = new Set<OodaPhase>(['observe', 'orient', 'decide', 'act']);
const OODA_PHASE_FIELD = { observe: 'observations', orient: 'orientation', decide: 'decision', act: 'action' } as const;
const TABLES = Object.keys(TTL_POLICY.tables) as TableName[];
/** Tables with an `expires_at` column, swept by `cleanupExpired`. */
const EXPIRING_TABLES: readonly TableName[] = [
  'memory_entries',
  'hints',
  'events',
  'workflow_state',
  'patterns',
  'consensus_state',
  'artifacts',
  'sessions',
];
/**
 * How often a file database's WAL is copied back by a thread of its own (WalCheckpointer): while
 * frames keep coming, often, so the writer's own automatic checkpoint (at 4000 pages) finds most
 * of them copied already; otherwise rarely.
 */
const CHECKPOINT_INTERVAL_MS = { idle: 250, busy: 20 };
const SILENT_LOGGER: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const ENTRY_COLUMNS = 'e.key, e.partition, e.value, e.metadata, e.created_at, e.expires_at, e.owner, e.access_level, e.team_id, e.swarm_id';
const ACL_JOIN = 'LEFT JOIN memory_acl a ON a.key = e.key AND a.partition = e.partition';
const LIVE = '(e.expires_at IS NULL OR e.expires_at > ?)';
/**
 * An entry write. NULL owner, team or swarm and the trailing NULL level parameter mean "not given":
 * a live entry keeps its own (a write that names nobody must not strip an owned entry of its owner
 * or level), while a new entry, or one replacing an expired row, gets NULL and 'private'.
 */
const UPSERT_INSERT = `INSERT INTO memory_entries (key, partition, value, metadata, created_at, expires_at, owner, access_level, team_id, swarm_id)
  VALUES (?, ?, ?, ?, ?, ?, ?, COALESCE(?, 'private'), ?, ?) ON CONFLICT (partition, key) DO UPDATE`;
/** True in DO UPDATE when the row being replaced had already expired: nothing of it is kept. */
const REPLACED_EXPIRED = 'memory_entries.expires_at IS NOT NULL AND memory_entries.expires_at <= excluded.created_at';
const KEEP_LEVEL_TEAM_SWARM = `access_level = CASE WHEN ${REPLACED_EXPIRED} OR ? IS NOT NULL THEN excluded.access_level ELSE memory_entries.access_level END,
           team_id = CASE WHEN ${REPLACED_EXPIRED} THEN excluded.team_id ELSE COALESCE(excluded.team_id, memory_entries.team_id) END,
           swarm_id = CASE WHEN ${REPLACED_EXPIRED} THEN excluded.swarm_id ELSE COALESCE(excluded.swarm_id, memory_entries.swarm_id) END`;

/** Prepared statements of the hot paths, made once per open database. */
interface Statements {
  upsertSameIndexed: Database.Statement;
  upsert: Database.Statement;
  retrieveValue: Database.Statement;
  entryWithAcl: Database.Statement;
  query: Database.Statement;
  queryWithAcl: Database.Statement;
  deleteEntry: Database.Statement;
  deleteAcl: Database.Statement;
  upsertPattern: Database.Statement;
  insertEvent: Database.Statement;
  insertMetric: Database.Statement;
  expire: Database.Statement[];
  orphanAcl: Database.Statement;
  eventQueries: Map<string, Database.Statement>;
  tx: Database.Transaction<(fn: () => unknown) => unknown>;
}

interface Open {
  sqlite: Database.Database;
  orm: BetterSQLite3Database;
  s: Statements;
}

function live(column: SQLiteColumn, now: number): SQL {
  return or(isNull(column), gt(column, now)) as SQL;
}

/**
 * Event and metric ids: UUIDs in the version 7 layout (RFC 9562, method 1) of 48 bits of
 * milliseconds, a 12-bit counter and random bits. One manager's ids grow strictly, within a
 * millisecond (the counter) and when the clock steps back (the last millisecond is kept), so the
 * events table's (timestamp, id) key returns the events of one millisecond in the order they were
 * stored.
 */
function timeOrderedUuids(): (now: number) => string {
  let lastMs = -1;
  let counter = 0;
  return (now) => {
    const ms = Math.max(0, Math.floor(now));
    if (ms > lastMs) {
      lastMs = ms;
      counter = 0;
    } else if (++counter > 0xfff) {
      // The millisecond's counter is used up: borrow the next millisecond.
      lastMs++;
      counter = 0;
    }
    const time = lastMs.toString(16).padStart(12, '0').slice(-12);
    return `${time.slice(0, 8)}-${time.slice(8)}-7${counter.toString(16).padStart(3, '0')}-${randomUUID().slice(19)}`;
  };
}

function isSqliteError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_');
}

/**
 * The fleet's memory: 15 SQLite tables behind synchronous, typed operations, with TTLs,
 * per-entry access control and a bus announcing every change. All reads hide expired rows at
 * once; `cleanupExpired` (also on an unref'd timer) removes them.
 */
export class SwarmMemoryManager {
  /** Announces stores, deletes, clears, expiry sweeps and stored events (after commit). */
  readonly bus: MemoryBus;
  /** The database file, or `:memory:`. */
  readonly path: string;
  #clock: Clock;
  #logger: Logger;
  #synchronous: 'NORMAL' | 'FULL';
  #busyTimeoutMs: number;
  #cleanupIntervalMs: number;
  #readonly: boolean;
  #checkpointThread: boolean;
  #open: Open | undefined;
  #closed = false;
  #timers: NodeJS.Timeout[] = [];
  #checkpointer: WalCheckpointer | undefined;
  #txDepth = 0;
  readonly #timeOrderedId = timeOrderedUuids();
  /** Announcements made inside a transaction, as alternating event names and payloads. */
  #pending: unknown[] = [];

  constructor(path = ':memory:', options: SwarmMemoryManagerOptions = {}) {
    this.path = path;
    this.bus = options.bus ?? createMemoryBus();
    // Stored times are integer ms; an injected (virtual) clock may read fractions.
    const clock = options.clock;
    this.#clock = clock === undefined ? Date.now : () => Math.floor(clock());
    this.#logger = options.logger ?? SILENT_LOGGER;
    if (options.durability !== undefined && options.durability !== 'process' && options.durability !== 'full') {
      fail('INVALID_ARGUMENT', "durability must be 'process' or 'full'");
    }
    if (options.synchronous !== undefined && options.synchronous !== 'NORMAL' && options.synchronous !== 'FULL') {
      fail('INVALID_ARGUMENT', "synchronous must be 'NORMAL' or 'FULL'");
    }
    this.#synchronous = options.synchronous ?? (options.durability === 'full' ? 'FULL' : 'NORMAL');
    this.#busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    this.#cleanupIntervalMs = options.cleanupIntervalMs ?? 60_000;
    this.#readonly = options.readonly ?? false;
    this.#checkpointThread = options.checkpointThread ?? true;
  }

  /** Opens the database, migrating it to the current schema. Idempotent. */
  initialize(): void {
    if (this.#open) return;
    if (this.#closed) fail('CLOSED', 'this SwarmMemoryManager was closed');
    const sqlite = openDatabase(this.path, {
      readonly: this.#readonly,
      synchronous: this.#synchronous,
      busyTimeoutMs: this.#busyTimeoutMs,
      logger: this.#logger,
    });
    this.#open = { sqlite, orm: drizzle({ client: sqlite }), s: SwarmMemoryManager.#prepare(sqlite) };
    if (this.#readonly) return;
    if (this.#cleanupIntervalMs > 0) this.#every(this.#cleanupIntervalMs, 'expiry sweep', () => this.cleanupExpired());
    if (this.#checkpointThread && this.#checkpoints()) {
      this.#checkpointer = new WalCheckpointer({ path: this.path, intervalMs: CHECKPOINT_INTERVAL_MS.idle, busyIntervalMs: CHECKPOINT_INTERVAL_MS.busy, logger: this.#logger });
    }
  }

  /** Whether this manager writes a WAL of its own: a file opened read-write. */
  #checkpoints(): boolean {
    return !this.#readonly && this.path !== ':memory:' && this.path !== '';
  }

  /** Runs `fn` every `ms` on an unref'd timer (it never keeps the process alive), logging failures. */
  #every(ms: number, what: string, fn: () => void): void {
    const timer = setInterval(() => {
      try {
        fn();
      } catch (error) {
        this.#logger.error(`memory: ${what} failed`, error);
      }
    }, ms);
    timer.unref();
    this.#timers.push(timer);
  }

  static #prepare(db: Database.Database): Statements {
    return {
      // SQLite rewrites an index on UPDATE when its column is SET, changed or not; rewriting an
      // entry usually keeps its owner and expiry (no TTL), so this leaves both indexes alone and
      // reports no change when they differ, for `upsert` to do the full update.
      upsertSameIndexed: db.prepare(
        `${UPSERT_INSERT} SET value = excluded.value, metadata = excluded.metadata, created_at = excluded.created_at,
           ${KEEP_LEVEL_TEAM_SWARM}
         WHERE memory_entries.expires_at IS excluded.expires_at AND memory_entries.owner IS COALESCE(excluded.owner, memory_entries.owner)`,
      ),
      upsert: db.prepare(
        `${UPSERT_INSERT} SET value = excluded.value, metadata = excluded.metadata,
           created_at = excluded.created_at, expires_at = excluded.expires_at,
           owner = CASE WHEN ${REPLACED_EXPIRED} THEN excluded.owner ELSE COALESCE(excluded.owner, memory_entries.owner) END,
           ${KEEP_LEVEL_TEAM_SWARM}`,
      ),
      retrieveValue: db
        .prepare(`SELECT value FROM memory_entries e WHERE e.key = ? AND e.partition = ? AND ${LIVE}`)
        .pluck(),
      entryWithAcl: db.prepare(
        `SELECT ${ENTRY_COLUMNS}, a.granted_permissions, a.blocked_agents FROM memory_entries e ${ACL_JOIN}
         WHERE e.key = ? AND e.partition = ? AND ${LIVE}`,
      ),
      query: db.prepare(
        `SELECT ${ENTRY_COLUMNS} FROM memory_entries e WHERE e.partition = ? AND e.key GLOB ? AND ${LIVE}
         ORDER BY e.key LIMIT ? OFFSET ?`,
      ),
      queryWithAcl: db.prepare(
        `SELECT ${ENTRY_COLUMNS}, a.granted_permissions, a.blocked_agents FROM memory_entries e ${ACL_JOIN}
         WHERE e.partition = ? AND e.key GLOB ? AND ${LIVE} ORDER BY e.key`,
      ),
      deleteEntry: db.prepare(`DELETE FROM memory_entries AS e WHERE e.key = ? AND e.partition = ? AND ${LIVE}`),
      deleteAcl: db.prepare('DELETE FROM memory_acl WHERE key = ? AND partition = ?'),
      // An update keeps the row's id, creation time and (when none is given) its usage count.
      upsertPattern: db
        .prepare(
          `INSERT INTO patterns (id, pattern, confidence, usage_count, metadata, ttl, expires_at, created_at, agent_id)
           VALUES (@id, @pattern, @confidence, COALESCE(@usageCount, 0), @metadata, @ttl, @expiresAt, @createdAt, @agentId)
           ON CONFLICT (pattern) DO UPDATE SET confidence = excluded.confidence, metadata = excluded.metadata,
             ttl = excluded.ttl, expires_at = excluded.expires_at, agent_id = excluded.agent_id,
             usage_count = COALESCE(@usageCount, patterns.usage_count)
           RETURNING id`,
        )
        .pluck(),
      insertEvent: db.prepare(
        'INSERT INTO events (id, type, payload, timestamp, source, ttl, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      insertMetric: db.prepare('INSERT INTO performance_metrics (id, metric, value, unit, timestamp, agent_id) VALUES (?, ?, ?, ?, ?, ?)'),
      expire: EXPIRING_TABLES.map((t) => db.prepare(`DELETE FROM ${t} WHERE expires_at IS NOT NULL AND expires_at <= ?`)),
      orphanAcl: db.prepare(
        `DELETE FROM memory_acl WHERE NOT EXISTS
           (SELECT 1 FROM memory_entries e WHERE e.key = memory_acl.key AND e.partition = memory_acl.partition)`,
      ),
      eventQueries: new Map(),
      tx: db.transaction((fn: () => unknown) => fn()),
    };
  }

  /** Stops the timers and the checkpoint thread, checkpoints the WAL (passively) and closes the database. Idempotent. */
  close(): void {
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers = [];
    this.#checkpointer?.close();
    this.#checkpointer = undefined;
    // SQLite checkpoints on closing only the last connection to the file; other processes may
    // still have it open, so copy this one's writes back now.
    if (this.#open && this.#checkpoints()) {
      try {
        this.#open.sqlite.pragma('wal_checkpoint(PASSIVE)');
      } catch (error) {
        this.#logger.warn('memory: checkpoint on close failed', error);
      }
    }
    this.#open?.sqlite.close();
    this.#open = undefined;
    this.#closed = true;
  }

  #db(): Open {
    if (this.#open) return this.#open;
    return fail(this.#closed ? 'CLOSED' : 'NOT_INITIALIZED', this.#closed ? 'this SwarmMemoryManager was closed' : 'call initialize() first');
  }

  /**
   * Runs `fn` (synchronous) in one `BEGIN IMMEDIATE` transaction; nested calls become savepoints.
   * Bus announcements made inside are delivered after the outermost commit and dropped on rollback.
   */
  transaction<T>(fn: () => T): T {
    const { s } = this.#db();
    const mark = this.#pending.length;
    this.#txDepth++;
    let result: T;
    try {
      result = s.tx.immediate(fn) as T;
    } catch (error) {
      this.#pending.length = mark;
      throw isSqliteError(error) ? toMemoryError(error, 'transaction failed') : error;
    } finally {
      this.#txDepth--;
    }
    if (this.#txDepth === 0 && this.#pending.length > 0) this.#flush();
    return result;
  }

  #listening(type: keyof MemoryBusEvents): boolean {
    return (this.bus.all.get(type)?.length ?? 0) > 0 || (this.bus.all.get('*')?.length ?? 0) > 0;
  }

  #announce<K extends keyof MemoryBusEvents>(type: K, event: MemoryBusEvents[K]): void {
    if (this.#txDepth > 0) this.#pending.push(type, event);
    else this.#emit(type, event);
  }

  #emit<K extends keyof MemoryBusEvents>(type: K, event: MemoryBusEvents[K]): void {
    try {
      this.bus.emit(type, event);
    } catch (error) {
      // The write is committed; a failing listener must not make it look failed.
      this.#logger.error(`memory: a '${type}' listener threw`, error);
    }
  }

  #flush(): void {
    const pending = this.#pending;
    this.#pending = [];
    for (let i = 0; i < pending.length; i += 2) {
      this.#emit(pending[i] as keyof MemoryBusEvents, pending[i + 1] as never);
    }
  }

  /** Runs a SQLite call, turning driver errors into MemoryErrors (hot paths inline this, closure-free). */
  #run<T>(context: string, fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      throw toMemoryError(error, context);
    }
  }

  /** The first row of `table` matching `where` (Drizzle; the typed tables are not hot paths). */
  #one<T extends SQLiteTable>(context: string, table: T, where: SQL | undefined): T['$inferSelect'] | undefined {
    const { orm } = this.#db();
    return this.#run(context, () => orm.select().from(table as SQLiteTable).where(where).get()) as T['$inferSelect'] | undefined;
  }

  /** The rows of `table` matching `where`, in `order`, at most `limit` (-1: all). */
  #many<T extends SQLiteTable>(context: string, table: T, where: SQL | undefined, order: SQL[], limit = -1): T['$inferSelect'][] {
    const { orm } = this.#db();
    return this.#run(context, () =>
      orm
        .select()
        .from(table as SQLiteTable)
        .where(where)
        .orderBy(...order)
        .limit(limit)
        .all(),
    ) as T['$inferSelect'][];
  }

  /** Applies `set` to the rows matching `where`; throws NOT_FOUND (with `missing`) if there are none. */
  #update<T extends SQLiteTable>(table: T, set: Partial<T['$inferInsert']>, where: SQL | undefined, missing: string): void {
    const { orm } = this.#db();
    const changes = this.#run(`update of ${getTableName(table)} failed`, () =>
      orm
        .update(table as SQLiteTable)
        .set(set as Record<string, unknown>)
        .where(where)
        .run(),
    ).changes;
    if (changes === 0) fail('NOT_FOUND', missing);
  }

  // ---------------------------------------------------------------- key-value (memory_entries)

  /**
   * Stores `value` under `key` (upsert). A named caller needs `write` on an existing entry and
   * `share` to change its level or owner; it can only create entries it owns.
   */
  store(key: string, value: unknown, options?: StoreOptions): void {
    const { s } = this.#db();
    checkKey(key);
    checkCaller(options);
    checkOptionalText(options?.owner, 'owner');
    const partition = checkPartition(options?.partition);
    const ttl = checkTtl(options?.ttl, TTL_POLICY.partitions[partition] ?? 0);
    const level = options?.accessLevel;
    if (level !== undefined) checkOneOf(level, ACCESS_LEVELS, 'accessLevel');
    const encoded = encodeValue(value);
    const metadata = options?.metadata === undefined ? null : encodeValue(checkObject(options.metadata, 'metadata'), 'metadata');
    const clockNow = this.#clock();
    // The row's time: now, or the one a restore gives. Liveness of the current row is judged by the clock.
    const now = checkTime(options?.createdAt, 'createdAt', clockNow);
    const expires = expiresAt(now, ttl);
    if (options?.agentId === undefined) {
      // Trusted code: owner, level, team and swarm change only where given (see UPSERT_INSERT).
      const owner = options?.owner ?? null;
      try {
        SwarmMemoryManager.#upsert(s, key, partition, encoded, metadata, now, expires, owner, level ?? null, options?.teamId ?? null, options?.swarmId ?? null);
      } catch (error) {
        throw toMemoryError(error, 'store failed');
      }
      if (this.#listening('memory:stored')) this.#announce('memory:stored', { key, partition, owner, accessLevel: level ?? 'private' });
      return;
    }
    const caller = options;
    const target = this.transaction(() => {
      const existing = s.entryWithAcl.get(key, partition, clockNow) as EntryRow | undefined;
      let next: AccessTarget;
      if (existing) {
        const current = targetOf(existing);
        const grants = grantsOf(existing);
        AccessControl.assert(caller, current, 'write', grants);
        next = { ...current, owner: caller.owner ?? current.owner, accessLevel: level ?? current.accessLevel };
        if (next.owner !== current.owner || next.accessLevel !== current.accessLevel) {
          AccessControl.assert(caller, current, 'share', grants);
        }
      } else {
        next = {
          key,
          partition,
          owner: caller.owner ?? caller.agentId ?? null,
          accessLevel: level ?? 'private',
          teamId: caller.teamId ?? null,
          swarmId: caller.swarmId ?? null,
        };
        AccessControl.assertCreate(caller, next);
        // Grants of an expired predecessor must not carry over to a new entry.
        s.deleteAcl.run(key, partition);
      }
      SwarmMemoryManager.#upsert(s, key, partition, encoded, metadata, now, expires, next.owner, next.accessLevel, next.teamId, next.swarmId);
      return next;
    });
    this.#announce('memory:stored', { key, partition, owner: target.owner, accessLevel: target.accessLevel });
  }

  /** Writes an entry row, touching the expiry and owner indexes only when those columns change. */
  static #upsert(s: Statements, ...row: [string, string, string, string | null, number, number | null, string | null, string | null, string | null, string | null]): void {
    // The level goes in twice: once for the new row, once to tell "not given" apart in DO UPDATE.
    if (s.upsertSameIndexed.run(...row, row[7]).changes === 0) s.upsert.run(...row, row[7]);
  }

  /** The live entry row, after checking `permission` for a named caller; undefined if absent. */
  #entryFor(key: string, options: KeyOptions | undefined, permission: Permission): EntryRow | undefined {
    const { s } = this.#db();
    checkKey(key);
    checkCaller(options);
    const partition = checkPartition(options?.partition);
    const row = this.#run('read failed', () => s.entryWithAcl.get(key, partition, this.#clock()) as EntryRow | undefined);
    if (row && options?.agentId !== undefined) AccessControl.assert(options, targetOf(row), permission, grantsOf(row));
    return row;
  }

  /** The value under `key`, or `null` when absent or expired. */
  retrieve<T = unknown>(key: string, options?: KeyOptions): T | null {
    if (options?.agentId !== undefined) {
      const row = this.#entryFor(key, options, 'read');
      return row ? (decodeValue(row.value) as T) : null;
    }
    const { s } = this.#db();
    checkKey(key);
    checkCaller(options);
    const partition = checkPartition(options?.partition);
    let text: string | undefined;
    try {
      text = s.retrieveValue.get(key, partition, this.#clock()) as string | undefined;
    } catch (error) {
      throw toMemoryError(error, 'retrieve failed');
    }
    return text === undefined ? null : (decodeValue(text) as T);
  }

  /** The whole entry under `key` (value, metadata, owner, level, times), or `null`. */
  retrieveEntry<T = unknown>(key: string, options?: KeyOptions): MemoryEntry<T> | null {
    const row = this.#entryFor(key, options, 'read');
    return row ? toEntry<T>(row) : null;
  }

  /**
   * Entries of one partition whose key matches `pattern` (`%` any run, `_` one character), in
   * key order. A named caller silently gets only the entries it may read.
   */
  query<T = unknown>(pattern: string, options?: QueryOptions): MemoryEntry<T>[] {
    const { s } = this.#db();
    checkKey(pattern, 'pattern');
    checkCaller(options);
    const partition = checkPartition(options?.partition);
    const limit = checkLimit(options?.limit, 'limit', -1);
    const offset = checkLimit(options?.offset, 'offset', 0);
    const glob = likeToGlob(pattern);
    const now = this.#clock();
    if (options?.agentId === undefined) {
      const rows = this.#run('query failed', () => s.query.all(partition, glob, now, limit, offset) as EntryRow[]);
      return rows.map((row) => toEntry<T>(row));
    }
    const caller = options;
    return this.#run('query failed', () => {
      const out: MemoryEntry<T>[] = [];
      let skip = offset;
      for (const row of s.queryWithAcl.iterate(partition, glob, now) as IterableIterator<EntryRow>) {
        if (limit >= 0 && out.length >= limit) break;
        if (!AccessControl.allows(caller, targetOf(row), 'read', grantsOf(row))) continue;
        if (skip > 0) skip--;
        else out.push(toEntry<T>(row));
      }
      return out;
    });
  }

  /** Deletes `key` and its ACL; a named caller needs `delete`. True if a live entry was removed. */
  delete(key: string, options?: KeyOptions): boolean {
    const { s } = this.#db();
    checkKey(key);
    checkCaller(options);
    const partition = checkPartition(options?.partition);
    const removed = this.transaction(() => {
      if (options?.agentId !== undefined && !this.#entryFor(key, options, 'delete')) return false;
      const changes = s.deleteEntry.run(key, partition, this.#clock()).changes;
      s.deleteAcl.run(key, partition);
      return changes > 0;
    });
    if (removed) this.#announce('memory:deleted', { key, partition });
    return removed;
  }

  /** Deletes every entry (and ACL) of `partition`; returns the number of entries removed. */
  clear(partition: string): number {
    const { sqlite } = this.#db();
    const p = checkPartition(partition);
    const count = this.transaction(() => {
      sqlite.prepare('DELETE FROM memory_acl WHERE partition = ?').run(p);
      return sqlite.prepare('DELETE FROM memory_entries WHERE partition = ?').run(p).changes;
    });
    this.#announce('memory:cleared', { partition: p, count });
    return count;
  }

  // ------------------------------------------------------------------ access control (memory_acl)

  /** Loads the entry and its grants, checks `share` and applies `change` to the grants. */
  #changeAcl(key: string, options: KeyOptions | undefined, change: (grants: AccessGrants, owner: string | null) => void): void {
    const { orm } = this.#db();
    this.transaction(() => {
      const row = this.#entryFor(key, options, 'share');
      if (!row) fail('NOT_FOUND', `no entry '${key}' in partition '${checkPartition(options?.partition)}'`);
      const grants = grantsOf(row) ?? { grantedPermissions: Object.create(null) as AccessGrants['grantedPermissions'], blockedAgents: [] };
      change(grants, row.owner);
      const now = this.#clock();
      const values = {
        grantedPermissions: JSON.stringify(grants.grantedPermissions),
        blockedAgents: JSON.stringify(grants.blockedAgents),
        updatedAt: now,
      };
      orm
        .insert(memoryAcl)
        .values({ key: row.key, partition: row.partition, createdAt: now, ...values })
        .onConflictDoUpdate({ target: [memoryAcl.key, memoryAcl.partition], set: values })
        .run();
    });
  }

  /** Grants `permissions` on `key` to `agentId`; the caller must own the entry or hold `share`. */
  grantPermission(key: string, agentId: string, permissions: Permission[], options?: KeyOptions): void {
    checkText(agentId, 'agentId');
    const perms = checkStrings(permissions, 'permissions').map((p) => checkOneOf<Permission>(p, PERMISSIONS, 'permission'));
    this.#changeAcl(key, options, (grants) => {
      const held = new Set(grants.grantedPermissions[agentId] ?? []);
      for (const p of perms) held.add(p);
      grants.grantedPermissions[agentId] = [...held];
    });
  }

  /** Withdraws `permissions` (all when omitted) granted to `agentId` on `key`. */
  revokePermission(key: string, agentId: string, permissions?: Permission[], options?: KeyOptions): void {
    checkText(agentId, 'agentId');
    const perms = permissions === undefined ? undefined : checkStrings(permissions, 'permissions');
    this.#changeAcl(key, options, (grants) => {
      const left = perms === undefined ? [] : (grants.grantedPermissions[agentId] ?? []).filter((p) => !perms.includes(p));
      if (left.length > 0) grants.grantedPermissions[agentId] = left;
      else delete grants.grantedPermissions[agentId];
    });
  }

  /** Denies `agentId` everything on `key`, whatever its level or grants. The owner cannot be blocked. */
  blockAgent(key: string, agentId: string, options?: KeyOptions): void {
    checkText(agentId, 'agentId');
    this.#changeAcl(key, options, (grants, owner) => {
      if (agentId === owner) fail('INVALID_ARGUMENT', 'the owner of an entry cannot be blocked');
      if (!grants.blockedAgents.includes(agentId)) grants.blockedAgents.push(agentId);
    });
  }

  /** Lifts a block. */
  unblockAgent(key: string, agentId: string, options?: KeyOptions): void {
    checkText(agentId, 'agentId');
    this.#changeAcl(key, options, (grants) => {
      grants.blockedAgents = grants.blockedAgents.filter((a) => a !== agentId);
    });
  }

  /** Owner, level, grants and blocks of `key` (a named caller needs `read`), or `null`. */
  getACL(key: string, options?: KeyOptions): AccessControlEntry | null {
    const { orm } = this.#db();
    const row = this.#entryFor(key, options, 'read');
    if (!row) return null;
    const acl = orm
      .select({ createdAt: memoryAcl.createdAt, updatedAt: memoryAcl.updatedAt })
      .from(memoryAcl)
      .where(and(eq(memoryAcl.key, row.key), eq(memoryAcl.partition, row.partition)))
      .get();
    const grants = grantsOf(row);
    return {
      ...targetOf(row),
      grantedPermissions: grants?.grantedPermissions ?? {},
      blockedAgents: grants?.blockedAgents ?? [],
      createdAt: acl?.createdAt ?? row.created_at,
      updatedAt: acl?.updatedAt ?? row.created_at,
    };
  }

  // ------------------------------------------------------------------------------------ expiry

  /** Physically removes expired rows from every table (and orphaned ACLs); returns the count. */
  cleanupExpired(): number {
    const { s } = this.#db();
    const now = this.#clock();
    const count = this.transaction(() => {
      let total = 0;
      for (const stmt of s.expire) total += stmt.run(now).changes;
      return total + s.orphanAcl.run().changes;
    });
    if (count > 0) this.#announce('memory:expired', { count });
    return count;
  }

  // ------------------------------------------------------------------------------------- hints

  /** Posts a hint on the blackboard (upsert by key). */
  postHint(hint: NewHint): void {
    const { orm } = this.#db();
    checkObject(hint, 'hint');
    const key = checkKey(hint.key);
    const ttl = checkTtl(hint.ttl, TTL_POLICY.tables.hints);
    const value = encodeValue(hint.value);
    const now = this.#clock();
    const row = { key, value, createdAt: now, expiresAt: expiresAt(now, ttl) };
    this.#run('postHint failed', () =>
      orm.insert(hints).values(row).onConflictDoUpdate({ target: hints.key, set: row }).run(),
    );
  }

  /** Live hints whose key matches `pattern` (`%`, `_`), in key order. */
  readHints<T = unknown>(pattern: string): Hint<T>[] {
    checkKey(pattern, 'pattern');
    const where = and(sql`${hints.key} GLOB ${likeToGlob(pattern)}`, live(hints.expiresAt, this.#clock()));
    const rows = this.#many('readHints failed', hints, where, [asc(hints.key)]);
    return rows.map((row) => ({ ...row, value: decodeValue(row.value) as T }));
  }

  // ------------------------------------------------------------------------------------ events

  /** Appends an event (TTL default 30 days); returns its id. */
  storeEvent<P = unknown>(event: NewEvent<P>): string {
    const { s } = this.#db();
    checkObject(event, 'event');
    const type = checkText(event.type, 'event type');
    const source = checkText(event.source, 'event source');
    const ttl = checkTtl(event.ttl, TTL_POLICY.tables.events);
    const now = this.#clock();
    const timestamp = checkTime(event.timestamp, 'event timestamp', now);
    const payload = encodeValue(event.payload, 'event payload');
    const id = this.#timeOrderedId(now);
    const expires = expiresAt(now, ttl);
    try {
      s.insertEvent.run(id, type, payload, timestamp, source, ttl, expires);
    } catch (error) {
      throw toMemoryError(error, 'storeEvent failed');
    }
    if (this.#listening('event:stored')) {
      this.#announce('event:stored', { id, type, payload: event.payload, source, timestamp, ttl, expiresAt: expires });
    }
    return id;
  }

  /** Live events of a type (or matching an EventQuery), newest first unless `order: 'asc'`. */
  queryEvents<P = unknown>(filter: string | EventQuery): StoredEvent<P>[] {
    const { sqlite, s } = this.#db();
    const q: EventQuery = typeof filter === 'string' ? { type: checkText(filter, 'event type') } : checkObject(filter, 'event query');
    const params: Record<string, string | number> = { now: this.#clock(), limit: checkLimit(q.limit, 'limit', -1) };
    const where = ['(expires_at IS NULL OR expires_at > @now)'];
    if (q.type !== undefined) {
      params.type = checkText(q.type, 'event type');
      where.push('type = @type');
    }
    if (q.source !== undefined) {
      params.source = checkText(q.source, 'event source');
      where.push('source = @source');
    }
    if (q.since !== undefined) {
      params.since = checkNumber(q.since, 'since');
      where.push('timestamp >= @since');
    }
    if (q.until !== undefined) {
      params.until = checkNumber(q.until, 'until');
      where.push('timestamp <= @until');
    }
    const order = q.order === 'asc' ? 'ASC' : 'DESC';
    if (q.after !== undefined) {
      const after = checkObject(q.after, 'after');
      params.afterTimestamp = checkNumber(after.timestamp, 'after.timestamp');
      params.afterId = checkText(after.id, 'after.id');
      where.push(`(timestamp, id) ${order === 'ASC' ? '>' : '<'} (@afterTimestamp, @afterId)`);
    }
    const text = `SELECT * FROM events WHERE ${where.join(' AND ')} ORDER BY timestamp ${order}, id ${order} LIMIT @limit`;
    let stmt = s.eventQueries.get(text);
    if (!stmt) {
      stmt = sqlite.prepare(text);
      s.eventQueries.set(text, stmt);
    }
    const prepared = stmt;
    return this.#run('queryEvents failed', () => (prepared.all(params) as EventRow[]).map((row) => toEvent(row) as StoredEvent<P>));
  }

  // ---------------------------------------------------------------------------------- patterns

  /** Stores a pattern, or updates the one with the same `pattern` text (keeping its id); returns the id. */
  storePattern(pattern: NewPattern): string {
    const { s } = this.#db();
    checkObject(pattern, 'pattern');
    const text = checkText(pattern.pattern, 'pattern');
    const confidence = checkNumber(pattern.confidence, 'confidence', 0, 1);
    const ttl = checkTtl(pattern.ttl, TTL_POLICY.tables.patterns);
    const usageCount = pattern.usageCount === undefined ? null : checkLimit(pattern.usageCount, 'usageCount', 0);
    const metadata = encodeOptional(pattern.metadata, 'metadata');
    const now = this.#clock();
    const createdAt = checkTime(pattern.createdAt, 'createdAt', now);
    const row = {
      id: checkOptionalText(pattern.id, 'pattern id') ?? randomUUID(),
      pattern: text,
      confidence,
      usageCount,
      metadata,
      ttl,
      expiresAt: expiresAt(now, ttl),
      createdAt,
      agentId: checkOptionalText(pattern.agentId, 'agentId') ?? null,
    };
    return this.#run('storePattern failed', () => s.upsertPattern.get(row) as string);
  }

  /** The live pattern with this text, or `null`. */
  getPattern(pattern: string): PatternRecord | null {
    const where = and(eq(patterns.pattern, checkText(pattern, 'pattern')), live(patterns.expiresAt, this.#clock()));
    const row = this.#one('getPattern failed', patterns, where);
    return row ? toPattern(row) : null;
  }

  /**
   * Counts one more use of a live pattern and renews its TTL (a used pattern stays); returns the
   * new usage count, or `null` if there is no such pattern.
   */
  incrementPatternUsage(pattern: string): number | null {
    const { orm } = this.#db();
    const now = this.#clock();
    const row = this.#run('incrementPatternUsage failed', () =>
      orm
        .update(patterns)
        .set({
          usageCount: sql`${patterns.usageCount} + 1`,
          expiresAt: sql`CASE WHEN ${patterns.ttl} = 0 THEN NULL ELSE ${now} + ${patterns.ttl} * 1000 END`,
        })
        .where(and(eq(patterns.pattern, checkText(pattern, 'pattern')), live(patterns.expiresAt, now)))
        .returning({ usageCount: patterns.usageCount })
        .get(),
    );
    return row?.usageCount ?? null;
  }

  /** Live patterns with confidence >= `min`, most confident first. */
  queryPatternsByConfidence(min: number, options?: { agentId?: string; limit?: number }): PatternRecord[] {
    const conditions = [gte(patterns.confidence, checkNumber(min, 'min confidence')), live(patterns.expiresAt, this.#clock())];
    if (options?.agentId !== undefined) conditions.push(eq(patterns.agentId, checkText(options.agentId, 'agentId')));
    const order = [desc(patterns.confidence), asc(patterns.pattern)];
    const limit = checkLimit(options?.limit, 'limit', -1);
    return this.#many('queryPatternsByConfidence failed', patterns, and(...conditions), order, limit).map(toPattern);
  }

  // ----------------------------------------------------------------------- performance metrics

  #metricRow(metric: NewPerformanceMetric, now: number): MetricRow {
    checkObject(metric, 'metric');
    return {
      id: this.#timeOrderedId(now),
      metric: checkText(metric.metric, 'metric name'),
      value: checkNumber(metric.value, 'metric value'),
      unit: checkText(metric.unit, 'metric unit'),
      timestamp: checkTime(metric.timestamp, 'metric timestamp', now),
      agentId: checkOptionalText(metric.agentId, 'agentId') ?? null,
    };
  }

  /** Records one measurement (never expires); returns its id. */
  storePerformanceMetric(metric: NewPerformanceMetric): string {
    return this.storePerformanceMetrics([metric])[0] as string;
  }

  /** Records several measurements in one transaction (all or none); returns their ids. */
  storePerformanceMetrics(metrics: NewPerformanceMetric[]): string[] {
    const { s } = this.#db();
    if (!Array.isArray(metrics)) fail('INVALID_ARGUMENT', 'metrics must be an array');
    const now = this.#clock();
    const rows = metrics.map((m) => this.#metricRow(m, now));
    // A cached statement: Drizzle's builder built and prepared the insert again on every call.
    if (rows.length > 0) {
      this.transaction(() => {
        for (const r of rows) s.insertMetric.run(r.id, r.metric, r.value, r.unit, r.timestamp, r.agentId);
      });
    }
    return rows.map((r) => r.id);
  }

  #metricConditions(q: MetricQuery): SQL | undefined {
    const conditions: SQL[] = [];
    if (q.metric !== undefined) conditions.push(eq(performanceMetrics.metric, checkText(q.metric, 'metric')));
    if (q.agentId !== undefined) conditions.push(eq(performanceMetrics.agentId, checkText(q.agentId, 'agentId')));
    if (q.since !== undefined) conditions.push(gte(performanceMetrics.timestamp, checkNumber(q.since, 'since')));
    if (q.until !== undefined) conditions.push(lte(performanceMetrics.timestamp, checkNumber(q.until, 'until')));
    return and(...conditions);
  }

  /** Measurements matching `query`, oldest first (newest first with `order: 'desc'`). */
  queryPerformanceMetrics(query: MetricQuery = {}): PerformanceMetricRecord[] {
    checkObject(query, 'metric query');
    const direction = query.order === undefined ? 'asc' : checkOneOf<'asc' | 'desc'>(query.order, METRIC_ORDERS, 'order');
    // Ties in time (one flush writes several rows in one ms) break by id, which grows with storing order.
    const order = direction === 'asc' ? [asc(performanceMetrics.timestamp), asc(performanceMetrics.id)] : [desc(performanceMetrics.timestamp), desc(performanceMetrics.id)];
    const limit = checkLimit(query.limit, 'limit', -1);
    return this.#many('queryPerformanceMetrics failed', performanceMetrics, this.#metricConditions(query), order, limit);
  }

  /** Mean value of one metric (optionally per agent and time range), or `null` with no samples. */
  getAveragePerformance(query: MetricQuery & { metric: string }): number | null {
    const { orm } = this.#db();
    checkObject(query, 'metric query');
    checkText(query.metric, 'metric');
    const row = this.#run('getAveragePerformance failed', () =>
      orm
        .select({ mean: avg(performanceMetrics.value) })
        .from(performanceMetrics)
        .where(this.#metricConditions(query))
        .get(),
    );
    return row?.mean == null ? null : Number(row.mean);
  }

  // ---------------------------------------------------------------------------- agent registry

  /** Registers (or re-registers) an agent; returns the stored record. */
  registerAgent<P = Record<string, unknown>>(agent: NewAgent<P>): AgentRecord<P> {
    const { orm } = this.#db();
    checkObject(agent, 'agent');
    const id = checkText(agent.id, 'agent id');
    const now = this.#clock();
    const set = {
      type: checkText(agent.type, 'agent type'),
      capabilities: JSON.stringify(checkStrings(agent.capabilities ?? [], 'capabilities')),
      status: checkOneOf<AgentStatus>(agent.status ?? 'idle', AGENT_STATUSES, 'status'),
      performance: encodeValue(agent.performance ?? {}, 'performance'),
      updatedAt: now,
    };
    const row = this.#run('registerAgent failed', () =>
      orm
        .insert(agentRegistry)
        .values({ id, createdAt: now, ...set })
        .onConflictDoUpdate({ target: agentRegistry.id, set })
        .returning()
        .get(),
    );
    return toAgent<P>(row);
  }

  /** The agent with this id, or `null`. */
  getAgent<P = Record<string, unknown>>(id: string): AgentRecord<P> | null {
    const row = this.#one('getAgent failed', agentRegistry, eq(agentRegistry.id, checkText(id, 'agent id')));
    return row ? toAgent<P>(row) : null;
  }

  #updateAgent(id: string, set: Partial<AgentRow>): void {
    const where = eq(agentRegistry.id, checkText(id, 'agent id'));
    this.#update(agentRegistry, { ...set, updatedAt: this.#clock() }, where, `no agent '${id}'`);
  }

  /** Sets an agent's lifecycle status. */
  updateAgentStatus(id: string, status: AgentStatus): void {
    this.#updateAgent(id, { status: checkOneOf<AgentStatus>(status, AGENT_STATUSES, 'status') });
  }

  /** Replaces an agent's performance summary. */
  updateAgentPerformance(id: string, performance: Record<string, unknown>): void {
    this.#updateAgent(id, { performance: encodeValue(checkObject(performance, 'performance'), 'performance') });
  }

  /** Agents with this status, by id. */
  queryAgentsByStatus<P = Record<string, unknown>>(status: AgentStatus): AgentRecord<P>[] {
    const where = eq(agentRegistry.status, checkOneOf<AgentStatus>(status, AGENT_STATUSES, 'status'));
    const rows = this.#many('queryAgentsByStatus failed', agentRegistry, where, [asc(agentRegistry.id)]);
    return rows.map((row) => toAgent<P>(row));
  }

  // ---------------------------------------------------------------------------- workflow state

  /** Stores a workflow checkpoint (upsert by id). */
  storeWorkflowState<C = unknown>(state: NewWorkflowState<C>): void {
    const { orm } = this.#db();
    checkObject(state, 'workflow state');
    const id = checkText(state.id, 'workflow id');
    const ttl = checkTtl(state.ttl, TTL_POLICY.tables.workflow_state);
    const now = this.#clock();
    const set = {
      step: checkText(state.step, 'step'),
      status: checkText(state.status, 'status'),
      checkpoint: encodeValue(state.checkpoint, 'checkpoint'),
      sha: checkOptionalText(state.sha, 'sha') ?? null,
      updatedAt: now,
      expiresAt: expiresAt(now, ttl),
    };
    this.#run('storeWorkflowState failed', () =>
      orm
        .insert(workflowState)
        .values({ id, createdAt: now, ...set })
        .onConflictDoUpdate({ target: workflowState.id, set })
        .run(),
    );
  }

  /** The live workflow state with this id, or `null`. */
  getWorkflowState<C = unknown>(id: string): WorkflowStateRecord<C> | null {
    const where = and(eq(workflowState.id, checkText(id, 'workflow id')), live(workflowState.expiresAt, this.#clock()));
    const row = this.#one('getWorkflowState failed', workflowState, where);
    return row ? toWorkflow<C>(row) : null;
  }

  /** Updates some fields of a live workflow state; throws NOT_FOUND if there is none. */
  updateWorkflowState<C = unknown>(id: string, patch: WorkflowStatePatch<C>): void {
    checkObject(patch, 'patch');
    const now = this.#clock();
    const set: Partial<WorkflowRow> = { updatedAt: now };
    if (patch.step !== undefined) set.step = checkText(patch.step, 'step');
    if (patch.status !== undefined) set.status = checkText(patch.status, 'status');
    if (patch.checkpoint !== undefined) set.checkpoint = encodeValue(patch.checkpoint, 'checkpoint');
    if (patch.sha !== undefined) set.sha = checkText(patch.sha, 'sha');
    const where = and(eq(workflowState.id, checkText(id, 'workflow id')), live(workflowState.expiresAt, now));
    this.#update(workflowState, set, where, `no workflow state '${id}'`);
  }

  /** Live workflow states with this status, oldest first. */
  queryWorkflowsByStatus<C = unknown>(status: string): WorkflowStateRecord<C>[] {
    const where = and(eq(workflowState.status, checkText(status, 'status')), live(workflowState.expiresAt, this.#clock()));
    const rows = this.#many('queryWorkflowsByStatus failed', workflowState, where, [asc(workflowState.createdAt), asc(workflowState.id)]);
    return rows.map((row) => toWorkflow<C>(row));
  }

  // --------------------------------------------------------------------------------- consensus

  /** Opens a proposal (TTL default 7 days); returns its id. */
  createConsensusProposal<D = unknown>(proposal: NewConsensusProposal<D>): string {
    const { orm } = this.#db();
    checkObject(proposal, 'proposal');
    const quorum = checkNumber(proposal.quorum, 'quorum', 1);
    if (!Number.isInteger(quorum)) fail('INVALID_ARGUMENT', 'quorum must be an integer >= 1');
    const ttl = checkTtl(proposal.ttl, TTL_POLICY.tables.consensus_state);
    const now = this.#clock();
    const id = proposal.id ?? randomUUID();
    this.#run('createConsensusProposal failed', () =>
      orm
        .insert(consensusState)
        .values({
          id: checkText(id, 'proposal id'),
          decision: encodeValue(proposal.decision, 'decision'),
          proposer: checkText(proposal.proposer, 'proposer'),
          quorum,
          createdAt: now,
          expiresAt: expiresAt(now, ttl),
        })
        .run(),
    );
    return id;
  }

  /**
   * Records `agentId`'s vote (once per agent) on a live proposal; the proposal is approved when
   * distinct votes reach the quorum. Returns whether it is approved.
   */
  voteOnConsensus(id: string, agentId: string): boolean {
    const { orm } = this.#db();
    checkText(agentId, 'agentId');
    return this.transaction(() => {
      const current = this.getConsensusState(id);
      if (!current) fail('NOT_FOUND', `no live consensus proposal '${id}'`);
      if (current.status !== 'pending' || current.votes.includes(agentId)) return current.status === 'approved';
      const votes = [...current.votes, agentId];
      const status = votes.length >= current.quorum ? 'approved' : 'pending';
      orm
        .update(consensusState)
        .set({ votes: JSON.stringify(votes), status, version: current.version + 1 })
        .where(eq(consensusState.id, id))
        .run();
      return status === 'approved';
    });
  }

  /** The live proposal with this id, or `null`. */
  getConsensusState<D = unknown>(id: string): ConsensusRecord<D> | null {
    const where = and(eq(consensusState.id, checkText(id, 'proposal id')), live(consensusState.expiresAt, this.#clock()));
    const row = this.#one('getConsensusState failed', consensusState, where);
    return row ? toConsensus<D>(row) : null;
  }

  /** Live proposals with this status, oldest first. */
  queryConsensusByStatus<D = unknown>(status: ConsensusRecord['status']): ConsensusRecord<D>[] {
    const where = and(eq(consensusState.status, checkText(status, 'status')), live(consensusState.expiresAt, this.#clock()));
    const rows = this.#many('queryConsensusByStatus failed', consensusState, where, [asc(consensusState.createdAt), asc(consensusState.id)]);
    return rows.map((row) => toConsensus<D>(row));
  }

  // --------------------------------------------------------------------------------- artifacts

  /** Records an artifact (TTL default never); returns its id. */
  createArtifact(artifact: NewArtifact): string {
    const { orm } = this.#db();
    checkObject(artifact, 'artifact');
    const ttl = checkTtl(artifact.ttl, TTL_POLICY.tables.artifacts);
    const now = this.#clock();
    const id = checkText(artifact.id ?? randomUUID(), 'artifact id');
    const row = {
      id,
      kind: checkText(artifact.kind, 'kind'),
      path: checkText(artifact.path, 'path'),
      sha256: checkText(artifact.sha256, 'sha256'),
      tags: JSON.stringify(checkStrings(artifact.tags ?? [], 'tags')),
      metadata: encodeOptional(artifact.metadata, 'metadata'),
      createdAt: now,
      expiresAt: expiresAt(now, ttl),
    };
    this.#run('createArtifact failed', () => orm.insert(artifacts).values(row).run());
    return id;
  }

  /** The live artifact with this id, or `null`. */
  getArtifact(id: string): ArtifactRecord | null {
    const where = and(eq(artifacts.id, checkText(id, 'artifact id')), live(artifacts.expiresAt, this.#clock()));
    const row = this.#one('getArtifact failed', artifacts, where);
    return row ? toArtifact(row) : null;
  }

  /** Live artifacts of a kind, oldest first. */
  queryArtifactsByKind(kind: string): ArtifactRecord[] {
    return this.#queryArtifacts(eq(artifacts.kind, checkText(kind, 'kind')));
  }

  /** Live artifacts carrying `tag`, oldest first. */
  queryArtifactsByTag(tag: string): ArtifactRecord[] {
    const t = checkText(tag, 'tag');
    return this.#queryArtifacts(sql`EXISTS (SELECT 1 FROM json_each(${artifacts.tags}) WHERE json_each.value = ${t})`);
  }

  #queryArtifacts(condition: SQL): ArtifactRecord[] {
    const where = and(condition, live(artifacts.expiresAt, this.#clock()));
    const rows = this.#many('artifact query failed', artifacts, where, [asc(artifacts.createdAt), asc(artifacts.id)]);
    return rows.map(toArtifact);
  }

  // ---------------------------------------------------------------------------------- sessions

  /** Opens a session (TTL default never); returns its id. */
  createSession<S = unknown>(session: NewSession<S>): string {
    const { orm } = this.#db();
    checkObject(session, 'session');
    const ttl = checkTtl(session.ttl, TTL_POLICY.tables.sessions);
    const now = this.#clock();
    const id = checkText(session.id ?? randomUUID(), 'session id');
    this.#run('createSession failed', () =>
      orm
        .insert(sessions)
        .values({
          id,
          mode: checkText(session.mode, 'mode'),
          state: encodeValue(session.state, 'state'),
          createdAt: now,
          expiresAt: expiresAt(now, ttl),
        })
        .run(),
    );
    return id;
  }

  /** The live session with this id (with its checkpoints), or `null`. */
  getSession<S = unknown>(id: string): SessionRecord<S> | null {
    const where = and(eq(sessions.id, checkText(id, 'session id')), live(sessions.expiresAt, this.#clock()));
    const row = this.#one('getSession failed', sessions, where);
    return row ? toSession<S>(row) : null;
  }

  #requireSession(id: string): SessionRecord {
    return this.getSession(id) ?? fail('NOT_FOUND', `no live session '${id}'`);
  }

  /** Appends a checkpoint of `state` (which becomes the session's state); returns it. */
  addSessionCheckpoint<S = unknown>(id: string, state: S, sha?: string): SessionCheckpoint<S> {
    const { orm } = this.#db();
    const checkpoint: SessionCheckpoint<S> = { timestamp: this.#clock(), sha: checkOptionalText(sha, 'sha') ?? null, state };
    const encodedState = encodeValue(state, 'state');
    this.transaction(() => {
      const current = this.#requireSession(id);
      orm
        .update(sessions)
        .set({ state: encodedState, checkpoints: encodeValue([...current.checkpoints, checkpoint], 'checkpoints') })
        .where(eq(sessions.id, id))
        .run();
    });
    return checkpoint;
  }

  /** The newest checkpoint of a live session, or `null` if it has none. */
  getLatestCheckpoint<S = unknown>(id: string): SessionCheckpoint<S> | null {
    return (this.#requireSession(id).checkpoints.at(-1) as SessionCheckpoint<S> | undefined) ?? null;
  }

  /** Records that the session was resumed now. */
  markSessionResumed(id: string): void {
    const now = this.#clock();
    const where = and(eq(sessions.id, checkText(id, 'session id')), live(sessions.expiresAt, now));
    this.#update(sessions, { lastResumed: now }, where, `no live session '${id}'`);
  }

  // -------------------------------------------------------------------------------------- GOAP

  /** Stores a goal (upsert by id). */
  storeGoapGoal(goal: NewGoapGoal): void {
    const { orm } = this.#db();
    checkObject(goal, 'goal');
    const set = {
      conditions: encodeValue(checkObject(goal.conditions, 'conditions'), 'conditions'),
      priority: checkNumber(goal.priority ?? 0, 'priority'),
    };
    this.#run('storeGoapGoal failed', () =>
      orm
        .insert(goapGoals)
        .values({ id: checkText(goal.id, 'goal id'), createdAt: this.#clock(), ...set })
        .onConflictDoUpdate({ target: goapGoals.id, set })
        .run(),
    );
  }

  /** The goal with this id, or `null`. */
  getGoapGoal(id: string): GoapGoalRecord | null {
    const row = this.#one('getGoapGoal failed', goapGoals, eq(goapGoals.id, checkText(id, 'goal id')));
    return row ? { ...row, conditions: decodeValue(row.conditions) as Record<string, unknown> } : null;
  }

  /** Stores an action (upsert by id). */
  storeGoapAction(action: NewGoapAction): void {
    const { orm } = this.#db();
    checkObject(action, 'action');
    const set = {
      agentType: checkText(action.agentType, 'agentType'),
      preconditions: encodeValue(checkObject(action.preconditions, 'preconditions'), 'preconditions'),
      effects: encodeValue(checkObject(action.effects, 'effects'), 'effects'),
      cost: checkNumber(action.cost ?? 1, 'cost', 0),
    };
    this.#run('storeGoapAction failed', () =>
      orm
        .insert(goapActions)
        .values({ id: checkText(action.id, 'action id'), createdAt: this.#clock(), ...set })
        .onConflictDoUpdate({ target: goapActions.id, set })
        .run(),
    );
  }

  /** The action with this id, or `null`. */
  getGoapAction(id: string): GoapActionRecord | null {
    const row = this.#one('getGoapAction failed', goapActions, eq(goapActions.id, checkText(id, 'action id')));
    return row ? toGoapAction(row) : null;
  }

  /** Actions an agent type can perform, cheapest first. */
  queryGoapActionsByAgentType(agentType: string): GoapActionRecord[] {
    const where = eq(goapActions.agentType, checkText(agentType, 'agentType'));
    const rows = this.#many('queryGoapActionsByAgentType failed', goapActions, where, [asc(goapActions.cost), asc(goapActions.id)]);
    return rows.map(toGoapAction);
  }

  /** Stores a plan for an existing goal; returns its id. */
  storeGoapPlan(plan: NewGoapPlan): string {
    const { orm } = this.#db();
    checkObject(plan, 'plan');
    const goalId = checkText(plan.goalId, 'goalId');
    const id = checkText(plan.id ?? randomUUID(), 'plan id');
    const row = {
      id,
      goalId,
      sequence: JSON.stringify(checkStrings(plan.sequence, 'sequence')),
      totalCost: checkNumber(plan.totalCost, 'totalCost', 0),
      createdAt: this.#clock(),
    };
    this.transaction(() => {
      if (!this.getGoapGoal(goalId)) fail('NOT_FOUND', `no GOAP goal '${goalId}'`);
      orm.insert(goapPlans).values(row).run();
    });
    return id;
  }

  /** The plan with this id, or `null`. */
  getGoapPlan(id: string): GoapPlanRecord | null {
    const row = this.#one('getGoapPlan failed', goapPlans, eq(goapPlans.id, checkText(id, 'plan id')));
    return row ? { ...row, sequence: JSON.parse(row.sequence) as string[] } : null;
  }

  // -------------------------------------------------------------------------------------- OODA

  /** Starts a cycle; returns its id. */
  storeOodaCycle(cycle: NewOodaCycle = {}): string {
    const { orm } = this.#db();
    checkObject(cycle, 'cycle');
    const id = checkText(cycle.id ?? randomUUID(), 'cycle id');
    const now = this.#clock();
    this.#run('storeOodaCycle failed', () =>
      orm
        .insert(oodaCycles)
        .values({
          id,
          phase: checkOneOf<OodaPhase>(cycle.phase ?? 'observe', OODA_PHASES, 'phase'),
          observations: encodeOptional(cycle.observations, 'observations'),
          timestamp: checkTime(cycle.timestamp, 'timestamp', now),
        })
        .run(),
    );
    return id;
  }

  #updateOoda(id: string, set: Partial<OodaRow>): void {
    this.#update(oodaCycles, set, eq(oodaCycles.id, checkText(id, 'cycle id')), `no OODA cycle '${id}'`);
  }

  /** Moves a cycle to `phase`, storing `data` in that phase's field (observations, orientation, decision, action). */
  updateOodaPhase(id: string, phase: OodaPhase, data?: unknown): void {
    const p = checkOneOf<OodaPhase>(phase, OODA_PHASES, 'phase');
    this.#updateOoda(id, { phase: p, ...(data === undefined ? {} : { [OODA_PHASE_FIELD[p]]: encodeValue(data, 'data') }) });
  }

  /** Marks a cycle completed with its result. */
  completeOodaCycle(id: string, result: unknown): void {
    this.#updateOoda(id, { completed: true, result: encodeValue(result, 'result') });
  }

  /** The cycle with this id, or `null`. */
  getOodaCycle(id: string): OodaCycleRecord | null {
    const row = this.#one('getOodaCycle failed', oodaCycles, eq(oodaCycles.id, checkText(id, 'cycle id')));
    return row ? toOoda(row) : null;
  }

  /** Cycles currently in `phase`, oldest first. */
  queryOodaCyclesByPhase(phase: OodaPhase): OodaCycleRecord[] {
    const where = eq(oodaCycles.phase, checkOneOf<OodaPhase>(phase, OODA_PHASES, 'phase'));
    const rows = this.#many('queryOodaCyclesByPhase failed', oodaCycles, where, [asc(oodaCycles.timestamp), asc(oodaCycles.id)]);
    return rows.map(toOoda);
  }

  // ----------------------------------------------------------------------------- introspection

  /**
   * A token that changes whenever a change is committed to the database, by this manager or by
   * another connection or process (SQLite's `data_version` plus this connection's
   * `total_changes()`): equal readings mean a cache of read results is still current, apart from
   * rows expiring with time.
   */
  dataVersion(): string {
    const { sqlite } = this.#db();
    return this.#run('dataVersion failed', () => `${sqlite.pragma('data_version', { simple: true }) as number}:${sqlite.prepare('SELECT total_changes()').pluck().get() as number}`);
  }

  /** Live rows per table, entries per partition and access level, and the database size. */
  stats(): MemoryStats {
    const { sqlite } = this.#db();
    const now = this.#clock();
    return this.#run('stats failed', () => {
      const tables = {} as Record<TableName, number>;
      for (const table of TABLES) {
        const where = EXPIRING_TABLES.includes(table) ? ' WHERE expires_at IS NULL OR expires_at > ?' : '';
        const stmt = sqlite.prepare(`SELECT COUNT(*) FROM ${table}${where}`).pluck();
        tables[table] = (where ? stmt.get(now) : stmt.get()) as number;
      }
      const partitions: Record<string, number> = {};
      const accessLevels: Record<AccessLevel, number> = { private: 0, team: 0, swarm: 0, public: 0, system: 0 };
      const rows = sqlite
        .prepare(
          `SELECT partition, COALESCE(access_level, 'private') AS level, COUNT(*) AS n FROM memory_entries e
           WHERE ${LIVE} GROUP BY partition, level`,
        )
        .all(now) as { partition: string; level: AccessLevel; n: number }[];
      for (const { partition, level, n } of rows) {
        partitions[partition] = (partitions[partition] ?? 0) + n;
        accessLevels[level] = (accessLevels[level] ?? 0) + n;
      }
      const pageCount = sqlite.pragma('page_count', { simple: true }) as number;
      const pageSize = sqlite.pragma('page_size', { simple: true }) as number;
      return {
        tables,
        totalEntries: tables.memory_entries,
        totalPatterns: tables.patterns,
        partitions,
        accessLevels,
        databaseBytes: pageCount * pageSize,
      };
    });
  }
}
