import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from '@qe-fleet/memory';
import type { RandomSource } from '@qe-fleet/learning-core';
import { AgentDBError } from './AgentDBError.js';
import { EMBEDDING_DIMENSION, embedTaskState } from './embedding.js';
import { LruCache } from './LruCache.js';
import { MODEL_SCHEMA, ModelTables } from './ModelTables.js';
import { engineContextFeatures } from './decisionTransformer/DecisionTransformerAlgorithm.js';
import type { EngineLogEntry } from './evaluateAlgorithm.js';
import { trainDecisionTransformer, type TrainDecisionTransformerOptions } from './decisionTransformer/DecisionTransformer.js';
import type { DecisionTransformerTrained } from './decisionTransformer/core.js';
import { readExperience, synthesizeContext } from './synthesize.js';
import { VectorIndex } from './VectorIndex.js';
import type {
  AgentDBAdapterOptions,
  AgentDBStats,
  ExperienceInput,
  FederatedModel,
  FederatedStore,
  PatternInput,
  RetrievalResult,
  RetrievedMemory,
  RetrieveOptions,
  StoredModel,
  StoredPattern,
} from './types.js';

/** Version of the file's tables; a file with a newer one is refused. */
const SCHEMA_VERSION = 1;

const SCHEMA = `
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

interface PatternRow extends StoredPattern {
  seq: number;
}

/** One domain's vectors and, slot by slot, the `seq` of their rows. */
interface Domain {
  index: VectorIndex;
  seqs: number[];
}

/** A float32 BLOB as a vector; copied, because a driver Buffer may start at an offset not divisible by 4. */
function blobToVector(blob: Buffer): Float32Array {
  return new Float32Array(Uint8Array.from(blob).buffer);
}

const noopLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * The seed's AgentDB (section 9.1) over its own SQLite file: patterns with embeddings, exact
 * nearest-neighbour retrieval per domain, a recommendation synthesised from the neighbours, and a
 * table where federated learners exchange model statistics.
 *
 * Why its own file and not tables in the memory package's database: the memory package owns its
 * schema through drizzle migrations (adding a table family means a migration there, and every
 * agent's database would carry it), and its key-value rows store JSON, where a vector wants a BLOB
 * read straight into a Float32Array. Durability is the memory package's: WAL with
 * `synchronous=NORMAL` (or FULL), one transaction per write, so a pattern whose `insertPattern`
 * returned survives the process being killed.
 *
 * Vectors are loaded into one `VectorIndex` per domain on open and appended on insert, so a search
 * never touches SQLite except to read the k rows found (through an LRU of `cacheSize` rows).
 */
export class AgentDBAdapter implements FederatedStore {
  readonly dimension: number;
  readonly path: string;
  readonly #db: Database.Database;
  readonly #learning: boolean;
  readonly #reasoning: boolean;
  readonly #clock: () => number;
  readonly #random: RandomSource;
  readonly #logger: Logger;
  readonly #cache: LruCache<number, StoredPattern>;
  readonly #domains = new Map<string, Domain>();
  readonly #statements;
  readonly #models: ModelTables;
  #closed = false;

  constructor(options: AgentDBAdapterOptions) {
    const bad = (why: string): never => {
      throw new AgentDBError('INVALID_OPTIONS', why);
    };
    if (options === null || typeof options !== 'object') bad('options must be an object');
    if (typeof options.dbPath !== 'string' || options.dbPath.length === 0) bad('dbPath must be a non-empty string');
    const cacheSize = options.cacheSize ?? 1000;
    if (!Number.isInteger(cacheSize) || cacheSize < 0) bad('cacheSize must be an integer >= 0');
    const dimension = options.dimension ?? EMBEDDING_DIMENSION;
    if (!Number.isInteger(dimension) || dimension < 1 || dimension > 4096) bad('dimension must be an integer in [1, 4096]');
    const synchronous = options.synchronous ?? 'NORMAL';
    if (synchronous !== 'NORMAL' && synchronous !== 'FULL') bad("synchronous must be 'NORMAL' or 'FULL'");
    this.path = options.dbPath;
    this.#learning = options.enableLearning ?? true;
    this.#reasoning = options.enableReasoning ?? true;
    this.#clock = options.clock ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#logger = options.logger ?? noopLogger;
    this.#cache = new LruCache(cacheSize);
    try {
      if (options.dbPath !== ':memory:') mkdirSync(dirname(options.dbPath), { recursive: true });
      this.#db = new Database(options.dbPath);
    } catch (error) {
      throw new AgentDBError('STORAGE_ERROR', `cannot open ${options.dbPath}: ${(error as Error).message}`);
    }
    try {
      this.#db.pragma('journal_mode = WAL');
      this.#db.pragma(`synchronous = ${synchronous}`);
      this.#db.pragma('busy_timeout = 5000');
      this.#db.exec(SCHEMA + MODEL_SCHEMA);
      this.dimension = this.#checkMeta(dimension);
    } catch (error) {
      this.#db.close();
      if (error instanceof AgentDBError) throw error;
      throw new AgentDBError('STORAGE_ERROR', `cannot prepare ${options.dbPath}: ${(error as Error).message}`);
    }
    this.#statements = {
      insert: this.#db.prepare(
        `INSERT INTO agentdb_patterns (id, type, domain, embedding, pattern_data, confidence, usage_count, success_count, created_at, last_used)
         VALUES (@id, @type, @domain, @embedding, @pattern_data, @confidence, @usage_count, @success_count, @created_at, @last_used)`,
      ),
      bySeq: this.#db.prepare(
        'SELECT id, type, domain, pattern_data, confidence, usage_count, success_count, created_at, last_used FROM agentdb_patterns WHERE seq = ?',
      ),
      byId: this.#db.prepare(
        'SELECT id, type, domain, pattern_data, confidence, usage_count, success_count, created_at, last_used FROM agentdb_patterns WHERE id = ?',
      ),
      exists: this.#db.prepare('SELECT 1 FROM agentdb_patterns WHERE id = ?').pluck(),
    };
    this.#models = new ModelTables(this.#db, this.#clock);
    this.#loadIndex();
  }

  #checkMeta(requested: number): number {
    const get = this.#db.prepare('SELECT value FROM agentdb_meta WHERE key = ?').pluck();
    const version = get.get('schema_version') as string | undefined;
    if (version !== undefined && Number(version) > SCHEMA_VERSION) {
      throw new AgentDBError('STORAGE_ERROR', `${this.path} has schema ${version}; this version knows ${SCHEMA_VERSION}`);
    }
    const stored = get.get('dimension') as string | undefined;
    if (stored !== undefined) {
      if (Number(stored) !== requested) {
        throw new AgentDBError('INVALID_OPTIONS', `${this.path} holds ${stored}-dimensional embeddings, not ${requested}`);
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

  #loadIndex(): void {
    const rows = this.#db.prepare('SELECT seq, domain, embedding FROM agentdb_patterns ORDER BY seq').iterate() as Iterable<{
      seq: number;
      domain: string;
      embedding: Buffer;
    }>;
    let count = 0;
    for (const row of rows) {
      const vector = blobToVector(row.embedding);
      this.#domain(row.domain).seqs.push(row.seq);
      this.#domain(row.domain).index.add(vector);
      count++;
    }
    this.#logger.debug(`agentdb ${this.path}: ${count} patterns indexed`);
  }

  #domain(name: string): Domain {
    let domain = this.#domains.get(name);
    if (domain === undefined) {
      domain = { index: new VectorIndex(this.dimension), seqs: [] };
      this.#domains.set(name, domain);
    }
    return domain;
  }

  #open(): void {
    if (this.#closed) throw new AgentDBError('CLOSED', `agentdb ${this.path} is closed`);
  }

  /** A validated unit-length copy of an embedding. */
  #vector(embedding: unknown): Float32Array {
    if (embedding === null || typeof embedding !== 'object' || typeof (embedding as ArrayLike<number>).length !== 'number') {
      throw new AgentDBError('INVALID_EMBEDDING', 'embedding must be an array of numbers');
    }
    const source = embedding as ArrayLike<unknown>;
    if (source.length !== this.dimension) {
      throw new AgentDBError('INVALID_EMBEDDING', `embedding has ${source.length} numbers, this store holds ${this.dimension}`);
    }
    const v = new Float32Array(this.dimension);
    let sum = 0;
    for (let i = 0; i < this.dimension; i++) {
      const x = source[i];
      if (typeof x !== 'number' || !Number.isFinite(x)) throw new AgentDBError('INVALID_EMBEDDING', `embedding[${i}] is not a finite number`);
      v[i] = x;
      sum += x * x;
    }
    if (!(sum > 0)) throw new AgentDBError('INVALID_EMBEDDING', 'embedding is the zero vector (no direction to compare)');
    const scale = 1 / Math.sqrt(sum);
    for (let i = 0; i < v.length; i++) v[i] = v[i]! * scale;
    return v;
  }

  #newId(): string {
    let id = '';
    for (let i = 0; i < 4; i++) id += Math.floor(this.#random() * 0x10000).toString(16).padStart(4, '0');
    return `${this.#clock().toString(36)}-${id}`;
  }

  /**
   * Stores a pattern (seed `insertPattern`) and indexes its embedding; returns its id. Durable when
   * it returns. Bad input throws `AgentDBError` and writes nothing.
   */
  insertPattern(pattern: PatternInput): string {
    this.#open();
    const bad = (why: string): never => {
      throw new AgentDBError('INVALID_PATTERN', why);
    };
    if (pattern === null || typeof pattern !== 'object') bad('pattern must be an object');
    if (typeof pattern.type !== 'string' || pattern.type.length === 0) bad('type must be a non-empty string');
    if (typeof pattern.domain !== 'string' || pattern.domain.length === 0) bad('domain must be a non-empty string');
    if (typeof pattern.confidence !== 'number' || !(pattern.confidence >= 0 && pattern.confidence <= 1)) bad('confidence must be in [0, 1]');
    for (const field of ['usage_count', 'success_count'] as const) {
      const v = pattern[field];
      if (v !== undefined && !(Number.isInteger(v) && v >= 0)) bad(`${field} must be an integer >= 0`);
    }
    for (const field of ['created_at', 'last_used'] as const) {
      const v = pattern[field];
      if (v !== undefined && !Number.isFinite(v)) bad(`${field} must be a finite number`);
    }
    let data: string;
    let parsed: unknown;
    if (typeof pattern.pattern_data === 'string') {
      data = pattern.pattern_data;
      try {
        parsed = JSON.parse(data);
      } catch {
        bad('pattern_data must be JSON text');
      }
    } else if (pattern.pattern_data !== null && typeof pattern.pattern_data === 'object') {
      try {
        data = JSON.stringify(pattern.pattern_data);
      } catch (error) {
        return bad(`pattern_data cannot be serialised: ${(error as Error).message}`);
      }
      parsed = pattern.pattern_data;
    } else {
      return bad('pattern_data must be JSON text or an object');
    }
    const embedding = pattern.embedding ?? (parsed as { embedding?: unknown } | null)?.embedding;
    if (embedding === undefined) bad('no embedding (neither `embedding` nor `pattern_data.embedding`)');
    const vector = this.#vector(embedding);
    const id = pattern.id === undefined || pattern.id === '' ? this.#newId() : pattern.id;
    if (typeof id !== 'string') bad('id must be a string');
    if (this.#statements.exists.get(id) !== undefined) bad(`a pattern with id '${id}' exists`);
    const now = this.#clock();
    let seq: number;
    try {
      const info = this.#statements.insert.run({
        id,
        type: pattern.type,
        domain: pattern.domain,
        embedding: Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength),
        pattern_data: data!,
        confidence: pattern.confidence,
        usage_count: pattern.usage_count ?? 0,
        success_count: pattern.success_count ?? 0,
        created_at: pattern.created_at ?? now,
        last_used: pattern.last_used ?? now,
      });
      seq = Number(info.lastInsertRowid);
    } catch (error) {
      throw new AgentDBError('STORAGE_ERROR', `insert failed: ${(error as Error).message}`);
    }
    // Indexed only after the row is committed: a failed insert leaves the index as it was.
    const domain = this.#domain(pattern.domain);
    domain.index.add(vector);
    domain.seqs.push(seq);
    return id;
  }

  /**
   * Stores one experience (state, strategy, reward, logging propensity) as an `experience`
   * pattern embedded with `embedTaskState`, in the seed's `pattern_data` layout. Needs
   * `enableLearning`.
   */
  insertExperience(experience: ExperienceInput): string {
    this.#open();
    if (!this.#learning) throw new AgentDBError('LEARNING_DISABLED', 'insertExperience needs enableLearning');
    if (experience === null || typeof experience !== 'object') throw new AgentDBError('INVALID_PATTERN', 'experience must be an object');
    const { state, strategy, reward, propensity } = experience;
    if (typeof strategy !== 'string' || strategy.length === 0) throw new AgentDBError('INVALID_PATTERN', 'strategy must be a non-empty string');
    if (typeof reward !== 'number' || !(reward >= 0 && reward <= 1)) throw new AgentDBError('INVALID_PATTERN', 'reward must be in [0, 1]');
    if (propensity !== undefined && !(propensity > 0 && propensity <= 1)) {
      throw new AgentDBError('INVALID_PATTERN', 'propensity must be in (0, 1]');
    }
    const embedding = embedTaskState(state);
    return this.insertPattern({
      type: 'experience',
      domain: experience.domain ?? state.taskType,
      embedding,
      pattern_data: {
        pattern: { taskType: state.taskType, action: strategy, reward, ...(propensity === undefined ? {} : { propensity }) },
      },
      confidence: reward,
      usage_count: 1,
      success_count: reward >= 0.5 ? 1 : 0,
    });
  }

  /** A stored pattern by id, or null. */
  getPattern(id: string): StoredPattern | null {
    this.#open();
    return (this.#statements.byId.get(id) as StoredPattern | undefined) ?? null;
  }

  #row(seq: number): StoredPattern {
    const cached = this.#cache.get(seq);
    if (cached !== undefined) return cached;
    const row = this.#statements.bySeq.get(seq) as PatternRow;
    this.#cache.set(seq, row);
    return row;
  }

  /**
   * The `k` nearest stored patterns to `embedding` by cosine similarity (exact search), in one
   * domain or all; with `synthesizeContext`, a recommendation from the similar experiences among
   * them and the evidence it used (see `synthesizeContext`). Read-only.
   */
  retrieveWithReasoning(embedding: ArrayLike<number>, options: RetrieveOptions = {}): RetrievalResult {
    this.#open();
    const bad = (why: string): never => {
      throw new AgentDBError('INVALID_QUERY', why);
    };
    const k = options.k ?? 10;
    if (!Number.isInteger(k) || k < 1 || k > 1000) bad('k must be an integer in [1, 1000]');
    const minSimilarity = options.minSimilarity ?? -1;
    const evidenceSimilarity = options.evidenceSimilarity ?? 0.7;
    const minSupport = options.minSupport ?? 3;
    if (!Number.isFinite(minSimilarity) || !Number.isFinite(evidenceSimilarity)) bad('similarity thresholds must be finite');
    if (!Number.isInteger(minSupport) || minSupport < 1) bad('minSupport must be an integer >= 1');
    if (options.domain !== undefined && (typeof options.domain !== 'string' || options.domain.length === 0)) {
      bad('domain must be a non-empty string');
    }
    if (options.synthesizeContext === true && !this.#reasoning) {
      throw new AgentDBError('REASONING_DISABLED', 'synthesizeContext needs enableReasoning');
    }
    const query = this.#vector(embedding);
    const domains =
      options.domain === undefined
        ? [...this.#domains.values()]
        : this.#domains.has(options.domain)
          ? [this.#domains.get(options.domain)!]
          : [];
    const hits = domains
      .flatMap((d) => d.index.search(query, k).map((h) => ({ seq: d.seqs[h.slot]!, similarity: h.similarity })))
      .filter((h) => h.similarity >= minSimilarity)
      .sort((a, b) => b.similarity - a.similarity || b.seq - a.seq)
      .slice(0, k);
    const memories: RetrievedMemory[] = hits.map((h) => ({ ...this.#row(h.seq), similarity: h.similarity }));
    return {
      memories,
      context: options.synthesizeContext === true ? synthesizeContext(memories, evidenceSimilarity, minSupport) : null,
    };
  }

  /**
   * The seed's `train({ epochs, batchSize })`: trains a decision transformer, in a worker thread,
   * never on the caller's thread. On the stored experiences by default (one trajectory in
   * insertion order, of one domain or all; state features = the stored embeddings, actions = the
   * strategies seen, sorted by name); with `logs`, on an engine's logged decisions instead
   * (`logsFromExperiences`; features `engineContextFeatures`, actions the engine's strategies), the
   * model a `LearningEngine` can run (`DecisionTransformerAlgorithm`). With `saveAs`, the model is
   * kept under that name (`loadModel`) with its strategies, feature kind and held-out figures; the
   * last `heldOut` share of the steps is never trained on, and `trainedThrough` is the timestamp
   * of the last step that was. Resolves with the last epoch's training loss, the wall time, the
   * held-out figures and the model. Needs `enableLearning` and at least 10 steps.
   */
  async train(
    options: TrainDecisionTransformerOptions & {
      domain?: string;
      logs?: { logged: readonly EngineLogEntry[]; strategies: readonly string[] };
      saveAs?: string;
    } = {},
  ): Promise<{ loss: number; duration: number; heldOutLoss: number; heldOutAccuracy: number; majorityAccuracy: number; strategies: string[]; model: DecisionTransformerTrained; saved: StoredModel | null }> {
    this.#open();
    if (!this.#learning) throw new AgentDBError('LEARNING_DISABLED', 'train needs enableLearning');
    const { domain, logs, saveAs, ...trainOptions } = options;
    const { steps, strategies, timestamps } = logs === undefined ? this.#storedSteps(domain) : {
      steps: logs.logged.map((e) => ({ features: engineContextFeatures(e.context), action: e.arm, reward: e.reward })),
      strategies: [...logs.strategies],
      timestamps: logs.logged.map((e) => e.timestamp),
    };
    if (steps.length < 10) throw new AgentDBError('INVALID_EXPERIENCES', `train needs at least 10 ${logs === undefined ? 'stored experiences' : 'logged decisions'}, found ${steps.length}`);
    const started = this.#clock();
    const model = await trainDecisionTransformer([steps], { ...trainOptions, actions: Math.max(2, strategies.length) });
    const duration = this.#clock() - started;
    const saved =
      saveAs === undefined
        ? null
        : this.saveModel(saveAs, 'decision-transformer', model, {
            strategies,
            features: logs === undefined ? 'embedding' : 'engine-context',
            trainSteps: model.trainSteps,
            heldOutSteps: model.heldOutSteps,
            trainedThrough: timestamps[model.trainSteps - 1] ?? null,
            heldOutLoss: model.heldOutLoss,
            heldOutAccuracy: model.heldOutAccuracy,
            majorityAccuracy: model.majorityAccuracy,
            loss: model.lossByEpoch.at(-1) ?? null,
            duration,
          });
    return {
      loss: model.lossByEpoch.at(-1) ?? Number.NaN,
      duration,
      heldOutLoss: model.heldOutLoss,
      heldOutAccuracy: model.heldOutAccuracy,
      majorityAccuracy: model.majorityAccuracy,
      strategies,
      model,
      saved,
    };
  }

  /** The stored experiences as one trajectory (embedding features), their strategies sorted by name. */
  #storedSteps(domain: string | undefined): { steps: Array<{ features: number[]; action: number; reward: number }>; strategies: string[]; timestamps: number[] } {
    const rows = this.#db
      .prepare(
        `SELECT embedding, pattern_data, created_at FROM agentdb_patterns WHERE type = 'experience'${domain === undefined ? '' : ' AND domain = ?'} ORDER BY seq`,
      )
      .all(...(domain === undefined ? [] : [domain])) as Array<{ embedding: Buffer; pattern_data: string; created_at: number }>;
    const read = rows.flatMap((r) => {
      const exp = readExperience(r.pattern_data);
      if (exp === null || !(exp.reward >= 0 && exp.reward <= 1)) return [];
      return [{ features: Array.from(blobToVector(r.embedding)), strategy: exp.strategy, reward: exp.reward, at: r.created_at }];
    });
    const strategies = [...new Set(read.map((s) => s.strategy))].sort();
    return {
      steps: read.map((s) => ({ features: s.features, action: strategies.indexOf(s.strategy), reward: s.reward })),
      strategies,
      timestamps: read.map((s) => s.at),
    };
  }

  /** Publishes (replaces) one member's model statistics in a federation. Needs `enableLearning`. */
  publishModel(federation: string, member: string, model: unknown): void {
    this.#open();
    if (!this.#learning) throw new AgentDBError('LEARNING_DISABLED', 'publishModel needs enableLearning');
    this.#models.publish(federation, member, model);
  }

  /** Every member's latest model statistics in a federation, by member name. */
  readModels(federation: string): FederatedModel[] {
    this.#open();
    return this.#models.members(federation);
  }

  /**
   * Keeps a trained model under `name` (replacing an earlier one; `version` counts saves), e.g. an
   * agent's decision transformer, so another process can run it. Durable when it returns.
   */
  saveModel(name: string, kind: string, model: unknown, info: Record<string, unknown> = {}): StoredModel {
    this.#open();
    if (!this.#learning) throw new AgentDBError('LEARNING_DISABLED', 'saveModel needs enableLearning');
    return this.#models.save(name, kind, model, info);
  }

  /** The model saved under `name`, or null. */
  loadModel(name: string): StoredModel | null {
    this.#open();
    return this.#models.load(name);
  }

  /** Counts per domain, the dimension and the row cache's counters. */
  stats(): AgentDBStats {
    this.#open();
    const domains: Record<string, number> = {};
    let patterns = 0;
    for (const [name, d] of this.#domains) {
      domains[name] = d.index.size;
      patterns += d.index.size;
    }
    return {
      patterns,
      domains,
      dimension: this.dimension,
      cache: { size: this.#cache.size, capacity: this.#cache.capacity, ...this.#cache.counters() },
    };
  }

  /** Closes the file (idempotent). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }
}

/** Opens (creating when absent) an AgentDB store: the seed's `createAgentDBAdapter`. */
export function createAgentDBAdapter(options: AgentDBAdapterOptions): AgentDBAdapter {
  return new AgentDBAdapter(options);
}
