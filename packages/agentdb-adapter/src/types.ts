/**
 * Public types of @qe-fleet/agentdb-adapter. Field names of stored patterns keep the seed's
 * snake_case (section 9.1) so code written against the seed reads them unchanged.
 */
import type { Logger } from '@qe-fleet/memory';
import type { RandomSource, TaskState } from '@qe-fleet/learning-core';

/** Options of `createAgentDBAdapter` (seed 9.1 names plus what it left implicit). */
export interface AgentDBAdapterOptions {
  /** SQLite file (parent folders are created) or `':memory:'`. */
  dbPath: string;
  /** Allows writing learning data: `insertExperience` and `publishModel`. Default true. */
  enableLearning?: boolean;
  /** Allows `synthesizeContext` in `retrieveWithReasoning`. Default true. */
  enableReasoning?: boolean;
  /** Decoded pattern rows kept in memory (LRU) for retrieval; 0 disables the cache. Default 1000. */
  cacheSize?: number;
  /** Length of every embedding; fixed when the file is created. Default `EMBEDDING_DIMENSION` (85). */
  dimension?: number;
  /** SQLite `synchronous`: NORMAL (the memory package's default, WAL) or FULL. Default NORMAL. */
  synchronous?: 'NORMAL' | 'FULL';
  /** Milliseconds since the epoch. Default `Date.now`. */
  clock?: () => number;
  /** For generated ids. Default `Math.random`. */
  random?: RandomSource;
  logger?: Logger;
}

/** A pattern to store (seed `insertPattern` argument). */
export interface PatternInput {
  /** Empty or absent: a new id is generated. Must not exist yet. */
  id?: string;
  /** What the pattern is, e.g. `experience`. */
  type: string;
  /** The partition searched by `retrieveWithReasoning({ domain })`, e.g. a task type. */
  domain: string;
  /**
   * Its vector. When absent, `pattern_data` must be JSON with an `embedding` array (the seed's
   * layout). Scaled to unit length before it is stored, so similarity is the cosine.
   */
  embedding?: ArrayLike<number>;
  /** JSON text or a JSON-serialisable value (stored as JSON text). */
  pattern_data: string | Record<string, unknown>;
  /** 0..1. */
  confidence: number;
  usage_count?: number;
  success_count?: number;
  created_at?: number;
  last_used?: number;
}

/** A stored pattern as read back. */
export interface StoredPattern {
  id: string;
  type: string;
  domain: string;
  pattern_data: string;
  confidence: number;
  usage_count: number;
  success_count: number;
  created_at: number;
  last_used: number;
}

/** A neighbour found by `retrieveWithReasoning`. */
export interface RetrievedMemory extends StoredPattern {
  /** Cosine similarity to the query, in [-1, 1] ([0, 1] for `embedTaskState` vectors). */
  similarity: number;
}

/** Options of `retrieveWithReasoning`. */
export interface RetrieveOptions {
  /** Only this domain; absent: every domain. */
  domain?: string;
  /** Neighbours to return (1..1000). Default 10. */
  k?: number;
  /** Also synthesise a recommendation from the neighbours. Default false. */
  synthesizeContext?: boolean;
  /** Neighbours below this similarity are not returned. Default -1 (none dropped). */
  minSimilarity?: number;
  /** Neighbours below this similarity are not used as evidence. Default 0.7 (the seed's cut). */
  evidenceSimilarity?: number;
  /** Experiences a strategy needs among the evidence to be recommended. Default 3. */
  minSupport?: number;
}

/** One neighbour used as evidence. */
export interface Evidence {
  id: string;
  strategy: string;
  reward: number;
  similarity: number;
}

/** What the evidence says about one strategy. */
export interface StrategyEvidence {
  strategy: string;
  /** Similarity-weighted mean reward. */
  meanReward: number;
  /** Experiences of this strategy among the evidence. */
  support: number;
  /** Kish effective sample size of the similarity weights. */
  effectiveSupport: number;
  /** Standard error of `meanReward` (weighted sd / sqrt(effective support)). */
  standardError: number;
}

/** The recommendation synthesised from the neighbours. */
export interface SynthesizedContext {
  /** Null when no strategy reaches `minSupport` among the evidence. */
  recommendation: {
    strategy: string;
    expectedReward: number;
    /** P(it beats the runner-up) under a normal approximation; null without a runner-up. */
    confidence: number | null;
  } | null;
  /** Per strategy, best first. */
  strategies: StrategyEvidence[];
  /** The neighbours used (similar enough, and experiences with a strategy and a reward). */
  evidence: Evidence[];
  reasoning: string;
}

/** What `retrieveWithReasoning` returns. */
export interface RetrievalResult {
  memories: RetrievedMemory[];
  /** Present only with `synthesizeContext`. */
  context: SynthesizedContext | null;
}

/** An experience to store with `insertExperience`. */
export interface ExperienceInput {
  state: TaskState;
  strategy: string;
  /** 0..1 (learning-core's reward). */
  reward: number;
  /** Probability with which the logging policy chose `strategy` (0, 1]; needed by off-policy evaluation. */
  propensity?: number;
  /** Default the state's task type. */
  domain?: string;
}

/** A row of a federation: one member's published model statistics. */
export interface FederatedModel {
  member: string;
  model: unknown;
  round: number;
  updatedAt: number;
}

/** A named trained model kept in an AgentDB file (`saveModel` / `loadModel`). */
export interface StoredModel {
  name: string;
  /** What the model is, e.g. `decision-transformer`. */
  kind: string;
  model: unknown;
  /** What it was trained on and how well it did (strategies, steps, held-out figures). */
  info: Record<string, unknown>;
  /** Saves under this name so far (1 for the first). */
  version: number;
  createdAt: number;
}

/** Where federated learners exchange model statistics (never raw experiences). */
export interface FederatedStore {
  publishModel(federation: string, member: string, model: unknown): void;
  readModels(federation: string): FederatedModel[];
}

/** Counts of the store. */
export interface AgentDBStats {
  patterns: number;
  domains: Record<string, number>;
  dimension: number;
  cache: { size: number; capacity: number; hits: number; misses: number };
}
