import { afterEach, describe, expect, it } from 'vitest';
import { SwarmMemoryManager } from '@qe-fleet/memory';
import { openMemory, tempDir, type FakeClock } from './helpers.js';

let memory: SwarmMemoryManager;
let clock: FakeClock;
afterEach(() => memory?.close());
function setup(): void {
  ({ memory, clock } = openMemory());
}
const DAY = 86_400_000;

describe('hints', () => {
  it('posts, overwrites, reads by pattern and expires (default 1 day)', () => {
    setup();
    memory.postHint({ key: 'hint/a', value: { why: 1 } });
    memory.postHint({ key: 'hint/b', value: 2, ttl: 10 });
    memory.postHint({ key: 'other', value: 3 });
    memory.postHint({ key: 'hint/a', value: { why: 2 } });
    expect(memory.readHints('hint/%').map((h) => [h.key, h.value])).toEqual([
      ['hint/a', { why: 2 }],
      ['hint/b', 2],
    ]);
    expect(memory.readHints('hint/a')[0]?.expiresAt).toBe(clock.now + DAY);
    clock.advance(10_000);
    expect(memory.readHints('hint/%').map((h) => h.key)).toEqual(['hint/a']);
  });
});

describe('events', () => {
  it('filters by type, source and time range, newest first, with a limit', () => {
    setup();
    const t0 = clock.now;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(memory.storeEvent({ type: i % 2 ? 'learning:training' : 'learning:improvement', payload: { i }, source: `a${i % 3}`, timestamp: t0 + i }));
    }
    expect(memory.queryEvents('learning:training').map((e) => e.payload)).toEqual([{ i: 3 }, { i: 1 }]);
    expect(memory.queryEvents({ source: 'a0' }).map((e) => (e.payload as { i: number }).i)).toEqual([3, 0]);
    expect(memory.queryEvents({ since: t0 + 1, until: t0 + 3, order: 'asc' }).map((e) => e.id)).toEqual(ids.slice(1, 4));
    expect(memory.queryEvents({ limit: 2 }).map((e) => e.id)).toEqual([ids[4], ids[3]]);
    expect(memory.queryEvents({ type: 'learning:training', source: 'a1' })).toHaveLength(1);
    expect(memory.queryEvents({ type: 'nothing' })).toEqual([]);
  });

  it('expires after 30 days by default, or the given ttl', () => {
    setup();
    memory.storeEvent({ type: 't', payload: 1, source: 's' });
    memory.storeEvent({ type: 't', payload: 2, source: 's', ttl: 60 });
    clock.advance(60_000);
    expect(memory.queryEvents('t').map((e) => e.payload)).toEqual([1]);
    clock.advance(30 * DAY);
    expect(memory.queryEvents('t')).toEqual([]);
  });
});

describe('patterns', () => {
  it('upserts by pattern text keeping the id, increments usage and queries by confidence', () => {
    setup();
    const id = memory.storePattern({ pattern: 'flaky-network', confidence: 0.7, agentId: 'a1', metadata: { n: 1 } });
    expect(memory.storePattern({ pattern: 'flaky-network', confidence: 0.9, agentId: 'a1' })).toBe(id);
    memory.storePattern({ id: 'p2', pattern: 'slow-db', confidence: 0.85, agentId: 'a2' });
    memory.storePattern({ pattern: 'weak', confidence: 0.2 });
    expect(memory.getPattern('flaky-network')).toMatchObject({ id, confidence: 0.9, usageCount: 0, ttl: 604800, agentId: 'a1' });
    expect(memory.incrementPatternUsage('flaky-network')).toBe(1);
    expect(memory.incrementPatternUsage('flaky-network')).toBe(2);
    expect(memory.incrementPatternUsage('missing')).toBeNull();
    expect(memory.queryPatternsByConfidence(0.8).map((p) => p.pattern)).toEqual(['flaky-network', 'slow-db']);
    expect(memory.queryPatternsByConfidence(0.8, { agentId: 'a2' }).map((p) => p.id)).toEqual(['p2']);
    expect(memory.stats().totalPatterns).toBe(3);
  });

  it('expires after 7 days unless used, which renews the TTL', () => {
    setup();
    memory.storePattern({ pattern: 'used', confidence: 0.5 });
    memory.storePattern({ pattern: 'idle', confidence: 0.5 });
    clock.advance(6 * DAY);
    memory.incrementPatternUsage('used');
    clock.advance(2 * DAY);
    expect(memory.getPattern('idle')).toBeNull();
    expect(memory.getPattern('used')?.usageCount).toBe(1);
    expect(memory.incrementPatternUsage('idle')).toBeNull();
  });
});

describe('performance metrics', () => {
  it('stores, queries by metric/agent/time and averages', () => {
    setup();
    const t0 = clock.now;
    memory.storePerformanceMetrics([
      { metric: 'latency', value: 10, unit: 'ms', agentId: 'a1', timestamp: t0 },
      { metric: 'latency', value: 20, unit: 'ms', agentId: 'a1', timestamp: t0 + 10 },
      { metric: 'latency', value: 90, unit: 'ms', agentId: 'a2', timestamp: t0 + 20 },
    ]);
    const id = memory.storePerformanceMetric({ metric: 'success', value: 1, unit: 'ratio', agentId: 'a1' });
    expect(memory.queryPerformanceMetrics({ metric: 'latency', agentId: 'a1' }).map((m) => m.value)).toEqual([10, 20]);
    expect(memory.queryPerformanceMetrics({ since: t0 + 5, until: t0 + 20 }).map((m) => m.value)).toEqual([20, 90]);
    expect(memory.queryPerformanceMetrics({ agentId: 'a1', limit: 1 })).toHaveLength(1);
    expect(memory.queryPerformanceMetrics({ metric: 'latency', agentId: 'a1', order: 'desc', limit: 1 }).map((m) => m.value)).toEqual([20]);
    expect(() => memory.queryPerformanceMetrics({ order: 'newest' as never })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(memory.queryPerformanceMetrics({ metric: 'success' })[0]).toMatchObject({ id, unit: 'ratio', timestamp: t0 });
    expect(memory.getAveragePerformance({ metric: 'latency' })).toBe(40);
    expect(memory.getAveragePerformance({ metric: 'latency', agentId: 'a1' })).toBe(15);
    expect(memory.getAveragePerformance({ metric: 'latency', since: t0 + 15 })).toBe(90);
    expect(memory.getAveragePerformance({ metric: 'none' })).toBeNull();
  });

  it('never expires', () => {
    setup();
    memory.storePerformanceMetric({ metric: 'm', value: 1, unit: 'u' });
    clock.advance(3650 * DAY);
    memory.cleanupExpired();
    expect(memory.queryPerformanceMetrics()).toHaveLength(1);
  });
});

describe('workflow state', () => {
  it('stores, updates, queries by status', () => {
    setup();
    memory.storeWorkflowState({ id: 'w1', step: 'plan', status: 'running', checkpoint: { at: 1 } });
    memory.storeWorkflowState({ id: 'w2', step: 'plan', status: 'done', checkpoint: null, sha: 'abc' });
    clock.advance(5);
    memory.updateWorkflowState('w1', { step: 'act', checkpoint: { at: 2 } });
    expect(memory.getWorkflowState('w1')).toMatchObject({ step: 'act', status: 'running', checkpoint: { at: 2 }, sha: null, updatedAt: clock.now });
    memory.updateWorkflowState('w1', { status: 'done', sha: 'def' });
    expect(memory.queryWorkflowsByStatus('done').map((w) => [w.id, w.sha])).toEqual([
      ['w1', 'def'],
      ['w2', 'abc'],
    ]);
    expect(() => memory.updateWorkflowState('nope', { status: 'x' })).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(memory.getWorkflowState('nope')).toBeNull();
  });
});

describe('consensus', () => {
  it('counts distinct votes until the quorum approves', () => {
    setup();
    const id = memory.createConsensusProposal({ decision: { adopt: 'strategy-b' }, proposer: 'a1', quorum: 2 });
    expect(memory.voteOnConsensus(id, 'a1')).toBe(false);
    expect(memory.voteOnConsensus(id, 'a1')).toBe(false);
    expect(memory.getConsensusState(id)).toMatchObject({ votes: ['a1'], status: 'pending', version: 2 });
    expect(memory.queryConsensusByStatus('pending').map((c) => c.id)).toEqual([id]);
    expect(memory.voteOnConsensus(id, 'a2')).toBe(true);
    expect(memory.getConsensusState(id)).toMatchObject({ decision: { adopt: 'strategy-b' }, votes: ['a1', 'a2'], status: 'approved', version: 3 });
    expect(memory.voteOnConsensus(id, 'a3')).toBe(true);
    expect(memory.queryConsensusByStatus('approved')).toHaveLength(1);
    expect(() => memory.voteOnConsensus('nope', 'a1')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(() => memory.createConsensusProposal({ decision: 1, proposer: 'a', quorum: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });

  it('an expired proposal takes no votes', () => {
    setup();
    const id = memory.createConsensusProposal({ decision: 1, proposer: 'a', quorum: 1, ttl: 1 });
    clock.advance(1000);
    expect(() => memory.voteOnConsensus(id, 'b')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });
});

describe('artifacts', () => {
  it('records and finds artifacts by kind and tag', () => {
    setup();
    const a = memory.createArtifact({ kind: 'report', path: 'r.json', sha256: 'aa', tags: ['nightly', 'api'], metadata: { size: 3 } });
    memory.createArtifact({ id: 'b', kind: 'test', path: 't.ts', sha256: 'bb', tags: ['api'] });
    expect(memory.getArtifact(a)).toMatchObject({ kind: 'report', tags: ['nightly', 'api'], metadata: { size: 3 }, expiresAt: null });
    expect(memory.queryArtifactsByKind('test').map((x) => x.id)).toEqual(['b']);
    expect(memory.queryArtifactsByTag('api').map((x) => x.id).sort()).toEqual([a, 'b'].sort());
    expect(memory.queryArtifactsByTag('nightly').map((x) => x.id)).toEqual([a]);
    expect(memory.queryArtifactsByTag('ap')).toEqual([]);
  });
});

describe('sessions', () => {
  it('keeps checkpoints in order and records resumption', () => {
    setup();
    const id = memory.createSession({ mode: 'fleet', state: { step: 0 } });
    expect(memory.getLatestCheckpoint(id)).toBeNull();
    memory.addSessionCheckpoint(id, { step: 1 }, 'sha1');
    clock.advance(10);
    memory.addSessionCheckpoint(id, { step: 2 });
    expect(memory.getLatestCheckpoint(id)).toEqual({ timestamp: clock.now, sha: null, state: { step: 2 } });
    expect(memory.getSession(id)).toMatchObject({ state: { step: 2 }, lastResumed: null });
    expect(memory.getSession(id)?.checkpoints.map((c) => c.sha)).toEqual(['sha1', null]);
    memory.markSessionResumed(id);
    expect(memory.getSession(id)?.lastResumed).toBe(clock.now);
    expect(() => memory.addSessionCheckpoint('nope', {})).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(() => memory.markSessionResumed('nope')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });
});

describe('agent registry', () => {
  it('registers, updates status and performance, queries by status', () => {
    setup();
    const created = memory.registerAgent({ id: 'tg-1', type: 'test-generator', capabilities: ['unit'] });
    expect(created).toMatchObject({ status: 'idle', performance: {}, capabilities: ['unit'], createdAt: clock.now });
    memory.registerAgent({ id: 'cr-1', type: 'code-reviewer', status: 'active' });
    clock.advance(10);
    memory.updateAgentStatus('tg-1', 'active');
    memory.updateAgentPerformance('tg-1', { successRate: 0.9, lastRun: new Date(5) });
    expect(memory.getAgent('tg-1')).toMatchObject({ status: 'active', performance: { successRate: 0.9, lastRun: new Date(5) }, updatedAt: clock.now, createdAt: clock.now - 10 });
    expect(memory.queryAgentsByStatus('active').map((a) => a.id)).toEqual(['cr-1', 'tg-1']);
    const again = memory.registerAgent({ id: 'tg-1', type: 'test-generator', status: 'stopped' });
    expect(again.createdAt).toBe(clock.now - 10);
    expect(() => memory.updateAgentStatus('tg-1', 'sleeping' as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => memory.updateAgentStatus('nope', 'idle')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(memory.getAgent('nope')).toBeNull();
  });
});

describe('GOAP', () => {
  it('stores goals, actions and plans', () => {
    setup();
    memory.storeGoapGoal({ id: 'g', conditions: { covered: true }, priority: 2 });
    memory.storeGoapAction({ id: 'gen', agentType: 'test-generator', preconditions: {}, effects: { covered: true }, cost: 3 });
    memory.storeGoapAction({ id: 'cheap', agentType: 'test-generator', preconditions: {}, effects: {}, cost: 1 });
    expect(memory.getGoapGoal('g')).toMatchObject({ conditions: { covered: true }, priority: 2 });
    expect(memory.getGoapAction('gen')).toMatchObject({ effects: { covered: true }, cost: 3 });
    expect(memory.queryGoapActionsByAgentType('test-generator').map((a) => a.id)).toEqual(['cheap', 'gen']);
    const plan = memory.storeGoapPlan({ goalId: 'g', sequence: ['cheap', 'gen'], totalCost: 4 });
    expect(memory.getGoapPlan(plan)).toMatchObject({ goalId: 'g', sequence: ['cheap', 'gen'], totalCost: 4 });
    expect(() => memory.storeGoapPlan({ goalId: 'missing', sequence: [], totalCost: 0 })).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(memory.stats().tables.goap_plans).toBe(1);
  });
});

describe('OODA', () => {
  it('moves through phases, storing each phase output, and completes', () => {
    setup();
    const id = memory.storeOodaCycle({ observations: { failing: 3 } });
    memory.updateOodaPhase(id, 'orient', { cause: 'flaky' });
    expect(memory.queryOodaCyclesByPhase('orient').map((c) => c.id)).toEqual([id]);
    memory.updateOodaPhase(id, 'decide', 'retry');
    memory.updateOodaPhase(id, 'act', ['rerun']);
    memory.completeOodaCycle(id, { fixed: true });
    expect(memory.getOodaCycle(id)).toEqual({
      id,
      phase: 'act',
      observations: { failing: 3 },
      orientation: { cause: 'flaky' },
      decision: 'retry',
      action: ['rerun'],
      result: { fixed: true },
      completed: true,
      timestamp: clock.now,
    });
    expect(() => memory.updateOodaPhase('nope', 'act')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(() => memory.updateOodaPhase(id, 'sleep' as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('stats', () => {
  it('counts live rows per table, partitions and access levels, and the database size', () => {
    setup();
    memory.store('a', 1, { accessLevel: 'public' });
    memory.store('b', 1, { partition: 'learning' });
    memory.store('c', 1, { partition: 'learning', ttl: 1, accessLevel: 'team' });
    memory.registerAgent({ id: 'x', type: 't' });
    clock.advance(1000);
    const stats = memory.stats();
    expect(stats.tables.memory_entries).toBe(2);
    expect(stats.tables.agent_registry).toBe(1);
    expect(Object.keys(stats.tables)).toHaveLength(15);
    expect(stats.partitions).toEqual({ default: 1, learning: 1 });
    expect(stats.accessLevels).toEqual({ private: 1, team: 0, swarm: 0, public: 1, system: 0 });
    expect(stats.databaseBytes).toBeGreaterThan(4096);
  });
});

describe('dataVersion', () => {
  it('changes with a commit of this manager or of another connection, not with reads', () => {
    const tmp = tempDir();
    const path = tmp.file('v.db');
    const a = new SwarmMemoryManager(path, { cleanupIntervalMs: 0 });
    const b = new SwarmMemoryManager(path, { cleanupIntervalMs: 0 });
    try {
      a.initialize();
      b.initialize();
      const v0 = a.dataVersion();
      a.retrieve('k');
      a.query('%');
      expect(a.dataVersion()).toBe(v0);
      a.store('k', 1);
      const v1 = a.dataVersion();
      expect(v1).not.toBe(v0);
      b.store('k', 2);
      expect(a.dataVersion()).not.toBe(v1);
    } finally {
      a.close();
      b.close();
      tmp.remove();
    }
  });
});
