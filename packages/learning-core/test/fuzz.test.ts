/**
 * Property-based fuzzing of the learning layer's public API (fast-check): LearningEngine,
 * PerformanceTracker, ImprovementLoop, StateVersioning and the pure helpers, with generated
 * arguments that are mostly garbage (wrong types, symbols, NaN, 1e20, null-prototype objects,
 * 10,000-deep arrays, prototype-named ids) mixed with valid ones. The properties: a call returns
 * or throws a LearningError or MemoryError with a code; afterwards every entry the layer stored
 * reads back, a fresh engine, tracker and loop initialise from the store, and integrity_check is ok.
 *
 * `pnpm test` runs a small fixed-seed set; `pnpm fuzz` (QE_FUZZ_RUNS, QE_FUZZ_SEED) runs >= 10,000.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryError, SwarmMemoryManager } from '@qe-fleet/memory';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  calculateReward,
  compositeScore,
  createRandom,
  extractTaskState,
  ImprovementLoop,
  LearningEngine,
  LearningError,
  ManualScheduler,
  PerformanceTracker,
  resolveLearningConfig,
  StateVersioning,
  wilsonLowerBound,
} from '@qe-fleet/learning-core';

const FUZZING = process.env.QE_FUZZ_RUNS !== undefined;
const RUNS = Number(process.env.QE_FUZZ_RUNS ?? 25);
// `pnpm test` is reproducible; a fuzz run explores new inputs each time and prints its seed to replay.
const SEED = process.env.QE_FUZZ_SEED !== undefined ? Number(process.env.QE_FUZZ_SEED) : FUZZING ? Date.now() % 2 ** 31 : 14;
const STRATEGIES = ['s1', 's2', 's3'];

function deep(depth: number): unknown {
  let v: unknown = 'e';
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}
const nullProto = <T extends object>(o: T): T => Object.assign(Object.create(null) as T, o);

const nasty = fc.constantFrom<unknown>(
  undefined, null, NaN, Infinity, -Infinity, -0, 0, 0.5, 1, 2, 1e20, -1, 2 ** 53, 1e21,
  '', 's1', 's2', 's1,s2', 'constructor', '__proto__', 'toString', 'hasOwnProperty', '\u001b[2J',
  true, false, Symbol('s'), 10n, () => 1, new Date(NaN), nullProto({ name: 's1' }), nullProto({}),
  [null, null], ['s1', 's2'], [{ name: 's1' }, { name: 's2' }], [{ name: 's1' }, { name: 's1' }], [{ name: 's1' }, null],
  { metrics: 'x' }, { metrics: {}, trends: 'not an array' }, deep(10_000), Array.from({ length: 10_000 }, () => 'e'), new Map(), new Set(['s1']),
);
const anything = fc.oneof(
  { weight: 3, arbitrary: nasty },
  { weight: 2, arbitrary: fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true, withBoxedValues: true, maxDepth: 3 }) },
);
const unit = fc.oneof({ weight: 3, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }) }, { weight: 1, arbitrary: anything });
const strategy = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...STRATEGIES) }, { weight: 1, arbitrary: anything });
const rec = (fields: Record<string, fc.Arbitrary<unknown>>) =>
  fc.oneof({ weight: 1, arbitrary: anything }, { weight: 5, arbitrary: fc.record(fields, { requiredKeys: [] }) });
const task = rec({
  id: fc.oneof(fc.constantFrom('t1', 't2', 'constructor'), anything),
  type: fc.oneof(fc.constantFrom('lint', 'scan', '__proto__'), anything),
  capabilities: fc.oneof(fc.constant(['a']), anything),
  context: anything,
  retries: fc.oneof(fc.nat(5), anything),
  timeout: fc.oneof(fc.nat(60_000), anything),
});
const result = rec({
  strategy,
  success: fc.oneof(fc.boolean(), anything),
  executionTime: fc.oneof(fc.nat(10_000), anything),
  errors: fc.oneof(fc.constant(['boom']), anything),
  coverage: unit,
  satisfaction: unit,
  resourceUsage: unit,
  feedback: rec({ rating: unit, comment: anything, source: anything }),
});
const metrics = rec({
  taskSuccessRate: unit,
  averageExecutionTime: fc.oneof(fc.nat(10_000), anything),
  errorRate: unit,
  userSatisfaction: unit,
  resourceEfficiency: unit,
});
const trends = fc.oneof(
  anything,
  fc.array(rec({ metric: fc.oneof(fc.constant('taskSuccessRate'), anything), direction: fc.oneof(fc.constant('improving'), anything), changeRate: unit }), { maxLength: 3 }),
);
const pattern = rec({
  id: anything,
  taskType: fc.oneof(fc.constant('lint'), anything),
  strategy,
  successCount: fc.oneof(fc.nat(50), anything),
  failureCount: fc.oneof(fc.nat(50), anything),
  confidence: unit,
  sourceAgentId: fc.oneof(fc.constant('peer'), anything),
});

interface Stack {
  memory: SwarmMemoryManager;
  engine: LearningEngine;
  tracker: PerformanceTracker;
  loop: ImprovementLoop;
  versions: StateVersioning;
}
let now = Date.UTC(2026, 0, 1);
const clock = () => now;
let stack: Stack;
let calls = 0;
let dir: string;

function open(memory: SwarmMemoryManager): Stack {
  const engine = new LearningEngine('fuzz-agent', memory, { clock, random: createRandom(1), strategies: STRATEGIES, resources: () => 0.5 });
  engine.initialize();
  const tracker = new PerformanceTracker('fuzz-agent', memory, { clock, windowSize: 5 });
  tracker.initialize();
  const loop = new ImprovementLoop('fuzz-agent', memory, engine, tracker, { clock, scheduler: new ManualScheduler(), random: createRandom(2), minSamplesPerArm: 2, maxSamplesPerArm: 10 });
  loop.initialize();
  const versions = new StateVersioning('fuzz-agent', memory, engine, { clock });
  return { memory, engine, tracker, loop, versions };
}

type Call = (s: Stack, args: unknown[]) => unknown;
const API: Record<string, [fc.Arbitrary<unknown[]>, Call]> = {
  'LearningEngine constructor': [fc.tuple(anything, anything), (s, [id, o]) => new LearningEngine(id as string, s.memory, o as never)],
  extractTaskState: [fc.tuple(task), (s, [t]) => s.engine.extractTaskState(t as never)],
  recommendStrategy: [fc.tuple(task), (s, [t]) => s.engine.recommendStrategy(t as never)],
  selectStrategy: [fc.tuple(task), (s, [t]) => s.engine.selectStrategy(t as never)],
  learnFromExecution: [fc.tuple(task, result, fc.oneof(fc.constant(undefined), rec({ rating: unit }))), (s, [t, r, f]) => s.engine.learnFromExecution(t as never, r as never, f as never)],
  importPattern: [fc.tuple(pattern), (s, [p]) => s.engine.importPattern(p as never)],
  setPreferredStrategy: [fc.tuple(anything, fc.oneof(strategy, fc.constant(null))), (s, [t, st]) => s.engine.setPreferredStrategy(t as string, st as never)],
  setEnabled: [fc.tuple(fc.oneof(fc.boolean(), anything)), (s, [e]) => s.engine.setEnabled(e as boolean)],
  loadState: [fc.tuple(fc.oneof(anything, rec({ version: anything, model: anything, patterns: anything }))), (s, [st]) => s.engine.loadState(st as never)],
  'PerformanceTracker constructor': [fc.tuple(anything, anything), (s, [id, o]) => new PerformanceTracker(id as string, s.memory, o as never)],
  recordSnapshot: [fc.tuple(fc.oneof(anything, rec({ metrics, trends }))), (s, [i]) => s.tracker.recordSnapshot(i as never)],
  getImprovementTrend: [fc.tuple(anything), (s, [d]) => s.tracker.getImprovementTrend(d as number)],
  pruneOldSnapshots: [fc.tuple(anything), (s, [d]) => s.tracker.pruneOldSnapshots(d as number)],
  createABTest: [
    fc.tuple(anything, fc.oneof(anything, fc.array(rec({ name: strategy, config: anything }), { maxLength: 3 })), anything, anything),
    (s, [n, st, size, o]) => s.loop.createABTest(n as string, st as never, size as number, o as never),
  ],
  assignStrategy: [fc.tuple(anything), (s, [t]) => s.loop.assignStrategy(t as string)],
  recordTestResult: [
    fc.tuple(fc.oneof(fc.constantFrom('t1', 't2'), anything), strategy, fc.oneof(fc.boolean(), anything), anything),
    (s, [id, st, ok, ms]) => s.loop.recordTestResult(id as string, st as string, ok as boolean, ms as number),
  ],
  getTest: [fc.tuple(anything), (s, [id]) => s.loop.getTest(id as string)],
  'ImprovementLoop constructor': [fc.tuple(anything, anything), (s, [id, o]) => new ImprovementLoop(id as string, s.memory, s.engine, s.tracker, o as never)],
  saveVersionedState: [fc.tuple(fc.oneof(fc.constant(undefined), anything), anything), (s, [st, o]) => s.versions.saveVersionedState(st as never, o as never)],
  rollbackToVersion: [fc.tuple(anything), (s, [v]) => s.versions.rollbackToVersion(v as string)],
  calculateReward: [fc.tuple(result, anything, anything), (_s, [r, f, o]) => calculateReward(r as never, f as never, o as never)],
  'extractTaskState (function)': [fc.tuple(task, anything), (_s, [t, r]) => extractTaskState(t as never, r as never)],
  resolveLearningConfig: [fc.tuple(anything), (_s, [a]) => resolveLearningConfig(a as never)],
  compositeScore: [fc.tuple(metrics), (_s, [m]) => compositeScore(m as never)],
  wilsonLowerBound: [fc.tuple(anything, anything), (_s, [a, b]) => wilsonLowerBound(a as number, b as number)],
};

/** Every learning entry reads back, and a second stack initialises from the store alone. */
function storeStillLoads(memory: SwarmMemoryManager): void {
  for (const e of memory.query('%', { partition: 'learning' })) expect(e.value).not.toBeUndefined();
  const again = open(memory);
  again.engine.getState();
  again.tracker.calculateImprovement();
  again.tracker.getImprovementTrend(30);
  again.loop.getActiveTests();
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'qe-learning-fuzz-'));
  const memory = new SwarmMemoryManager(join(dir, 'fuzz.db'), { clock, cleanupIntervalMs: 0 });
  memory.initialize();
  stack = open(memory);
  // Two running tests, so recordTestResult reaches its arms.
  stack.loop.createABTest('a', [{ name: 's1' }, { name: 's2' }], 2);
  stack.loop.createABTest('b', [{ name: 's2' }, { name: 's3' }], 2, { taskType: 'lint' });
});
afterAll(() => {
  stack?.memory.close();
  rmSync(dir, { recursive: true, force: true });
  if (FUZZING) console.log(`learning-core fuzz: ${calls} calls over ${Object.keys(API).length} APIs, seed ${SEED}`);
});

describe('fuzzing the public API of the learning layer', () => {
  it.each(Object.keys(API))('%s returns or throws a coded LearningError or MemoryError, and the store still loads', (name) => {
    const [args, call] = API[name] as [fc.Arbitrary<unknown[]>, Call];
    fc.assert(
      fc.property(args, (a) => {
        calls++;
        now += 1000;
        try {
          call(stack, a);
        } catch (error) {
          const coded = (error instanceof LearningError || error instanceof MemoryError) && typeof error.code === 'string';
          expect(coded, `${name} threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`).toBe(true);
        }
      }),
      { numRuns: RUNS, seed: SEED + name.length, endOnFailure: true },
    );
    storeStillLoads(stack.memory);
  });

  it('refuses the inputs issue #14 found with coded errors, storing nothing', () => {
    const before = stack.memory.stats().tables.memory_entries;
    const deepErrors = deep(10_000);
    const cases: Array<[() => unknown, string]> = [
      [() => stack.loop.createABTest('x', 's1,s2' as never), 'INVALID_ABTEST'],
      [() => stack.loop.createABTest('x', [null, null] as never), 'INVALID_ABTEST'],
      [() => stack.tracker.recordSnapshot(undefined as never), 'INVALID_RESULT'],
      [() => stack.tracker.recordSnapshot({ metrics: { tasksCompleted: 1, successRate: 1, averageExecutionTime: 1, errorRate: 0, userSatisfaction: 1, resourceEfficiency: 1 }, trends: 'up' as never }), 'INVALID_RESULT'],
      [() => stack.loop.recordTestResult(Symbol('t') as never, 's1', true, 1), 'TEST_NOT_FOUND'],
      [() => stack.engine.learnFromExecution({ id: 'x', type: 'lint' }, { strategy: nullProto({}) as never, success: true, executionTime: 1 }), 'INVALID_RESULT'],
      [() => stack.engine.learnFromExecution({ id: 'x', type: 'lint' }, { strategy: 's1', success: true, executionTime: 1, errors: deepErrors as never }), 'INVALID_RESULT'],
    ];
    for (const [act, code] of cases) expect(act).toThrow(expect.objectContaining({ name: 'LearningError', code }));
    expect(stack.memory.stats().tables.memory_entries).toBe(before);
  });

  it('left a database that passes integrity_check', () => {
    expect(stack.memory.stats().tables.memory_entries).toBeGreaterThan(0);
    const raw = new Database(join(dir, 'fuzz.db'), { readonly: true });
    try {
      expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      raw.close();
    }
  });
});
