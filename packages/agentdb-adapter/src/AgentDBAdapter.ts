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
import { PATTERN_SCHEMA, PatternTable } from './PatternTable.js';
import { readPatternInput, unitVector } from './patternInput.js';
import { synthesizeContext } from './synthesize.js';
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

/** One domain's vectors and, slot by slot, the `seq` of their rows. */
interface Domain {
  index: VectorIndex;
  seqs: number[];
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
  readonly #patterns: PatternTable;
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
      this.#db.exec(PATTERN_SCHEMA + MODEL_SCHEMA);
      this.#patterns = new PatternTable(this.#db);
      this.dimension = this.#patterns.checkMeta(this.path, dimension);
    } catch (error) {
      this.#db.close();
      if (error instanceof AgentDBError) throw error;
      throw new AgentDBError('STORAGE_ERROR', `cannot prepare ${options.dbPath}: ${(error as Error).message}`);
    }
    this.#models = new ModelTables(this.#db, this.#clock);
    this.#loadIndex();
  }

  #loadIndex(): void {
    let count = 0;
    for (const row of this.#patterns.embeddings()) {
      const domain = this.#domain(row.domain);
      domain.seqs.push(row.seq);
      domain.index.add(row.vector);
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
    const { data, embedding } = readPatternInput(pattern);
    const vector = unitVector(embedding, this.dimension);
    const id = pattern.id === undefined || pattern.id === '' ? this.#newId() : pattern.id;
    if (this.#patterns.has(id)) throw new AgentDBError('INVALID_PATTERN', `a pattern with id '${id}' exists`);
    const now = this.#clock();
    const seq = this.#patterns.insert({
      id,
      type: pattern.type,
      domain: pattern.domain,
      embedding: vector,
      pattern_data: data,
      confidence: pattern.confidence,
      usage_count: pattern.usage_count ?? 0,
      success_count: pattern.success_count ?? 0,
      created_at: pattern.created_at ?? now,
      last_used: pattern.last_used ?? now,
    });
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
    return this.#patterns.byId(id);
  }

  #row(seq: number): StoredPattern {
    const cached = this.#cache.get(seq);
    if (cached !== undefined) return cached;
    const row = this.#patterns.bySeq(seq);
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
    const query = unitVector(embedding, this.dimension);
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
    const read = this.#patterns.experiences(domain);
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
