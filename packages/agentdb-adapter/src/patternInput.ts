import { AgentDBError } from './AgentDBError.js';
import type { PatternInput } from './types.js';

/**
 * A validated unit-length copy of an embedding of `dimension` finite numbers, so that similarity
 * is the cosine; anything else is INVALID_EMBEDDING.
 */
export function unitVector(embedding: unknown, dimension: number): Float32Array {
  if (embedding === null || typeof embedding !== 'object' || typeof (embedding as ArrayLike<number>).length !== 'number') {
    throw new AgentDBError('INVALID_EMBEDDING', 'embedding must be an array of numbers');
  }
  const source = embedding as ArrayLike<unknown>;
  if (source.length !== dimension) {
    throw new AgentDBError('INVALID_EMBEDDING', `embedding has ${source.length} numbers, this store holds ${dimension}`);
  }
  const v = new Float32Array(dimension);
  let sum = 0;
  for (let i = 0; i < dimension; i++) {
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

/**
 * Checks an `insertPattern` argument field by field (INVALID_PATTERN naming the field) and returns
 * its `pattern_data` as JSON text with the embedding it carries: `embedding`, else the seed
 * layout's `pattern_data.embedding` (not yet validated as a vector).
 */
export function readPatternInput(pattern: PatternInput): { data: string; embedding: unknown } {
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
  if (pattern.id !== undefined && typeof pattern.id !== 'string') bad('id must be a string');
  let data: string;
  let parsed: unknown;
  if (typeof pattern.pattern_data === 'string') {
    data = pattern.pattern_data;
    try {
      parsed = JSON.parse(data);
    } catch {
      return bad('pattern_data must be JSON text');
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
  return { data, embedding };
}
