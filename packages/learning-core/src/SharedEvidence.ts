import { LearningError } from './LearningError.js';
import { parseStateKey, TYPE_STRIDE } from './taskState.js';
import type { SharedStatistics } from './types.js';

/** Imported evidence loses half its weight per day of age at import (a peer that went quiet fades). */
export const IMPORT_HALF_LIFE_MS = 24 * 3600_000;

/** One peer's statistics as held by the importer, with the weight its age gave it. */
export interface StoredImport {
  stats: SharedStatistics;
  /** 2^(−age / half-life) at import. */
  weight: number;
}

const bad = (why: string): never => {
  throw new LearningError('INVALID_STATISTICS', `bad shared statistics: ${why}`);
};

/** Checks a peer's export; throws `LearningError('INVALID_STATISTICS')` naming what is wrong. */
export function validateStatistics(stats: SharedStatistics): SharedStatistics {
  if (stats === null || typeof stats !== 'object' || stats.version !== 1) bad('version must be 1');
  if (typeof stats.source !== 'string' || stats.source.length === 0) bad('source must be a non-empty string');
  if (!Number.isFinite(stats.exportedAt)) bad('exportedAt must be a time in ms');
  if (stats.rows === null || typeof stats.rows !== 'object') bad('rows must be an object');
  for (const [key, arms] of Object.entries(stats.rows)) {
    if (parseStateKey(key) === null) bad(`row key ${key} is not a state key`);
    if (arms === null || typeof arms !== 'object') bad(`row ${key} must map strategies to statistics`);
    for (const [strategy, entry] of Object.entries(arms)) {
      const ok =
        Array.isArray(entry) &&
        (entry.length === 2 || entry.length === 3) &&
        entry.every((x) => typeof x === 'number' && Number.isFinite(x) && x >= 0) &&
        entry[1]! <= entry[0]! + 1e-6;
      if (!ok) bad(`row ${key} strategy ${strategy}: want [trials, sum] or [trials, sum, squares], finite, >= 0, sum <= trials`);
    }
  }
  return stats;
}

/**
 * Sums what every peer shared about one task type into rows the algorithm takes
 * (`LearningAlgorithm.setImported`), each peer weighted by its age at import. `typeIndex` maps a
 * task type to its index in the engine's row codes; strategies the engine does not know are skipped.
 */
export function aggregateImports(
  imports: Iterable<StoredImport>,
  arms: ReadonlyMap<string, number>,
  typeIndex: (taskType: string) => number,
): Map<number, { rows: Map<number, Float64Array>; squares: Float64Array }> {
  const byType = new Map<number, { rows: Map<number, Float64Array>; squares: Float64Array }>();
  for (const { stats, weight } of imports) {
    for (const [key, entries] of Object.entries(stats.rows)) {
      const parsed = parseStateKey(key)!;
      const typeCode = typeIndex(parsed.taskType) * TYPE_STRIDE;
      let type = byType.get(typeCode);
      if (type === undefined) byType.set(typeCode, (type = { rows: new Map(), squares: new Float64Array(arms.size) }));
      const code = typeCode + parsed.code;
      let row = type.rows.get(code);
      if (row === undefined) type.rows.set(code, (row = new Float64Array(arms.size * 2)));
      for (const [strategy, entry] of Object.entries(entries)) {
        const arm = arms.get(strategy);
        if (arm === undefined) continue;
        row[2 * arm] = row[2 * arm]! + weight * entry[0];
        row[2 * arm + 1] = row[2 * arm + 1]! + weight * entry[1];
        if (entry.length === 3) type.squares[arm] = type.squares[arm]! + weight * entry[2]!;
      }
    }
  }
  return byType;
}
