import type Database from 'better-sqlite3';
import { AgentDBError } from './AgentDBError.js';
import { readExperience } from './synthesize.js';
import type { StoredPattern } from './types.js';

/** Version of the file's tables; a file with a newer one is refused. */
const SCHEMA_VERSION = 1;

/** The meta and pattern tables of an AgentDB file (the model tables are `ModelTables`'). */
export const PATTERN_SCHEMA = `
CREATE TABLE IF NOT EXISTS agentdb_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS agentdb_patterns (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  domain TEXT NOT NULL,
  embedding BLOB NOT NULL,
  pattern_data TEXT NOT NULL,
  confidence REAL NOT NULL,
  usage_count INTEGER NOT NULL,
  success_count INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  last_used INTEGER NOT NULL
);
`;

/** One row as `insert` takes it: a validated pattern with its unit-length embedding. */
export interface PatternRowInput extends StoredPattern {
  embedding: Float32Array;
}

/** A stored experience as a training step: its embedding, strategy, reward and time. */
export interface ExperienceRow {
  features: number[];
  strategy: string;
  reward: number;
  at: number;
}

/** A float32 BLOB as a vector; copied, because a driver Buffer may start at an offset not divisible by 4. */
function blobToVector(blob: Buffer): Float32Array {
  return new Float32Array(Uint8Array.from(blob).buffer);
}

const COLUMNS = 'id, type, domain, pattern_data, confidence, usage_count, success_count, created_at, last_used';

/**
 * Reads and writes the pattern table and the file's meta rows (schema version, dimension). Rows
 * are addressed by `seq` (the rowid, insertion order), which the adapter's vector index keeps
 * slot by slot. One statement per write, so each insert is its own transaction.
 */
export class PatternTable {
  readonly #db: Database.Database;
  readonly #statements;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#statements = {
      insert: db.prepare(
        `INSERT INTO agentdb_patterns (${COLUMNS}, embedding)
         VALUES (@id, @type, @domain, @pattern_data, @confidence, @usage_count, @success_count, @created_at, @last_used, @embedding)`,
      ),
      bySeq: db.prepare(`SELECT ${COLUMNS} FROM agentdb_patterns WHERE seq = ?`),
      byId: db.prepare(`SELECT ${COLUMNS} FROM agentdb_patterns WHERE id = ?`),
      exists: db.prepare('SELECT 1 FROM agentdb_patterns WHERE id = ?').pluck(),
    };
  }

  /**
   * The file's embedding dimension: the stored one, which must equal `requested` (a file holding
   * another is refused), or `requested` recorded with the schema version in a new file.
   */
  checkMeta(path: string, requested: number): number {
    const get = this.#db.prepare('SELECT value FROM agentdb_meta WHERE key = ?').pluck();
    const version = get.get('schema_version') as string | undefined;
    if (version !== undefined && Number(version) > SCHEMA_VERSION) {
      throw new AgentDBError('STORAGE_ERROR', `${path} has schema ${version}; this version knows ${SCHEMA_VERSION}`);
    }
    const stored = get.get('dimension') as string | undefined;
    if (stored !== undefined) {
      if (Number(stored) !== requested) {
        throw new AgentDBError('INVALID_OPTIONS', `${path} holds ${stored}-dimensional embeddings, not ${requested}`);
      }
      return requested;
    }
    const put = this.#db.prepare('INSERT OR REPLACE INTO agentdb_meta (key, value) VALUES (?, ?)');
    this.#db.transaction(() => {
      put.run('schema_version', String(SCHEMA_VERSION));
      put.run('dimension', String(requested));
    })();
    return requested;
  }

  /** Inserts one row; returns its `seq`. A driver failure is STORAGE_ERROR and writes nothing. */
  insert(row: PatternRowInput): number {
    const { embedding, ...rest } = row;
    try {
      const info = this.#statements.insert.run({ ...rest, embedding: Buffer.from(embedding.buffer, embedding.byteOffset, embedding.byteLength) });
      return Number(info.lastInsertRowid);
    } catch (error) {
      throw new AgentDBError('STORAGE_ERROR', `insert failed: ${(error as Error).message}`);
    }
  }

  has(id: string): boolean {
    return this.#statements.exists.get(id) !== undefined;
  }

  byId(id: string): StoredPattern | null {
    return (this.#statements.byId.get(id) as StoredPattern | undefined) ?? null;
  }

  bySeq(seq: number): StoredPattern {
    return this.#statements.bySeq.get(seq) as StoredPattern;
  }

  /** Every row's seq, domain and embedding, in insertion order (to build the index on open). */
  *embeddings(): Generator<{ seq: number; domain: string; vector: Float32Array }> {
    const rows = this.#db.prepare('SELECT seq, domain, embedding FROM agentdb_patterns ORDER BY seq').iterate() as Iterable<{
      seq: number;
      domain: string;
      embedding: Buffer;
    }>;
    for (const row of rows) yield { seq: row.seq, domain: row.domain, vector: blobToVector(row.embedding) };
  }

  /** The readable `experience` rows of one domain or all, in insertion order. */
  experiences(domain: string | undefined): ExperienceRow[] {
    const rows = this.#db
      .prepare(
        `SELECT embedding, pattern_data, created_at FROM agentdb_patterns WHERE type = 'experience'${domain === undefined ? '' : ' AND domain = ?'} ORDER BY seq`,
      )
      .all(...(domain === undefined ? [] : [domain])) as Array<{ embedding: Buffer; pattern_data: string; created_at: number }>;
    return rows.flatMap((r) => {
      const exp = readExperience(r.pattern_data);
      if (exp === null || !(exp.reward >= 0 && exp.reward <= 1)) return [];
      return [{ features: Array.from(blobToVector(r.embedding)), strategy: exp.strategy, reward: exp.reward, at: r.created_at }];
    });
  }
}
