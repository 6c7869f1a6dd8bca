import type Database from 'better-sqlite3';
import { AgentDBError } from './AgentDBError.js';
import type { FederatedModel, StoredModel } from './types.js';

/** The model tables of an AgentDB file (created with the patterns table by the adapter's schema). */
export const MODEL_SCHEMA = `
CREATE TABLE IF NOT EXISTS agentdb_federated (
  federation TEXT NOT NULL,
  member TEXT NOT NULL,
  model TEXT NOT NULL,
  round INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (federation, member)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS agentdb_models (
  name TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  model TEXT NOT NULL,
  info TEXT NOT NULL,
  version INTEGER NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
`;

/** A JSON text of `value`, or the typed error saying why it has none. */
function toJson(value: unknown, what: string): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw new AgentDBError('INVALID_PATTERN', `${what} cannot be serialised: ${(error as Error).message}`);
  }
  if (json === undefined) throw new AgentDBError('INVALID_PATTERN', `${what} must be a JSON value`);
  return json;
}

const nonEmpty = (x: unknown): x is string => typeof x === 'string' && x.length > 0;

/**
 * Reads and writes the two model tables: federated members' statistics (one row per member,
 * `round` counting its publications) and named trained models (a decision transformer's weights,
 * replaced whole on each save, `version` counting saves). One statement per write, so each is
 * its own transaction and as durable as a pattern insert.
 */
export class ModelTables {
  readonly #statements;
  readonly #clock: () => number;

  constructor(db: Database.Database, clock: () => number) {
    this.#clock = clock;
    this.#statements = {
      publish: db.prepare(
        `INSERT INTO agentdb_federated (federation, member, model, round, updated_at) VALUES (?, ?, ?, 1, ?)
         ON CONFLICT (federation, member) DO UPDATE SET model = excluded.model, round = round + 1, updated_at = excluded.updated_at`,
      ),
      members: db.prepare('SELECT member, model, round, updated_at FROM agentdb_federated WHERE federation = ? ORDER BY member'),
      save: db.prepare(
        `INSERT INTO agentdb_models (name, kind, model, info, version, created_at) VALUES (?, ?, ?, ?, 1, ?)
         ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, model = excluded.model, info = excluded.info, version = version + 1, created_at = excluded.created_at`,
      ),
      load: db.prepare('SELECT name, kind, model, info, version, created_at FROM agentdb_models WHERE name = ?'),
    };
  }

  publish(federation: string, member: string, model: unknown): void {
    if (!nonEmpty(federation) || !nonEmpty(member)) throw new AgentDBError('INVALID_PATTERN', 'federation and member must be non-empty strings');
    this.#statements.publish.run(federation, member, toJson(model, 'model'), this.#clock());
  }

  members(federation: string): FederatedModel[] {
    const rows = this.#statements.members.all(federation) as Array<{ member: string; model: string; round: number; updated_at: number }>;
    return rows.map((r) => ({ member: r.member, model: JSON.parse(r.model) as unknown, round: r.round, updatedAt: r.updated_at }));
  }

  save(name: string, kind: string, model: unknown, info: Record<string, unknown>): StoredModel {
    if (!nonEmpty(name) || !nonEmpty(kind)) throw new AgentDBError('INVALID_PATTERN', 'a model needs a non-empty name and kind');
    const modelJson = toJson(model, 'model');
    this.#statements.save.run(name, kind, modelJson, toJson(info, 'model info'), this.#clock());
    return this.load(name)!;
  }

  load(name: string): StoredModel | null {
    const row = this.#statements.load.get(name) as { name: string; kind: string; model: string; info: string; version: number; created_at: number } | undefined;
    if (row === undefined) return null;
    return { name: row.name, kind: row.kind, model: JSON.parse(row.model) as unknown, info: JSON.parse(row.info) as Record<string, unknown>, version: row.version, createdAt: row.created_at };
  }
}
