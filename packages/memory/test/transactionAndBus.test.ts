import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryBus, SwarmMemoryManager, type MemoryBusEvents } from '@qe-fleet/memory';
import { openMemory, tempDir } from './helpers.js';

let memory: SwarmMemoryManager;
afterEach(() => memory?.close());

function record(): Array<[keyof MemoryBusEvents, unknown]> {
  const seen: Array<[keyof MemoryBusEvents, unknown]> = [];
  memory.bus.on('*', (type, event) => seen.push([type, event]));
  return seen;
}

describe('bus', () => {
  it('announces stores, deletes, clears, expiry sweeps and stored events', () => {
    const opened = openMemory();
    memory = opened.memory;
    const seen = record();
    memory.store('k', 1, { agentId: 'a1', accessLevel: 'swarm', swarmId: 's' });
    memory.delete('k');
    memory.delete('k');
    memory.store('x', 1, { partition: 'learning', ttl: 1 });
    memory.clear('default');
    const id = memory.storeEvent({ type: 'learning:training', payload: { reward: 1 }, source: 'a1' });
    opened.clock.advance(1000);
    memory.cleanupExpired();
    expect(seen).toEqual([
      ['memory:stored', { key: 'k', partition: 'default', owner: 'a1', accessLevel: 'swarm' }],
      ['memory:deleted', { key: 'k', partition: 'default' }],
      ['memory:stored', { key: 'x', partition: 'learning', owner: null, accessLevel: 'private' }],
      ['memory:cleared', { partition: 'default', count: 0 }],
      ['event:stored', expect.objectContaining({ id, type: 'learning:training', payload: { reward: 1 }, source: 'a1' })],
      ['memory:expired', { count: 1 }],
    ]);
  });

  it('can be shared between managers and survives a throwing listener', () => {
    const bus = createMemoryBus();
    const error = vi.fn();
    ({ memory } = openMemory({ bus, logger: { debug() {}, info() {}, warn() {}, error } }));
    const stored = vi.fn();
    bus.on('memory:stored', () => {
      throw new Error('listener bug');
    });
    bus.on('memory:stored', stored);
    expect(memory.bus).toBe(bus);
    memory.store('k', 1);
    expect(memory.retrieve('k')).toBe(1);
    expect(error).toHaveBeenCalledOnce();
  });
});

describe('transaction', () => {
  it('commits several operations together and announces after commit', () => {
    ({ memory } = openMemory());
    const seen = record();
    const result = memory.transaction(() => {
      memory.store('a', 1);
      memory.storeEvent({ type: 't', payload: 1, source: 's' });
      expect(seen).toEqual([]);
      return 'done';
    });
    expect(result).toBe('done');
    expect(seen.map(([type]) => type)).toEqual(['memory:stored', 'event:stored']);
    expect(memory.retrieve('a')).toBe(1);
  });

  it('rolls everything back on a throw, announces nothing and rethrows the error as is', () => {
    ({ memory } = openMemory());
    const seen = record();
    const boom = new Error('boom');
    expect(() =>
      memory.transaction(() => {
        memory.store('a', 1);
        memory.storeEvent({ type: 't', payload: 1, source: 's' });
        throw boom;
      }),
    ).toThrow(boom);
    expect(memory.retrieve('a')).toBeNull();
    expect(memory.queryEvents('t')).toEqual([]);
    expect(seen).toEqual([]);
  });

  it('nests through savepoints: an inner rollback drops only its own writes and announcements', () => {
    ({ memory } = openMemory());
    const seen = record();
    memory.transaction(() => {
      memory.store('outer', 1);
      expect(() =>
        memory.transaction(() => {
          memory.store('inner', 2);
          throw new Error('inner');
        }),
      ).toThrow('inner');
      memory.transaction(() => memory.store('inner2', 3));
    });
    expect(memory.retrieve('outer')).toBe(1);
    expect(memory.retrieve('inner')).toBeNull();
    expect(memory.retrieve('inner2')).toBe(3);
    expect(seen.map(([, e]) => (e as { key: string }).key)).toEqual(['outer', 'inner2']);
  });

  it('a failing multi-row write leaves nothing behind', () => {
    ({ memory } = openMemory());
    expect(() =>
      memory.transaction(() => {
        memory.storePerformanceMetrics([{ metric: 'm', value: 1, unit: 'u' }]);
        memory.storePattern({ pattern: 'p', confidence: 5 });
      }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(memory.queryPerformanceMetrics()).toEqual([]);
  });
});

describe('expiry timer', () => {
  it('sweeps on its interval, unref-ed, and stops on close', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      let now = 0;
      memory = new SwarmMemoryManager(':memory:', { clock: () => now, cleanupIntervalMs: 1000 });
      memory.initialize();
      const expired = vi.fn();
      memory.bus.on('memory:expired', expired);
      memory.store('k', 1, { ttl: 1 });
      now = 1000;
      vi.advanceTimersByTime(1000);
      expect(expired).toHaveBeenCalledWith({ count: 1 });
      memory.close();
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('lifecycle', () => {
  it('initialize is idempotent and close is idempotent', () => {
    const tmp = tempDir();
    try {
      memory = new SwarmMemoryManager(tmp.file('a/b/c.db'), { cleanupIntervalMs: 0 });
      expect(() => memory.store('k', 1)).toThrow(expect.objectContaining({ code: 'NOT_INITIALIZED' }));
      memory.initialize();
      memory.initialize();
      memory.store('k', 1);
      memory.close();
      memory.close();
      const again = new SwarmMemoryManager(tmp.file('a/b/c.db'));
      again.initialize();
      expect(again.retrieve('k')).toBe(1);
      again.close();
    } finally {
      tmp.remove();
    }
  });
});
