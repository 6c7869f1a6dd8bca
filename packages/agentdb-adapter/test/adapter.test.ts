import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createRandom, type TaskState } from '@qe-fleet/learning-core';
import {
  AgentDBError,
  EMBEDDING_DIMENSION,
  VectorIndex,
  createAgentDBAdapter,
  embedTaskState,
  type AgentDBAdapter,
} from '@qe-fleet/agentdb-adapter';

const dirs: string[] = [];
const open: AgentDBAdapter[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'agentdb-'));
  dirs.push(dir);
  return join(dir, 'nested', 'agent.db');
}

function adapter(dbPath = ':memory:', extra: Partial<Parameters<typeof createAgentDBAdapter>[0]> = {}): AgentDBAdapter {
  const db = createAgentDBAdapter({ dbPath, random: createRandom(7), clock: () => 1_000, ...extra });
  open.push(db);
  return db;
}

function state(taskType: string, complexity: number, capabilities: string[] = [], context: Record<string, unknown> = {}): TaskState {
  return {
    taskType,
    taskComplexity: complexity,
    requiredCapabilities: capabilities,
    contextFeatures: context,
    previousAttempts: 0,
    availableResources: 0.8,
    timeConstraint: 60_000,
  };
}

function expectCode(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AgentDBError);
    expect((error as AgentDBError).code).toBe(code);
    return;
  }
  throw new Error(`expected AgentDBError ${code}`);
}

describe('embedTaskState', () => {
  it('is a unit vector of the documented dimension, closer within a task type than across', () => {
    const a = embedTaskState(state('unit', 0.2, ['test-generation']));
    const b = embedTaskState(state('unit', 0.4, ['test-generation']));
    const c = embedTaskState(state('integration', 0.2, ['test-generation']));
    const dot = (x: Float32Array, y: Float32Array): number => x.reduce((s, v, i) => s + v * y[i]!, 0);
    expect(a.length).toBe(EMBEDDING_DIMENSION);
    expect(dot(a, a)).toBeCloseTo(1, 5);
    expect(dot(a, b)).toBeGreaterThan(0.9);
    expect(dot(a, c)).toBeLessThan(0.5);
    expect(a.every((x) => x >= 0)).toBe(true);
  });

  it('uses capability and context tokens', () => {
    const base = embedTaskState(state('unit', 0.2, ['api']));
    expect(embedTaskState(state('unit', 0.2, ['security']))).not.toEqual(base);
    expect(embedTaskState(state('unit', 0.2, ['api'], { framework: 'jest' }))).not.toEqual(base);
    expect(embedTaskState(state('unit', 0.2, ['api'], { complexity: 0.2 }))).toEqual(base);
  });

  it('refuses a state without a task type', () => {
    expectCode(() => embedTaskState({ ...state('x', 0), taskType: '' }), 'INVALID_EMBEDDING');
  });
});

describe('VectorIndex', () => {
  it('returns exactly the k most similar vectors, in order', () => {
    const random = createRandom(3);
    const index = new VectorIndex(8, 2);
    const vectors: number[][] = [];
    for (let i = 0; i < 300; i++) {
      const v = Array.from({ length: 8 }, () => random() - 0.5);
      const n = Math.hypot(...v);
      vectors.push(v.map((x) => x / n));
      index.add(vectors[i]!);
    }
    const query = vectors[17]!;
    const brute = vectors
      .map((v, slot) => ({ slot, similarity: v.reduce((s, x, i) => s + Math.fround(x) * query[i]!, 0) }))
      .sort((a, b) => b.similarity - a.similarity)
      .slice(0, 7);
    const hits = index.search(query, 7);
    expect(hits.map((h) => h.slot)).toEqual(brute.map((h) => h.slot));
    expect(hits[0]!.slot).toBe(17);
    expect(hits[0]!.similarity).toBeCloseTo(1, 5);
  });
});

describe('AgentDBAdapter', () => {
  it('retrieves the nearest patterns of a domain with their similarity', () => {
    const db = adapter();
    for (let i = 0; i < 10; i++) {
      db.insertPattern({
        id: `u${i}`,
        type: 'experience',
        domain: 'unit',
        embedding: embedTaskState(state('unit', i / 10)),
        pattern_data: { pattern: { action: 's', reward: 0.5 } },
        confidence: 0.5,
      });
    }
    db.insertPattern({ id: 'i0', type: 'experience', domain: 'integration', embedding: embedTaskState(state('integration', 0.3)), pattern_data: '{}', confidence: 1 });
    const result = db.retrieveWithReasoning(embedTaskState(state('unit', 0.3)), { domain: 'unit', k: 3 });
    // Cosine, not Euclidean: the neighbours on either side of complexity 0.3 come next.
    expect(result.memories[0]!.id).toBe('u3');
    expect(result.memories.slice(1).map((m) => m.id).sort()).toEqual(['u2', 'u4']);
    expect(result.memories[0]!.similarity).toBeGreaterThan(result.memories[1]!.similarity);
    expect(result.context).toBeNull();
    const all = db.retrieveWithReasoning(embedTaskState(state('integration', 0.3)), { k: 1 });
    expect(all.memories[0]!.id).toBe('i0');
    expect(all.memories[0]!.similarity).toBeCloseTo(1, 5);
    expect(db.retrieveWithReasoning(embedTaskState(state('unit', 0.3)), { domain: 'none' }).memories).toEqual([]);
    expect(db.stats().domains).toEqual({ unit: 10, integration: 1 });
  });

  it('synthesises a recommendation from similar experiences and names its evidence', () => {
    const db = adapter();
    const rewards: Record<string, number[]> = { good: [0.9, 0.85, 0.95, 0.9], poor: [0.4, 0.5, 0.45, 0.35] };
    for (const [strategy, rs] of Object.entries(rewards)) {
      rs.forEach((reward, i) => db.insertExperience({ state: state('unit', 0.3 + i * 0.01), strategy, reward, propensity: 0.5 }));
    }
    // A far-away experience that must not count as evidence.
    db.insertExperience({ state: state('security', 0.9, ['a', 'b', 'c']), strategy: 'poor', reward: 1, domain: 'unit' });
    const { memories, context } = db.retrieveWithReasoning(embedTaskState(state('unit', 0.3)), {
      domain: 'unit',
      k: 20,
      synthesizeContext: true,
    });
    expect(memories).toHaveLength(9);
    expect(context!.recommendation!.strategy).toBe('good');
    expect(context!.recommendation!.expectedReward).toBeCloseTo(0.9, 1);
    expect(context!.recommendation!.confidence).toBeGreaterThan(0.99);
    expect(context!.evidence).toHaveLength(8);
    expect(context!.evidence.every((e) => e.similarity >= 0.7)).toBe(true);
    expect(context!.strategies.map((s) => s.support)).toEqual([4, 4]);
    const thin = db.retrieveWithReasoning(embedTaskState(state('unit', 0.3)), { domain: 'unit', synthesizeContext: true, minSupport: 5 });
    expect(thin.context!.recommendation).toBeNull();
  });

  it('persists across reopen and keeps the index', () => {
    const path = tempPath();
    const db = adapter(path);
    const id = db.insertExperience({ state: state('unit', 0.5), strategy: 's', reward: 0.7 });
    db.close();
    const again = adapter(path);
    expect(again.getPattern(id)!.type).toBe('experience');
    expect(again.retrieveWithReasoning(embedTaskState(state('unit', 0.5)), { k: 1 }).memories[0]!.id).toBe(id);
    expectCode(() => adapter(path, { dimension: 16 }), 'INVALID_OPTIONS');
  });

  it('keeps what insertPattern acknowledged when the process is killed', () => {
    const path = tempPath();
    const script = fileURLToPath(new URL('./fixtures/insertAndDie.ts', import.meta.url));
    const child = spawnSync(process.execPath, ['--conditions=@qe-fleet/source', '--import', 'tsx', script, path], {
      encoding: 'utf8',
      cwd: fileURLToPath(new URL('..', import.meta.url)),
    });
    expect(child.stdout).toBe('inserted\n');
    expect(child.signal).toBe('SIGKILL');
    const db = adapter(path);
    expect(db.stats().patterns).toBe(5);
    expect(db.getPattern('p4')).not.toBeNull();
  });

  it('refuses bad input and leaves stored data untouched', () => {
    const db = adapter();
    const ok = { id: 'a', type: 'experience', domain: 'unit', embedding: embedTaskState(state('unit', 0.1)), pattern_data: '{"x":1}', confidence: 0.5 };
    db.insertPattern(ok);
    expectCode(() => db.insertPattern({ ...ok, pattern_data: '{"y":2}' }), 'INVALID_PATTERN');
    expectCode(() => db.insertPattern({ ...ok, id: 'b', embedding: [1, 2, 3] }), 'INVALID_EMBEDDING');
    expectCode(() => db.insertPattern({ ...ok, id: 'b', embedding: new Array(EMBEDDING_DIMENSION).fill(0) }), 'INVALID_EMBEDDING');
    expectCode(() => db.insertPattern({ ...ok, id: 'b', embedding: new Array(EMBEDDING_DIMENSION).fill(Number.NaN) }), 'INVALID_EMBEDDING');
    expectCode(() => db.insertPattern({ ...ok, id: 'b', confidence: 2 }), 'INVALID_PATTERN');
    expectCode(() => db.insertPattern({ ...ok, id: 'b', pattern_data: 'not json' }), 'INVALID_PATTERN');
    expectCode(() => db.insertPattern({ ...ok, id: 'b', embedding: undefined }), 'INVALID_PATTERN');
    expectCode(() => db.insertExperience({ state: state('unit', 0), strategy: 's', reward: 1.5 }), 'INVALID_PATTERN');
    expectCode(() => db.retrieveWithReasoning(ok.embedding, { k: 0 }), 'INVALID_QUERY');
    expect(db.stats().patterns).toBe(1);
    expect(db.getPattern('a')!.pattern_data).toBe('{"x":1}');
    expect(db.getPattern('b')).toBeNull();
    expectCode(() => createAgentDBAdapter({ dbPath: '' }), 'INVALID_OPTIONS');
    expectCode(() => createAgentDBAdapter({ dbPath: ':memory:', cacheSize: -1 }), 'INVALID_OPTIONS');
  });

  it('honours enableReasoning and enableLearning, and refuses use after close', () => {
    const db = adapter(':memory:', { enableReasoning: false, enableLearning: false });
    const q = embedTaskState(state('unit', 0.1));
    expectCode(() => db.retrieveWithReasoning(q, { synthesizeContext: true }), 'REASONING_DISABLED');
    expectCode(() => db.insertExperience({ state: state('unit', 0), strategy: 's', reward: 1 }), 'LEARNING_DISABLED');
    expectCode(() => db.publishModel('f', 'm', {}), 'LEARNING_DISABLED');
    db.close();
    expectCode(() => db.retrieveWithReasoning(q), 'CLOSED');
  });

  it('keeps each federation member’s latest model and counts its rounds', () => {
    const db = adapter();
    db.publishModel('fleet', 'b', { n: 1 });
    db.publishModel('fleet', 'a', { n: 2 });
    db.publishModel('fleet', 'b', { n: 3 });
    db.publishModel('other', 'a', { n: 4 });
    expect(db.readModels('fleet').map((m) => [m.member, m.model, m.round])).toEqual([
      ['a', { n: 2 }, 1],
      ['b', { n: 3 }, 2],
    ]);
  });

  it('serves repeated retrievals from the row cache', () => {
    const db = adapter(':memory:', { cacheSize: 2 });
    for (let i = 0; i < 3; i++) db.insertExperience({ state: state('unit', i / 3), strategy: 's', reward: 0.5 });
    const q = embedTaskState(state('unit', 0));
    db.retrieveWithReasoning(q, { k: 1 });
    db.retrieveWithReasoning(q, { k: 1 });
    expect(db.stats().cache).toMatchObject({ size: 1, capacity: 2, hits: 1, misses: 1 });
  });
});
