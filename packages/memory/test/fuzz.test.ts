/**
 * Property-based fuzzing of every public method of SwarmMemoryManager (fast-check). Each call gets
 * generated arguments, mostly garbage (wrong types, NaN, 1e20, symbols, null-prototype and deeply
 * nested objects, prototype-named ids) mixed with plausible values so calls also succeed. The
 * properties: a call returns or throws a MemoryError with a code (never anything else); afterwards
 * every row of every table reads back through the public API, no time column holds a value outside
 * TIMESTAMP_WINDOW, no id column holds anything but text, and `PRAGMA integrity_check` is ok.
 *
 * `pnpm test` runs a small fixed-seed set; `pnpm fuzz` (QE_FUZZ_RUNS, QE_FUZZ_SEED) runs >= 10,000
 * calls and prints the count.
 */
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryError, SwarmMemoryManager, TIMESTAMP_WINDOW, type AgentStatus, type OodaPhase } from '@qe-fleet/memory';
import { tempDir } from './helpers.js';

const RUNS = Number(process.env.QE_FUZZ_RUNS ?? 25);
const FUZZING = process.env.QE_FUZZ_RUNS !== undefined;
// `pnpm test` is reproducible; a fuzz run explores new inputs each time and prints its seed to replay.
const SEED = process.env.QE_FUZZ_SEED !== undefined ? Number(process.env.QE_FUZZ_SEED) : FUZZING ? Date.now() % 2 ** 31 : 14;

/** A value nested `depth` arrays deep: past any recursion limit of a naive walker. */
function deep(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}
const nullProto = Object.assign(Object.create(null) as object, { a: 1 });

/** Values no API should choke on, whatever parameter they land in. */
const nasty = fc.constantFrom<unknown>(
  undefined, null, NaN, Infinity, -Infinity, -0, 0, 1e-4, 0.5, 1e20, -1, 2 ** 53, 1e21, 12345,
  '', ' ', '%', '_', '*', '[', 'constructor', '__proto__', 'toString', 'hasOwnProperty', '\u001b[31mred\u001b[0m', '\u0000', 'é'.repeat(600),
  true, false, Symbol('s'), 10n, () => 1, new Date(NaN), new Date(8.64e15), nullProto, [null], ['s1', 's2'], 's1,s2', {}, { teamId: {} },
  deep(10_000), new Map([[1, 2]]), new Set([1]), new Uint8Array(2),
);
const anything = fc.oneof(
  { weight: 3, arbitrary: nasty },
  { weight: 2, arbitrary: fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true, withSparseArray: true, withBoxedValues: true, maxDepth: 3 }) },
);
/** A small id space, so writes collide with and overwrite each other. */
const id = fc.oneof({ weight: 4, arbitrary: fc.constantFrom('a', 'b', 'c', 'constructor', '__proto__', 'k/1', 'k/2') }, { weight: 1, arbitrary: anything });
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.oneof(fc.constant(undefined), arb);
const time = fc.oneof(fc.integer({ min: 0, max: 2 ** 42 }), anything);
const num = fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: -5, max: 100 }), anything);
const options = fc.oneof(
  anything,
  fc.record(
    {
      partition: maybe(fc.oneof(fc.constantFrom('default', 'learning', 'p:1'), anything)),
      ttl: maybe(fc.oneof(fc.constantFrom(0, 1, 60), num)),
      accessLevel: maybe(fc.oneof(fc.constantFrom('private', 'team', 'swarm', 'public', 'system'), anything)),
      owner: maybe(id),
      agentId: maybe(id),
      teamId: maybe(id),
      swarmId: maybe(id),
      isSystem: maybe(fc.oneof(fc.boolean(), anything)),
      metadata: maybe(anything),
      createdAt: maybe(time),
      limit: maybe(num),
      offset: maybe(num),
    },
    { requiredKeys: [] },
  ),
);
const record = (fields: Record<string, fc.Arbitrary<unknown>>) =>
  fc.oneof({ weight: 1, arbitrary: anything }, { weight: 4, arbitrary: fc.record(fields, { requiredKeys: [] }) });
const status = fc.oneof(fc.constantFrom<AgentStatus>('idle', 'active', 'busy', 'stopped', 'error'), anything);
const phase = fc.oneof(fc.constantFrom<OodaPhase>('observe', 'orient', 'decide', 'act'), anything);

type Call = (m: SwarmMemoryManager, args: unknown[]) => unknown;
/** Every public method with generators for its arguments (casts: the point is to break the types). */
const API: Record<string, [fc.Arbitrary<unknown[]>, Call]> = {
  store: [fc.tuple(id, anything, options), (m, [k, v, o]) => m.store(k as string, v, o as never)],
  retrieve: [fc.tuple(id, options), (m, [k, o]) => m.retrieve(k as string, o as never)],
  retrieveEntry: [fc.tuple(id, options), (m, [k, o]) => m.retrieveEntry(k as string, o as never)],
  query: [fc.tuple(fc.oneof(fc.constantFrom('%', 'k/%'), anything), options), (m, [p, o]) => m.query(p as string, o as never)],
  delete: [fc.tuple(id, options), (m, [k, o]) => m.delete(k as string, o as never)],
  clear: [fc.tuple(fc.oneof(fc.constant('p:1'), anything)), (m, [p]) => m.clear(p as string)],
  grantPermission: [fc.tuple(id, id, fc.oneof(fc.constant(['read', 'write']), anything), options), (m, [k, a, p, o]) => m.grantPermission(k as string, a as string, p as never, o as never)],
  revokePermission: [fc.tuple(id, id, maybe(fc.oneof(fc.constant(['read']), anything)), options), (m, [k, a, p, o]) => m.revokePermission(k as string, a as string, p as never, o as never)],
  blockAgent: [fc.tuple(id, id, options), (m, [k, a, o]) => m.blockAgent(k as string, a as string, o as never)],
  unblockAgent: [fc.tuple(id, id, options), (m, [k, a, o]) => m.unblockAgent(k as string, a as string, o as never)],
  getACL: [fc.tuple(id, options), (m, [k, o]) => m.getACL(k as string, o as never)],
  cleanupExpired: [fc.constant([]), (m) => m.cleanupExpired()],
  postHint: [fc.tuple(record({ key: id, value: anything, ttl: num })), (m, [h]) => m.postHint(h as never)],
  readHints: [fc.tuple(fc.oneof(fc.constant('%'), anything)), (m, [p]) => m.readHints(p as string)],
  storeEvent: [fc.tuple(record({ type: id, source: id, payload: anything, timestamp: time, ttl: num })), (m, [e]) => m.storeEvent(e as never)],
  queryEvents: [fc.tuple(fc.oneof(id, record({ type: id, source: id, since: time, until: time, limit: num, order: fc.oneof(fc.constant('asc'), anything), after: record({ timestamp: time, id }) }))), (m, [q]) => m.queryEvents(q as never)],
  storePattern: [fc.tuple(record({ id, pattern: id, confidence: num, usageCount: num, metadata: anything, ttl: num, agentId: id, createdAt: time })), (m, [p]) => m.storePattern(p as never)],
  getPattern: [fc.tuple(id), (m, [p]) => m.getPattern(p as string)],
  incrementPatternUsage: [fc.tuple(id), (m, [p]) => m.incrementPatternUsage(p as string)],
  queryPatternsByConfidence: [fc.tuple(num, maybe(record({ agentId: id, limit: num }))), (m, [c, o]) => m.queryPatternsByConfidence(c as number, o as never)],
  storePerformanceMetric: [fc.tuple(record({ metric: id, value: num, unit: id, timestamp: time, agentId: id })), (m, [x]) => m.storePerformanceMetric(x as never)],
  storePerformanceMetrics: [fc.tuple(fc.oneof(fc.array(record({ metric: id, value: num, unit: id, timestamp: time, agentId: id }), { maxLength: 3 }), anything)), (m, [x]) => m.storePerformanceMetrics(x as never)],
  queryPerformanceMetrics: [fc.tuple(maybe(record({ metric: id, agentId: id, since: time, until: time, limit: num, order: fc.oneof(fc.constantFrom('asc', 'desc'), anything) }))), (m, [q]) => m.queryPerformanceMetrics(q as never)],
  getAveragePerformance: [fc.tuple(record({ metric: id, agentId: id, since: time, until: time })), (m, [q]) => m.getAveragePerformance(q as never)],
  registerAgent: [fc.tuple(record({ id, type: id, capabilities: anything, status, performance: anything })), (m, [a]) => m.registerAgent(a as never)],
  getAgent: [fc.tuple(id), (m, [a]) => m.getAgent(a as string)],
  updateAgentStatus: [fc.tuple(id, status), (m, [a, s]) => m.updateAgentStatus(a as string, s as never)],
  updateAgentPerformance: [fc.tuple(id, anything), (m, [a, p]) => m.updateAgentPerformance(a as string, p as never)],
  queryAgentsByStatus: [fc.tuple(status), (m, [s]) => m.queryAgentsByStatus(s as never)],
  storeWorkflowState: [fc.tuple(record({ id, step: id, status: id, checkpoint: anything, sha: id, ttl: num })), (m, [w]) => m.storeWorkflowState(w as never)],
  getWorkflowState: [fc.tuple(id), (m, [w]) => m.getWorkflowState(w as string)],
  updateWorkflowState: [fc.tuple(id, record({ step: id, status: id, checkpoint: anything, sha: id })), (m, [w, p]) => m.updateWorkflowState(w as string, p as never)],
  queryWorkflowsByStatus: [fc.tuple(id), (m, [s]) => m.queryWorkflowsByStatus(s as string)],
  createConsensusProposal: [fc.tuple(record({ id, decision: anything, proposer: id, quorum: num, ttl: num })), (m, [p]) => m.createConsensusProposal(p as never)],
  voteOnConsensus: [fc.tuple(id, id), (m, [p, a]) => m.voteOnConsensus(p as string, a as string)],
  getConsensusState: [fc.tuple(id), (m, [p]) => m.getConsensusState(p as string)],
  queryConsensusByStatus: [fc.tuple(fc.oneof(fc.constant('pending'), anything)), (m, [s]) => m.queryConsensusByStatus(s as never)],
  createArtifact: [fc.tuple(record({ id, kind: id, path: id, sha256: id, tags: anything, metadata: anything, ttl: num })), (m, [a]) => m.createArtifact(a as never)],
  getArtifact: [fc.tuple(id), (m, [a]) => m.getArtifact(a as string)],
  queryArtifactsByKind: [fc.tuple(id), (m, [k]) => m.queryArtifactsByKind(k as string)],
  queryArtifactsByTag: [fc.tuple(id), (m, [t]) => m.queryArtifactsByTag(t as string)],
  createSession: [fc.tuple(record({ id, mode: id, state: anything, ttl: num })), (m, [s]) => m.createSession(s as never)],
  getSession: [fc.tuple(id), (m, [s]) => m.getSession(s as string)],
  addSessionCheckpoint: [fc.tuple(id, anything, maybe(id)), (m, [s, st, sha]) => m.addSessionCheckpoint(s as string, st, sha as never)],
  getLatestCheckpoint: [fc.tuple(id), (m, [s]) => m.getLatestCheckpoint(s as string)],
  markSessionResumed: [fc.tuple(id), (m, [s]) => m.markSessionResumed(s as string)],
  storeGoapGoal: [fc.tuple(record({ id, conditions: anything, priority: num })), (m, [g]) => m.storeGoapGoal(g as never)],
  getGoapGoal: [fc.tuple(id), (m, [g]) => m.getGoapGoal(g as string)],
  storeGoapAction: [fc.tuple(record({ id, agentType: id, preconditions: anything, effects: anything, cost: num })), (m, [a]) => m.storeGoapAction(a as never)],
  getGoapAction: [fc.tuple(id), (m, [a]) => m.getGoapAction(a as string)],
  queryGoapActionsByAgentType: [fc.tuple(id), (m, [t]) => m.queryGoapActionsByAgentType(t as string)],
  storeGoapPlan: [fc.tuple(record({ id, goalId: id, sequence: anything, totalCost: num })), (m, [p]) => m.storeGoapPlan(p as never)],
  getGoapPlan: [fc.tuple(id), (m, [p]) => m.getGoapPlan(p as string)],
  storeOodaCycle: [fc.tuple(maybe(record({ id, phase, observations: anything, timestamp: time }))), (m, [c]) => m.storeOodaCycle(c as never)],
  updateOodaPhase: [fc.tuple(id, phase, anything), (m, [c, p, d]) => m.updateOodaPhase(c as string, p as never, d)],
  completeOodaCycle: [fc.tuple(id, anything), (m, [c, r]) => m.completeOodaCycle(c as string, r)],
  getOodaCycle: [fc.tuple(id), (m, [c]) => m.getOodaCycle(c as string)],
  queryOodaCyclesByPhase: [fc.tuple(phase), (m, [p]) => m.queryOodaCyclesByPhase(p as never)],
  stats: [fc.constant([]), (m) => m.stats()],
  dataVersion: [fc.constant([]), (m) => m.dataVersion()],
  transaction: [fc.tuple(anything), (m, [f]) => m.transaction((typeof f === 'function' ? f : () => f) as () => unknown)],
};

/** Columns holding epoch ms, and columns holding ids or names: each must be what it says. */
const TIME_COLUMNS = /(_at|^timestamp|^last_resumed)$/;
const TEXT_COLUMNS = new Set(['key', 'partition', 'owner', 'team_id', 'swarm_id', 'agent_id', 'source', 'type', 'proposer', 'id', 'metric', 'unit', 'pattern', 'kind', 'path', 'sha', 'sha256', 'mode', 'step', 'status', 'goal_id', 'agent_type', 'access_level', 'phase']);

/** Rows with a time outside the window or a non-text id, per table and column. */
function garbage(db: Database.Database): string[] {
  const found: string[] = [];
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite%'").pluck().all() as string[];
  for (const table of tables) {
    for (const { name } of db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]) {
      let bad: number;
      if (TIME_COLUMNS.test(name)) {
        bad = db.prepare(`SELECT COUNT(*) FROM ${table} WHERE ${name} IS NOT NULL AND (typeof(${name}) != 'integer' OR ${name} < ? OR ${name} > ?)`).pluck().get(TIMESTAMP_WINDOW.min, TIMESTAMP_WINDOW.max) as number;
      } else if (TEXT_COLUMNS.has(name)) {
        bad = db.prepare(`SELECT COUNT(*) FROM ${table} WHERE ${name} IS NOT NULL AND (typeof(${name}) != 'text' OR ${name} = '')`).pluck().get() as number;
      } else continue;
      if (bad > 0) found.push(`${table}.${name}: ${bad}`);
    }
  }
  return found;
}

/** Reads every row of every table back through the public API (a throw here fails the property). */
function readEverything(m: SwarmMemoryManager, db: Database.Database): void {
  const ids = (table: string) => db.prepare(`SELECT id FROM ${table}`).pluck().all() as string[];
  const stats = m.stats();
  for (const partition of Object.keys(stats.partitions)) {
    for (const e of m.query('%', { partition })) {
      m.retrieveEntry(e.key, { partition });
      m.getACL(e.key, { partition });
      new Date(e.createdAt).toISOString();
    }
  }
  for (const e of m.queryEvents({})) new Date(e.timestamp).toISOString();
  m.readHints('%');
  m.queryPatternsByConfidence(0);
  for (const x of m.queryPerformanceMetrics()) new Date(x.timestamp).toISOString();
  for (const s of ['idle', 'active', 'busy', 'stopped', 'error'] as const) m.queryAgentsByStatus(s);
  for (const w of ids('workflow_state')) m.getWorkflowState(w);
  for (const c of ids('consensus_state')) m.getConsensusState(c);
  for (const a of ids('artifacts')) m.getArtifact(a);
  for (const s of ids('sessions')) m.getSession(s);
  for (const g of ids('goap_goals')) m.getGoapGoal(g);
  for (const a of ids('goap_actions')) m.getGoapAction(a);
  for (const p of ids('goap_plans')) m.getGoapPlan(p);
  for (const c of ids('ooda_cycles')) m.getOodaCycle(c);
}

let tmp: ReturnType<typeof tempDir>;
let memory: SwarmMemoryManager;
let raw: Database.Database;
let calls = 0;
const uncoded: string[] = [];

beforeAll(() => {
  tmp = tempDir('qe-memory-fuzz-');
  const path = tmp.file('fuzz.db');
  memory = new SwarmMemoryManager(path, { cleanupIntervalMs: 0 });
  memory.initialize();
  raw = new Database(path, { readonly: true });
});
afterAll(() => {
  raw?.close();
  memory?.close();
  tmp?.remove();
  if (FUZZING) console.log(`memory fuzz: ${calls} calls over ${Object.keys(API).length} methods, seed ${SEED}, ${uncoded.length} errors without a code`);
});

describe('fuzzing the public API of SwarmMemoryManager', () => {
  it.each(Object.keys(API))('%s returns or throws a coded MemoryError, and stores nothing unreadable', (name) => {
    const [args, call] = API[name] as [fc.Arbitrary<unknown[]>, Call];
    fc.assert(
      fc.property(args, (a) => {
        calls++;
        try {
          call(memory, a);
        } catch (error) {
          const coded = error instanceof MemoryError && typeof error.code === 'string' && error.code.length > 0;
          if (!coded) uncoded.push(`${name}: ${String(error)}`);
          // A user's transaction function may throw anything; it must come out unchanged.
          if (name !== 'transaction') expect(coded, `${name} threw ${String(error)}`).toBe(true);
        }
      }),
      { numRuns: RUNS, seed: SEED + name.length, endOnFailure: true },
    );
    expect(garbage(raw)).toEqual([]);
    readEverything(memory, raw);
  });

  it('left a database that passes integrity_check', () => {
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
  });
});
