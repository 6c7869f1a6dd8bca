import { chmodSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryError, MIGRATIONS_FOLDER, SwarmMemoryManager } from '@qe-fleet/memory';
import { tempDir } from './helpers.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.remove());

interface Journal {
  entries: Array<{ tag: string; when: number }>;
}
const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8')) as Journal;

/** A database as the first released version of the package left it. */
function createFirstVersionDatabase(path: string): void {
  const oldFolder = tmp.file('drizzle-v1');
  cpSync(MIGRATIONS_FOLDER, oldFolder, { recursive: true });
  writeFileSync(join(oldFolder, 'meta/_journal.json'), JSON.stringify({ ...journal, entries: journal.entries.slice(0, 1) }));
  const db = new Database(path);
  migrate(drizzle({ client: db }), { migrationsFolder: oldFolder });
  db.prepare(`INSERT INTO memory_entries (key, partition, value, created_at, owner, access_level) VALUES ('old', 'learning', '{"kept":true}', 1, 'a1', 'private')`).run();
  db.prepare(`INSERT INTO patterns (id, pattern, confidence, created_at) VALUES ('p1', 'old-pattern', 0.9, 1)`).run();
  const event = db.prepare(`INSERT INTO events (id, type, payload, timestamp, source, ttl) VALUES (?, 'old', ?, ?, 'a1', 0)`);
  for (const [id, payload, timestamp] of [['e2', '2', 5], ['e1', '1', 5], ['e3', '3', 9]] as const) event.run(id, payload, timestamp);
  db.close();
}

function open(path: string, options = {}): SwarmMemoryManager {
  const memory = new SwarmMemoryManager(path, { cleanupIntervalMs: 0, ...options });
  memory.initialize();
  return memory;
}

function openError(path: string, options = {}): MemoryError {
  try {
    open(path, options).close();
  } catch (error) {
    expect(error).toBeInstanceOf(MemoryError);
    return error as MemoryError;
  }
  throw new Error('expected the open to fail');
}

describe('migrations', () => {
  it('there are at least two generated migrations to upgrade across', () => {
    expect(journal.entries.length).toBeGreaterThanOrEqual(2);
  });

  it('a fresh database gets all 15 tables and the expiry/status/type/agent indexes', () => {
    const path = tmp.file('fresh.db');
    open(path).close();
    const db = new Database(path, { readonly: true });
    const names = (type: string): string[] =>
      (db.prepare(`SELECT name FROM sqlite_master WHERE type = ? AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%'`).pluck().all(type) as string[]).sort();
    expect(names('table')).toEqual(
      [
        'agent_registry', 'artifacts', 'consensus_state', 'events', 'goap_actions', 'goap_goals', 'goap_plans', 'hints',
        'memory_acl', 'memory_entries', 'ooda_cycles', 'patterns', 'performance_metrics', 'sessions', 'workflow_state',
      ].sort(),
    );
    const indexes = names('index');
    for (const expected of [
      'memory_entries_expires_at_idx', 'memory_entries_owner_idx', 'events_type_timestamp_idx', 'events_source_timestamp_idx',
      'events_expires_at_idx', 'patterns_agent_id_idx', 'patterns_expires_at_idx', 'agent_registry_status_idx',
      'agent_registry_type_idx', 'workflow_state_status_idx', 'consensus_state_status_idx', 'goap_actions_agent_type_idx',
      'ooda_cycles_phase_idx', 'performance_metrics_agent_id_timestamp_idx',
    ]) {
      expect(indexes).toContain(expected);
    }
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(journal.entries.length);
    db.close();
  });

  it('upgrades a database made by an older version, keeping its data', () => {
    const path = tmp.file('old.db');
    createFirstVersionDatabase(path);
    const memory = open(path);
    expect(memory.retrieve('old', { partition: 'learning' })).toEqual({ kept: true });
    expect(memory.getPattern('old-pattern')).toMatchObject({ id: 'p1', agentId: null, confidence: 0.9 });
    // Events of one millisecond copied from the rowid table come back in id order.
    expect(memory.queryEvents({ type: 'old', order: 'asc' }).map((e) => [e.id, e.payload])).toEqual([['e1', 1], ['e2', 2], ['e3', 3]]);
    memory.storeEvent({ type: 'old', payload: 4, source: 'a1', timestamp: 10 });
    expect(memory.queryEvents({ source: 'a1' }).map((e) => e.payload)).toEqual([4, 3, 2, 1]);
    memory.storePattern({ pattern: 'new', confidence: 0.5, agentId: 'a2' });
    expect(memory.queryPatternsByConfidence(0, { agentId: 'a2' })).toHaveLength(1);
    memory.registerAgent({ id: 'a', type: 't' });
    memory.storeGoapGoal({ id: 'g', conditions: {} });
    memory.close();
    const db = new Database(path, { readonly: true });
    expect(db.prepare('SELECT COUNT(*) FROM __drizzle_migrations').pluck().get()).toBe(journal.entries.length);
    db.close();
  });

  it('when another connection migrates the same new file concurrently, opening retries and succeeds', async () => {
    const path = tmp.file('race.db');
    // The file exists in WAL mode with drizzle's bookkeeping table, as right after a first open began.
    const setup = new Database(path);
    setup.pragma('journal_mode = WAL');
    setup.exec('CREATE TABLE __drizzle_migrations (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at numeric)');
    setup.close();
    const worker = new Worker(new URL('./fixtures/migrateHoldingLock.mjs', import.meta.url), {
      workerData: { path, migrationsFolder: MIGRATIONS_FOLDER, holdMs: 1500 },
    });
    const messages: string[] = [];
    const committed = new Promise<void>((resolve, reject) => {
      worker.on('message', (m: string) => {
        messages.push(m);
        if (m === 'committed') resolve();
      });
      worker.on('error', reject);
    });
    await new Promise<void>((resolve) => worker.once('message', () => resolve()));
    const warn = vi.fn();
    // Blocks on the worker's lock, then finds the schema migrated under it and retries.
    const memory = open(path, { logger: { debug() {}, info() {}, warn, error() {} } });
    await committed;
    await worker.terminate();
    expect(messages).toEqual(['locked', 'committed']);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/migration attempt 1 .* failed, retrying/), expect.anything());
    memory.store('k', 1);
    memory.registerAgent({ id: 'a', type: 't' });
    memory.close();
    const db = new Database(path, { readonly: true });
    expect(db.prepare('SELECT COUNT(*) FROM __drizzle_migrations').pluck().get()).toBe(journal.entries.length);
    db.close();
  });

  it('a read-only open of an older database asks for an upgrade instead of migrating', () => {
    const path = tmp.file('old.db');
    createFirstVersionDatabase(path);
    expect(openError(path, { readonly: true }).code).toBe('SCHEMA_TOO_OLD');
  });

  it('refuses a database with a migration this version does not know', () => {
    const path = tmp.file('new.db');
    open(path).close();
    const db = new Database(path);
    const future = (journal.entries.at(-1)?.when ?? 0) + 1000;
    db.prepare('INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)').run('from-the-future', future);
    db.close();
    const error = openError(path);
    expect(error.code).toBe('SCHEMA_TOO_NEW');
    expect(error.message).toMatch(/newer/);
  });

  it('refuses a database whose user_version is ahead of this version', () => {
    const path = tmp.file('new.db');
    open(path).close();
    const db = new Database(path);
    db.pragma('user_version = 99');
    db.close();
    expect(openError(path).code).toBe('SCHEMA_TOO_NEW');
  });
});

describe('open failures', () => {
  it('a file that is not a database gives DATABASE_CORRUPT', () => {
    const path = tmp.file('garbage.db');
    writeFileSync(path, 'this is certainly not a SQLite database\n'.repeat(200));
    const error = openError(path);
    expect(error.code).toBe('DATABASE_CORRUPT');
    expect(readFileSync(path, 'utf8')).toMatch(/^this is certainly/);
  });

  it('a truncated database gives DATABASE_CORRUPT', () => {
    const path = tmp.file('cut.db');
    const memory = open(path);
    for (let i = 0; i < 200; i++) memory.store(`k${i}`, 'x'.repeat(500));
    memory.close();
    const bytes = readFileSync(path);
    writeFileSync(path, Buffer.concat([bytes.subarray(0, 100), Buffer.alloc(4096, 0xff), bytes.subarray(4196)]));
    const error = openError(path);
    expect(['DATABASE_CORRUPT']).toContain(error.code);
  });

  it('writing through a read-only open gives DATABASE_READONLY', () => {
    const path = tmp.file('ro.db');
    const writer = open(path);
    writer.store('k', 1);
    writer.close();
    const reader = open(path, { readonly: true });
    expect(reader.retrieve('k')).toBe(1);
    expect(() => reader.store('k', 2)).toThrow(expect.objectContaining({ code: 'DATABASE_READONLY' }));
    expect(() => reader.transaction(() => reader.store('k', 2))).toThrow(expect.objectContaining({ code: 'DATABASE_READONLY' }));
    expect(reader.retrieve('k')).toBe(1);
    reader.close();
  });

  // Root ignores file modes, so this runs only as an ordinary user.
  it.skipIf(process.getuid?.() === 0)('a file without write permission gives a MemoryError, not a stack trace', () => {
    const path = tmp.file('locked.db');
    open(path).close();
    chmodSync(path, 0o444);
    let error: unknown;
    try {
      const memory = open(path);
      memory.store('k', 1);
      memory.close();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MemoryError);
    expect(['DATABASE_READONLY', 'DATABASE_OPEN_FAILED']).toContain((error as MemoryError).code);
  });

  it('a read-only open of a missing file gives DATABASE_OPEN_FAILED', () => {
    expect(openError(tmp.file('missing.db'), { readonly: true }).code).toBe('DATABASE_OPEN_FAILED');
  });

  it('creates missing parent directories, and fails clearly when it cannot', () => {
    open(tmp.file('deep/er/x.db')).close();
    writeFileSync(tmp.file('plain-file'), '');
    expect(openError(tmp.file('plain-file/x.db')).code).toBe('DATABASE_OPEN_FAILED');
  });
});
