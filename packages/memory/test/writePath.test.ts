import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SwarmMemoryManager } from '@qe-fleet/memory';
import { FakeClock, openMemory, tempDir } from './helpers.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function memoryOnClock(): { memory: SwarmMemoryManager; clock: FakeClock } {
  const opened = openMemory();
  cleanups.push(() => opened.memory.close());
  return opened;
}

/** A new file database at the current schema, reopened read-only, and the query plan of a statement on it. */
function freshSchema(): { db: Database.Database; plan: (query: string) => string } {
  const tmp = tempDir();
  cleanups.push(tmp.remove);
  const path = tmp.file('schema.db');
  const memory = new SwarmMemoryManager(path, { cleanupIntervalMs: 0 });
  memory.initialize();
  memory.close();
  const db = new Database(path, { readonly: true });
  cleanups.push(() => db.close());
  const plan = (query: string): string =>
    (db.prepare(`EXPLAIN QUERY PLAN ${query}`).all() as Array<{ detail: string }>).map((r) => r.detail).join('; ');
  return { db, plan };
}

describe('the write path', () => {
  it('a rewrite that changes the expiry or owner updates them (the full upsert), one that keeps them changes the rest', () => {
    const { memory, clock } = memoryOnClock();
    memory.store('k', 1, { owner: 'a1', ttl: 60 });
    expect(memory.retrieveEntry('k')).toMatchObject({ owner: 'a1', expiresAt: clock.now + 60_000 });
    memory.store('k', 2, { owner: 'a1' });
    expect(memory.retrieveEntry('k')).toMatchObject({ value: 2, owner: 'a1', expiresAt: null });
    memory.store('k', 3, { owner: 'a2', accessLevel: 'swarm', metadata: { v: 3 } });
    expect(memory.retrieveEntry('k')).toMatchObject({ value: 3, owner: 'a2', accessLevel: 'swarm', metadata: { v: 3 } });
    clock.advance(1000);
    memory.store('k', 4, { owner: 'a2', ttl: 1 });
    // A write that gives no level keeps the entry's.
    expect(memory.retrieveEntry('k')).toMatchObject({ value: 4, owner: 'a2', accessLevel: 'swarm', createdAt: clock.now });
    clock.advance(1001);
    expect(memory.retrieve('k')).toBeNull();
    expect(memory.cleanupExpired()).toBe(1);
    expect(memory.stats().tables.memory_entries).toBe(0);
  });

  it('storePattern keeps the id, creation time and usage count of an existing pattern unless given', () => {
    const { memory, clock } = memoryOnClock();
    const id = memory.storePattern({ pattern: 'p', confidence: 0.5, usageCount: 3, agentId: 'a1', metadata: { n: 1 } });
    const created = clock.now;
    clock.advance(5000);
    expect(memory.storePattern({ id: 'ignored', pattern: 'p', confidence: 0.7, metadata: { n: 2 }, ttl: 0 })).toBe(id);
    expect(memory.getPattern('p')).toMatchObject({ id, confidence: 0.7, usageCount: 3, agentId: null, metadata: { n: 2 }, createdAt: created, expiresAt: null });
    memory.storePattern({ pattern: 'p', confidence: 0.7, usageCount: 9 });
    expect(memory.getPattern('p')?.usageCount).toBe(9);
    expect(memory.storePattern({ id: 'chosen', pattern: 'q', confidence: 1 })).toBe('chosen');
  });

  it('event ids are UUIDs that start with the time, so they sort by it across milliseconds', () => {
    const { memory, clock } = memoryOnClock();
    const stored = clock.now;
    const first = memory.storeEvent({ type: 't', payload: 1, source: 's' });
    clock.advance(1);
    const second = memory.storeEvent({ type: 't', payload: 2, source: 's' });
    expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(first.replace('-', '').slice(0, 12)).toBe(stored.toString(16).padStart(12, '0'));
    expect(first < second).toBe(true);
    expect(memory.queryEvents({ type: 't', order: 'asc' }).map((e) => e.id)).toEqual([first, second]);
  });

  it('events of one millisecond come back in the order they were stored, also past 4096 of them and after the clock steps back', () => {
    const { memory, clock } = memoryOnClock();
    const ids = Array.from({ length: 5000 }, (_, i) => memory.storeEvent({ type: 't', payload: i, source: 's', timestamp: 7 }));
    clock.advance(-10_000);
    ids.push(memory.storeEvent({ type: 't', payload: 5000, source: 's', timestamp: 7 }));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(memory.queryEvents({ type: 't', order: 'asc' }).map((e) => e.payload)).toEqual(ids.map((_, i) => i));
    expect(memory.queryEvents({ source: 's', limit: 3 }).map((e) => e.payload)).toEqual([5000, 4999, 4998]);
    expect(memory.queryEvents({ since: 7, until: 7, order: 'asc', limit: 2 }).map((e) => e.payload)).toEqual([0, 1]);
    // A cursor pages through them, 300 at a time, in either order, none lost or repeated.
    for (const order of ['asc', 'desc'] as const) {
      const seen: unknown[] = [];
      let after: { timestamp: number; id: string } | undefined;
      for (;;) {
        const page = memory.queryEvents({ type: 't', order, limit: 300, ...(after ? { after } : {}) });
        if (page.length === 0) break;
        seen.push(...page.map((e) => e.payload));
        after = { timestamp: page.at(-1)!.timestamp, id: page.at(-1)!.id };
      }
      expect(seen).toEqual(order === 'asc' ? ids.map((_, i) => i) : ids.map((_, i) => ids.length - 1 - i));
    }
    expect(() => memory.queryEvents({ after: { timestamp: 7 } as never })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/after\.id/) }));
    expect(() => memory.queryEvents({ after: null as never })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('entries are keyed (partition, key) without rowid, and every entry query is served by that key or a partial index', () => {
    const { db, plan } = freshSchema();
    const sql = db.prepare(`SELECT sql FROM sqlite_master WHERE name = 'memory_entries'`).pluck().get() as string;
    expect(sql).toMatch(/PRIMARY KEY\(`partition`, `key`\)\s*\) WITHOUT ROWID$/);
    const live = '(expires_at IS NULL OR expires_at > 0)';
    expect(plan(`SELECT value FROM memory_entries WHERE key = 'k' AND partition = 'p' AND ${live}`)).toMatch(/PRIMARY KEY \(partition=\? AND key=\?\)/);
    expect(plan(`SELECT key FROM memory_entries WHERE partition = 'p' AND key GLOB 'a/*' AND ${live} ORDER BY key`)).toMatch(
      /PRIMARY KEY \(partition=\? AND key>\? AND key<\?\)/,
    );
    expect(plan(`DELETE FROM memory_entries WHERE partition = 'p'`)).toMatch(/PRIMARY KEY \(partition=\?\)/);
    expect(plan('DELETE FROM memory_entries WHERE expires_at IS NOT NULL AND expires_at <= 5')).toMatch(/memory_entries_expires_at_idx/);
  });

  it('events are keyed (timestamp, id) without rowid, in four b-trees, and every event query is served by an index in its order', () => {
    const { db, plan } = freshSchema();
    const sql = db.prepare(`SELECT sql FROM sqlite_master WHERE name = 'events'`).pluck().get() as string;
    expect(sql).toMatch(/PRIMARY KEY\(`timestamp`, `id`\)\s*\) WITHOUT ROWID$/);
    // The table's own b-tree plus three indexes: an event costs four b-tree writes.
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' ORDER BY name`).pluck().all()).toEqual([
      'events_expires_at_idx',
      'events_source_timestamp_idx',
      'events_type_timestamp_idx',
    ]);
    const live = '(expires_at IS NULL OR expires_at > 0)';
    const byType = plan(`SELECT * FROM events WHERE ${live} AND type = 't' ORDER BY timestamp DESC, id DESC LIMIT 5`);
    expect(byType).toMatch(/events_type_timestamp_idx \(type=\?\)/);
    const bySource = plan(`SELECT * FROM events WHERE ${live} AND source = 's' AND timestamp >= 3 ORDER BY timestamp ASC, id ASC LIMIT 5`);
    expect(bySource).toMatch(/events_source_timestamp_idx \(source=\? AND timestamp>\?\)/);
    const byTime = plan(`SELECT * FROM events WHERE ${live} AND timestamp >= 3 ORDER BY timestamp DESC, id DESC LIMIT 5`);
    expect(byTime).toMatch(/PRIMARY KEY \(timestamp>\?\)/);
    const byCursor = plan(`SELECT * FROM events WHERE ${live} AND (timestamp, id) > (3, 'x') ORDER BY timestamp ASC, id ASC LIMIT 5`);
    expect(byCursor).toMatch(/PRIMARY KEY \(\(timestamp,id\)>\(\?,\?\)\)/);
    for (const p of [byType, bySource, byTime, byCursor]) expect(p).not.toMatch(/TEMP B-TREE/);
    expect(plan('DELETE FROM events WHERE expires_at IS NOT NULL AND expires_at <= 5')).toMatch(/events_expires_at_idx/);
  });
});
