import type { LearningEngine, SharedStatistics } from '@qe-fleet/learning-core';
import type { Logger, SwarmMemoryManager } from '@qe-fleet/memory';

/** Where agents publish their sufficient statistics for their swarm: `{prefix}{agentId}`. */
export const SHARED_STATISTICS_PREFIX = 'phase2/learning/shared/statistics/';
/** Seconds a published export stays readable (a peer that stops publishing fades out). */
export const SHARED_STATISTICS_TTL_S = 7 * 24 * 3600;

/** Who reads and writes the shared entries (the memory's access check). */
export interface ExchangeCaller {
  agentId: string;
  swarmId?: string;
  teamId?: string;
}

/**
 * Pooling through sufficient statistics (issue 13): an agent publishes its OWN evidence
 * (`LearningEngine.exportStatistics`: per state × strategy the discounted trials, reward sum and
 * sum of squares, stamped with the export time) and imports its peers' with
 * `importStatistics`, which weighs each by its age (half per day), caps it by the agent's own
 * recent evidence and drops it where the agent's own mean contradicts it. Unlike shared
 * patterns (only the confident ones, counted as up to 50 pseudo-trials, never aged), every
 * strategy's evidence is shared, bad ones included, and never counted twice.
 */
export class StatisticsExchange {
  readonly #memory: SwarmMemoryManager;
  readonly #engine: LearningEngine;
  readonly #caller: ExchangeCaller;
  readonly #logger: Logger | undefined;
  /** Source → `exportedAt` of the export last imported from it (an unchanged export is not re-imported). */
  readonly #imported = new Map<string, number>();

  constructor(memory: SwarmMemoryManager, engine: LearningEngine, caller: ExchangeCaller, logger?: Logger) {
    this.#memory = memory;
    this.#engine = engine;
    this.#caller = caller;
    this.#logger = logger;
  }

  /** Publishes the agent's own statistics, swarm-readable; false when it has no evidence to share. */
  publish(): boolean {
    const stats = this.#engine.exportStatistics();
    if (Object.keys(stats.rows).length === 0) return false;
    this.#memory.store(`${SHARED_STATISTICS_PREFIX}${this.#caller.agentId}`, stats, {
      partition: 'learning',
      ttl: SHARED_STATISTICS_TTL_S,
      accessLevel: 'swarm',
      ...this.#caller,
    });
    return true;
  }

  /** Imports every peer's newer export the caller may read; returns how many were taken. */
  importPeers(): number {
    const entries = this.#memory.query<SharedStatistics>(`${SHARED_STATISTICS_PREFIX}%`, { partition: 'learning', ...this.#caller });
    let taken = 0;
    for (const entry of entries) {
      if (entry.owner === this.#caller.agentId) continue;
      const source = (entry.value as { source?: unknown } | null)?.source;
      const exportedAt = (entry.value as { exportedAt?: unknown } | null)?.exportedAt;
      if (typeof source === 'string' && this.#imported.get(source) === exportedAt) continue;
      try {
        if (this.#engine.importStatistics(entry.value)) {
          taken++;
          this.#imported.set(entry.value.source, entry.value.exportedAt);
        }
      } catch (error) {
        // One malformed export from a peer must not stop the import of the others.
        this.#logger?.warn(`${this.#caller.agentId} skipped shared statistics ${entry.key}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return taken;
  }
}
