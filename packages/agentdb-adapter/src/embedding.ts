import type { TaskState } from '@qe-fleet/learning-core';
import { AgentDBError } from './AgentDBError.js';

/** Numeric features at the start of every embedding (see `embedTaskState`). */
export const NUMERIC_FEATURES = 5;
/** Hash buckets of the task-type one-hot block. */
export const TYPE_BUCKETS = 16;
/** Hash buckets of the capability-token block. */
export const CAPABILITY_BUCKETS = 32;
/** Hash buckets of the context-token block. */
export const CONTEXT_BUCKETS = 32;
/** Length of every embedding `embedTaskState` makes: 5 + 16 + 32 + 32 = 85. */
export const EMBEDDING_DIMENSION = NUMERIC_FEATURES + TYPE_BUCKETS + CAPABILITY_BUCKETS + CONTEXT_BUCKETS;

/** Relative weight of each block before the whole vector is scaled to unit length. */
export interface EmbeddingWeights {
  /** Numeric features (complexity, capabilities, attempts, time limit, resources). Default 1. */
  numeric?: number;
  /** Task type: 2 by default, so two states of different types are never close neighbours. */
  taskType?: number;
  /** Capability tokens. Default 1. */
  capabilities?: number;
  /** Context tokens. Default 0.5: context keys are free-form and less reliable. */
  context?: number;
}

const clamp01 = (x: number): number => (x > 0 ? (x < 1 ? x : 1) : 0);

/** FNV-1a, 32 bit: stable across processes and versions, so stored embeddings stay comparable. */
export function hashToken(token: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < token.length; i++) {
    h ^= token.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Context tokens: `key=value` for strings and booleans, `key~b` (a log2 bucket) for numbers. */
function contextTokens(context: Record<string, unknown>): string[] {
  const tokens: string[] = [];
  for (const key of Object.keys(context).sort()) {
    // complexity is already the first numeric feature.
    if (key === 'complexity') continue;
    const value = context[key];
    if (typeof value === 'string') tokens.push(`${key}=${value}`);
    else if (typeof value === 'boolean') tokens.push(`${key}=${String(value)}`);
    else if (typeof value === 'number' && Number.isFinite(value)) {
      tokens.push(`${key}~${Math.sign(value) * Math.floor(Math.log2(Math.abs(value) + 1))}`);
    }
  }
  return tokens;
}

/**
 * The embedding of a task state: an explicit, documented feature vector, not a learned one.
 *
 * - [0, 5): complexity (0..1), capability count / 8, previous attempts / 3, time limit as
 *   log10(ms) / 6 (0 without one), free resources (0..1); each clamped to [0, 1].
 * - [5, 21): the task type, one-hot over 16 hash buckets (FNV-1a of the type name).
 * - [21, 53): capabilities, each token hashed into one of 32 buckets (bag of words).
 * - [53, 85): context entries, `key=value` (strings, booleans) or `key~log2 bucket` (numbers),
 *   hashed into 32 buckets.
 *
 * Token blocks are divided by sqrt(tokens) so a long list does not outweigh the rest; then the
 * blocks are weighted (`weights`) and the whole vector is scaled to unit length, so the dot product
 * of two embeddings is their cosine similarity, in [0, 1] (every entry is >= 0). Hash collisions
 * make two distinct tokens look alike; with 16-32 buckets that is rare for the handful of task
 * types and capabilities an agent sees, and never makes different inputs produce NaN.
 */
export function embedTaskState(state: TaskState, weights: EmbeddingWeights = {}): Float32Array {
  if (state === null || typeof state !== 'object' || typeof state.taskType !== 'string' || state.taskType.length === 0) {
    throw new AgentDBError('INVALID_EMBEDDING', 'embedTaskState needs a TaskState with a non-empty taskType');
  }
  const w = { numeric: 1, taskType: 2, capabilities: 1, context: 0.5, ...weights };
  const v = new Float32Array(EMBEDDING_DIMENSION);
  const capabilities = Array.isArray(state.requiredCapabilities) ? state.requiredCapabilities : [];
  const finite = (x: unknown): number => (typeof x === 'number' && Number.isFinite(x) ? x : 0);
  v[0] = w.numeric * clamp01(finite(state.taskComplexity));
  v[1] = w.numeric * clamp01(capabilities.length / 8);
  v[2] = w.numeric * clamp01(finite(state.previousAttempts) / 3);
  const limit = finite(state.timeConstraint);
  v[3] = w.numeric * (limit > 0 ? clamp01(Math.log10(limit) / 6) : 0);
  v[4] = w.numeric * clamp01(finite(state.availableResources));
  v[NUMERIC_FEATURES + (hashToken(state.taskType) % TYPE_BUCKETS)] = w.taskType;
  const addTokens = (tokens: readonly string[], offset: number, buckets: number, weight: number): void => {
    if (tokens.length === 0) return;
    const each = weight / Math.sqrt(tokens.length);
    for (const token of tokens) v[offset + (hashToken(token) % buckets)]! += each;
  };
  addTokens(
    capabilities.filter((c): c is string => typeof c === 'string'),
    NUMERIC_FEATURES + TYPE_BUCKETS,
    CAPABILITY_BUCKETS,
    w.capabilities,
  );
  const context = state.contextFeatures !== null && typeof state.contextFeatures === 'object' ? state.contextFeatures : {};
  addTokens(contextTokens(context), NUMERIC_FEATURES + TYPE_BUCKETS + CAPABILITY_BUCKETS, CONTEXT_BUCKETS, w.context);
  return normalise(v);
}

/** Scales `v` to unit length in place (a zero vector stays zero). */
export function normalise(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!;
  if (sum > 0) {
    const scale = 1 / Math.sqrt(sum);
    for (let i = 0; i < v.length; i++) v[i] = v[i]! * scale;
  }
  return v;
}
