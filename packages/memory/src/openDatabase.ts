import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { MemoryError, toMemoryError } from './MemoryError.js';
import type { Logger } from './types.js';

/** The generated migrations; `../drizzle` is right from both `src/` and `dist/`. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../drizzle', import.meta.url));

/** How `openDatabase` opens the file. */
export interface OpenOptions {
  readonly: boolean;
  synchronous: 'NORMAL' | 'FULL';
  busyTimeoutMs: number;
  logger: Logger;
  migrationsFolder?: string;
}

/** WAL pages after which a commit checkpoints (SQLite's default: 1,000). */
const WAL_AUTOCHECKPOINT_PAGES = 4000;

/** Concurrent first opens race to migrate; the loser retries and then finds nothing to do. */
const MIGRATION_ATTEMPTS = 5;

interface AppliedMigration {
  hash: string;
  created_at: number | string | null;
}

function appliedMigrations(db: Database.Database): AppliedMigration[] {
  const table = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'`).get();
  if (table === undefined) return [];
  return db.prepare('SELECT hash, created_at FROM __drizzle_migrations').all() as AppliedMigration[];
}

/**
 * Counts the migrations still to apply, refusing a database written by a newer version of this
 * package (a migration or `user_version` this code does not know): running old code on it could
 * corrupt data the newer code relies on.
 */
function pendingMigrations(db: Database.Database, folder: string, path: string): number {
  const known = readMigrationFiles({ migrationsFolder: folder });
  const latestKnown = known.at(-1)?.folderMillis ?? 0;
  const applied = appliedMigrations(db);
  const newest = applied.reduce((max, row) => Math.max(max, Number(row.created_at ?? 0)), 0);
  const userVersion = db.pragma('user_version', { simple: true }) as number;
  if (newest > latestKnown || userVersion > known.length) {
    throw new MemoryError(
      'SCHEMA_TOO_NEW',
      `${path} was written by a newer @qe-fleet/memory (schema ${Math.max(userVersion, applied.length)} > ${known.length}); upgrade the package`,
    );
  }
  return known.filter((m) => m.folderMillis > newest).length;
}

function migrateToLatest(db: Database.Database, options: OpenOptions, path: string): void {
  const folder = options.migrationsFolder ?? MIGRATIONS_FOLDER;
  const total = readMigrationFiles({ migrationsFolder: folder }).length;
  for (let attempt = 1; ; attempt++) {
    const pending = pendingMigrations(db, folder, path);
    if (pending === 0) break;
    if (options.readonly) {
      throw new MemoryError('SCHEMA_TOO_OLD', `${path} needs ${pending} migration(s); open it read-write once to upgrade it`);
    }
    try {
      migrate(drizzle({ client: db }), { migrationsFolder: folder });
      options.logger.info(`memory: applied ${pending} migration(s) to ${path}`);
    } catch (error) {
      if (attempt >= MIGRATION_ATTEMPTS) {
        throw new MemoryError('MIGRATION_FAILED', `${path}: migration failed: ${(error as Error).message}`, { cause: error });
      }
      options.logger.warn(`memory: migration attempt ${attempt} on ${path} failed, retrying`, error);
    }
  }
  if (!options.readonly && (db.pragma('user_version', { simple: true }) as number) < total) {
    db.pragma(`user_version = ${total}`);
  }
}

/**
 * Opens (creating its directory if needed), configures and migrates a database. Every failure
 * comes out as a MemoryError with a code (`DATABASE_CORRUPT`, `DATABASE_READONLY`,
 * `DATABASE_OPEN_FAILED`, `SCHEMA_TOO_NEW`, ...) rather than a driver stack trace.
 */
export function openDatabase(path: string, options: OpenOptions): Database.Database {
  const inMemory = path === ':memory:' || path === '';
  if (!inMemory && !options.readonly) {
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (error) {
      throw new MemoryError('DATABASE_OPEN_FAILED', `cannot create the directory of ${path}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: options.readonly, fileMustExist: options.readonly, timeout: options.busyTimeoutMs });
  } catch (error) {
    const mapped = toMemoryError(error, `cannot open memory database ${path}`);
    throw mapped.code === 'DATABASE_ERROR' ? new MemoryError('DATABASE_OPEN_FAILED', mapped.message, { cause: error }) : mapped;
  }
  try {
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      // The manager's WalCheckpointer thread copies the WAL back (every 20 ms while written); the automatic
      // checkpoint, which runs inside whichever commit crosses the limit, stays as the bound on
      // the WAL (16 MB of 4 KB pages), and the file is truncated back to 16 MB after a checkpoint.
      db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
      db.pragma(`journal_size_limit = ${WAL_AUTOCHECKPOINT_PAGES * 4096}`);
    }
    db.pragma(`synchronous = ${options.synchronous}`);
    // A savepoint inside a transaction (a nested `transaction()`) copies every page it changes to
    // a sub-journal, by default a temporary FILE: measured, that doubled the cost of a write in a
    // group commit. The pages a savepoint touches are few, so RAM holds them.
    db.pragma('temp_store = MEMORY');
    migrateToLatest(db, options, path);
    return db;
  } catch (error) {
    db.close();
    throw toMemoryError(error, `cannot open memory database ${path}`);
  }
}
