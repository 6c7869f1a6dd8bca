import { afterEach, describe, expect, it } from 'vitest';
import { MemoryError, TTL_POLICY, type SwarmMemoryManager } from '@qe-fleet/memory';
import { openMemory, type FakeClock } from './helpers.js';

let memory: SwarmMemoryManager;
let clock: FakeClock;

function setup(): void {
  ({ memory, clock } = openMemory());
}

afterEach(() => memory?.close());

describe('store / retrieve', () => {
  it('round-trips values per partition', () => {
    setup();
    memory.store('phase2/learning/a1/config', { lr: 0.1 }, { partition: 'learning' });
    memory.store('phase2/learning/a1/config', { lr: 0.9 });
    expect(memory.retrieve('phase2/learning/a1/config', { partition: 'learning' })).toEqual({ lr: 0.1 });
    expect(memory.retrieve('phase2/learning/a1/config')).toEqual({ lr: 0.9 });
    expect(memory.retrieve('missing')).toBeNull();
  });

  it('overwrites, keeping one row', () => {
    setup();
    memory.store('k', 1);
    memory.store('k', 2, { metadata: { v: 2 } });
    expect(memory.retrieve('k')).toBe(2);
    expect(memory.retrieveEntry('k')).toMatchObject({ key: 'k', partition: 'default', value: 2, metadata: { v: 2 } });
    expect(memory.stats().tables.memory_entries).toBe(1);
  });

  it('retrieveEntry reports owner, level, team, swarm and times', () => {
    setup();
    memory.store('k', 'v', { owner: 'a1', accessLevel: 'swarm', teamId: 't', swarmId: 's', ttl: 10 });
    expect(memory.retrieveEntry('k')).toEqual({
      key: 'k',
      partition: 'default',
      value: 'v',
      metadata: null,
      createdAt: clock.now,
      expiresAt: clock.now + 10_000,
      owner: 'a1',
      accessLevel: 'swarm',
      teamId: 't',
      swarmId: 's',
    });
  });
});

describe('query', () => {
  it('matches % and _ patterns case-sensitively, in key order, with limit and offset', () => {
    setup();
    for (const id of ['p3', 'p1', 'p2']) memory.store(`phase2/learning/shared/patterns/${id}`, id, { partition: 'learning' });
    memory.store('phase2/learning/shared/other', 'x', { partition: 'learning' });
    memory.store('phase2/learning/shared/patterns/p9', 'elsewhere');
    memory.store('PHASE2/learning/shared/patterns/p0', 'upper', { partition: 'learning' });
    const keys = (pattern: string, extra = {}): string[] =>
      memory.query(pattern, { partition: 'learning', ...extra }).map((e) => e.key);
    expect(keys('phase2/learning/shared/patterns/%')).toEqual([
      'phase2/learning/shared/patterns/p1',
      'phase2/learning/shared/patterns/p2',
      'phase2/learning/shared/patterns/p3',
    ]);
    expect(keys('phase2/learning/shared/patterns/p_')).toHaveLength(3);
    expect(keys('phase2/learning/shared/patterns/%', { limit: 1, offset: 1 })).toEqual(['phase2/learning/shared/patterns/p2']);
    expect(keys('%/other')).toEqual(['phase2/learning/shared/other']);
    expect(memory.query('phase2/learning/shared/patterns/%', { partition: 'learning' })[0]?.value).toBe('p1');
  });

  it('treats GLOB characters in a pattern literally', () => {
    setup();
    memory.store('a*b', 1);
    memory.store('axb', 2);
    memory.store('a[1]', 3);
    expect(memory.query('a*b').map((e) => e.key)).toEqual(['a*b']);
    expect(memory.query('a[1]').map((e) => e.key)).toEqual(['a[1]']);
  });
});

describe('delete / clear', () => {
  it('delete removes one entry and reports whether it existed', () => {
    setup();
    memory.store('k', 1);
    memory.store('k', 2, { partition: 'learning' });
    expect(memory.delete('k')).toBe(true);
    expect(memory.delete('k')).toBe(false);
    expect(memory.retrieve('k')).toBeNull();
    expect(memory.retrieve('k', { partition: 'learning' })).toBe(2);
  });

  it('clear empties one partition and returns the count', () => {
    setup();
    memory.store('a', 1, { partition: 'learning' });
    memory.store('b', 1, { partition: 'learning' });
    memory.store('c', 1);
    expect(memory.clear('learning')).toBe(2);
    expect(memory.query('%', { partition: 'learning' })).toEqual([]);
    expect(memory.retrieve('c')).toBe(1);
  });
});

describe('TTL', () => {
  it('hides an entry the moment it expires and cleanupExpired removes it', () => {
    setup();
    memory.store('short', 1, { ttl: 60 });
    memory.store('forever', 2, { ttl: 0 });
    clock.advance(59_999);
    expect(memory.retrieve('short')).toBe(1);
    clock.advance(1);
    expect(memory.retrieve('short')).toBeNull();
    expect(memory.retrieveEntry('short')).toBeNull();
    expect(memory.query('%').map((e) => e.key)).toEqual(['forever']);
    expect(memory.delete('short')).toBe(false);
    expect(memory.stats().tables.memory_entries).toBe(1);
    expect(memory.cleanupExpired()).toBe(1);
    expect(memory.cleanupExpired()).toBe(0);
    clock.advance(10 * 365 * 86_400_000);
    expect(memory.retrieve('forever')).toBe(2);
  });

  it('defaults follow TTL_POLICY', () => {
    setup();
    expect(TTL_POLICY.tables.events).toBe(30 * 86_400);
    expect(TTL_POLICY.tables.patterns).toBe(7 * 86_400);
    expect(TTL_POLICY.tables.performance_metrics).toBe(0);
    memory.store('k', 1, { partition: 'learning' });
    expect(memory.retrieveEntry('k', { partition: 'learning' })?.expiresAt).toBeNull();
    const id = memory.storeEvent({ type: 't', payload: 1, source: 's' });
    expect(memory.queryEvents('t')[0]).toMatchObject({ id, ttl: 30 * 86_400, expiresAt: clock.now + 30 * 86_400_000 });
  });

  it('cleanupExpired counts rows removed across tables', () => {
    setup();
    memory.store('a', 1, { ttl: 1 });
    memory.storeEvent({ type: 't', payload: 1, source: 's', ttl: 1 });
    memory.storePattern({ pattern: 'p', confidence: 0.5, ttl: 1 });
    memory.postHint({ key: 'h', value: 1, ttl: 1 });
    memory.storeEvent({ type: 't', payload: 2, source: 's' });
    memory.grantPermission('a', 'b1', ['read']);
    clock.advance(1000);
    expect(memory.queryEvents('t')).toHaveLength(1);
    // 4 expired rows + the ACL row left without its entry
    expect(memory.cleanupExpired()).toBe(5);
    expect(memory.stats().tables).toMatchObject({ memory_entries: 0, events: 1, patterns: 0, hints: 0, memory_acl: 0 });
  });
});

describe('bad input', () => {
  const bad: Array<[string, (m: SwarmMemoryManager) => void, string]> = [
    ['empty key', (m) => m.store('', 1), 'INVALID_KEY'],
    ['key over 1 KiB', (m) => m.store('é'.repeat(513), 1), 'INVALID_KEY'],
    ['circular value', (m) => {
      const v: Record<string, unknown> = {};
      v.self = v;
      m.store('k', { nested: [v] });
    }, 'INVALID_VALUE'],
    ['function', (m) => m.store('k', { f: () => 1 }), 'INVALID_VALUE'],
    ['symbol', (m) => m.store('k', [Symbol('x')]), 'INVALID_VALUE'],
    ['bigint', (m) => m.store('k', { n: 1n }), 'INVALID_VALUE'],
    ['undefined', (m) => m.store('k', undefined), 'INVALID_VALUE'],
    ['negative ttl', (m) => m.store('k', 1, { ttl: -1 }), 'INVALID_TTL'],
    ['NaN ttl', (m) => m.store('k', 1, { ttl: Number.NaN }), 'INVALID_TTL'],
    ['malformed partition', (m) => m.store('k', 1, { partition: 'bad partition!' }), 'INVALID_PARTITION'],
    ['empty partition', (m) => m.store('k', 1, { partition: '' }), 'INVALID_PARTITION'],
    ['unknown access level', (m) => m.store('k', 1, { accessLevel: 'secret' as never }), 'INVALID_ARGUMENT'],
    ['bad metadata', (m) => m.store('k', 1, { metadata: { f: () => 1 } }), 'INVALID_VALUE'],
    ['bad event payload', (m) => m.storeEvent({ type: 't', source: 's', payload: { n: 1n } }), 'INVALID_VALUE'],
    ['event without type', (m) => m.storeEvent({ type: '', source: 's', payload: 1 }), 'INVALID_ARGUMENT'],
    ['pattern confidence > 1', (m) => m.storePattern({ pattern: 'p', confidence: 2 }), 'INVALID_ARGUMENT'],
    ['ttl below a millisecond', (m) => m.store('k', 1, { ttl: 1e-4 }), 'INVALID_TTL'],
    ['ttl past year 9999', (m) => m.store('k', 1, { ttl: 1e12 }), 'INVALID_TTL'],
    ['numeric owner', (m) => m.store('k', 1, { owner: 12345 as never }), 'INVALID_ARGUMENT'],
    ['object teamId', (m) => m.store('k', 1, { agentId: 'a', teamId: {} as never }), 'INVALID_ARGUMENT'],
    ['string isSystem', (m) => m.store('k', 1, { agentId: 'a', isSystem: 'yes' as never }), 'INVALID_ARGUMENT'],
    ['event timestamp 1e20', (m) => m.storeEvent({ type: 't', source: 's', payload: 1, timestamp: 1e20 }), 'INVALID_ARGUMENT'],
    ['fractional event timestamp', (m) => m.storeEvent({ type: 't', source: 's', payload: 1, timestamp: 1.5 }), 'INVALID_ARGUMENT'],
    ['negative metric timestamp', (m) => m.storePerformanceMetric({ metric: 'a', value: 1, unit: 'ms', timestamp: -1 }), 'INVALID_ARGUMENT'],
    ['numeric metric agentId', (m) => m.storePerformanceMetric({ metric: 'a', value: 1, unit: 'ms', agentId: 7 as never }), 'INVALID_ARGUMENT'],
    ['metric NaN', (m) => m.storePerformanceMetrics([{ metric: 'a', value: 1, unit: 'ms' }, { metric: 'a', value: Number.NaN, unit: 'ms' }]), 'INVALID_ARGUMENT'],
  ];

  it.each(bad)('%s throws a MemoryError and writes nothing', (_name, act, code) => {
    setup();
    memory.store('k', 'original');
    const before = JSON.stringify(memory.stats().tables);
    let error: unknown;
    try {
      act(memory);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MemoryError);
    expect((error as MemoryError).code).toBe(code);
    expect(JSON.stringify(memory.stats().tables)).toBe(before);
    expect(memory.retrieve('k')).toBe('original');
  });

  it('query refuses a limit SQLite cannot bind as INVALID_ARGUMENT, not DATABASE_ERROR', () => {
    setup();
    expect(() => memory.query('%', { limit: 1e21 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => memory.queryEvents({ limit: 2 ** 53 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('store and storePattern take a createdAt (for restores): the TTL counts from it', () => {
    setup();
    const past = clock.now - 30_000;
    memory.store('restored', 1, { createdAt: past, ttl: 60 });
    expect(memory.retrieveEntry('restored')).toMatchObject({ createdAt: past, expiresAt: past + 60_000 });
    memory.storePattern({ pattern: 'p', confidence: 0.5, createdAt: past });
    expect(memory.getPattern('p')?.createdAt).toBe(past);
    expect(() => memory.store('k', 1, { createdAt: 1.5 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('accepts a key of exactly 1 KiB', () => {
    setup();
    memory.store('é'.repeat(512), 1);
    expect(memory.retrieve('é'.repeat(512))).toBe(1);
  });

  it('refuses use before initialize and after close', () => {
    setup();
    memory.close();
    expect(() => memory.retrieve('k')).toThrow(expect.objectContaining({ code: 'CLOSED' }));
  });
});
