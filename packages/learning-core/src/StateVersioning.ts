import type { Clock, SwarmMemoryManager } from '@qe-fleet/memory';
import { checkFinite, checkName, checkOptions, show } from './inputChecks.js';
import { LearningError } from './LearningError.js';
import { TimeOrderedIds } from './TimeOrderedIds.js';
import type { LearningModelState } from './types.js';

/** What versioning needs from the engine (a `LearningEngine` fits). */
export interface VersionedEngine {
  getState(): LearningModelState;
  loadState(state: LearningModelState): void;
}

/** Facts kept next to a saved version (in the entry's metadata). */
export interface VersionInfo {
  version: string;
  savedAt: number;
  /** Whether performance was fine when it was saved (null: not said). */
  healthy: boolean | null;
  /** Improvement rate (percent) at save time, when known. */
  improvementRate: number | null;
}

/** Options of `saveVersionedState`. */
export interface SaveVersionOptions {
  healthy?: boolean;
  improvementRate?: number;
}

/** Constructor options of `StateVersioning`. */
export interface StateVersioningOptions {
  clock?: Clock;
  /** Versions kept; older ones are deleted when a new one is saved. Default 10. */
  keep?: number;
}

/** Default number of versions kept. */
export const DEFAULT_VERSIONS_KEPT = 10;

/**
 * Versioned copies of the learning state (seed 10.2) at `phase2/learning/{agentId}/versions/{v}`.
 * Version ids are `v{ms}-{seq}`: they never collide (several per millisecond, restarts) and sort
 * in time order as strings. The list of versions is read from storage once and then kept in
 * memory (a version holds a whole state, so re-reading them all at every save would be costly):
 * one StateVersioning per agent writes its versions, as one engine owns its state.
 */
export class StateVersioning {
  readonly #agentId: string;
  readonly #memory: SwarmMemoryManager;
  readonly #engine: VersionedEngine;
  readonly #ids: TimeOrderedIds;
  readonly #keep: number;
  /** Stored versions, oldest first; null until first read. */
  #index: VersionInfo[] | null = null;

  constructor(agentId: string, memory: SwarmMemoryManager, engine: VersionedEngine, options: StateVersioningOptions = {}) {
    const keep = options.keep ?? DEFAULT_VERSIONS_KEPT;
    if (!Number.isInteger(keep) || keep < 1) throw new LearningError('INVALID_CONFIG', `keep must be a positive integer, got ${keep}`);
    this.#agentId = agentId;
    this.#memory = memory;
    this.#engine = engine;
    this.#keep = keep;
    this.#ids = new TimeOrderedIds(options.clock ?? Date.now);
  }

  /**
   * Saves `state` (default: the engine's current state) as a new version, deletes versions beyond
   * the newest `keep`, all in one transaction; returns the version id.
   */
  saveVersionedState(state?: LearningModelState, options: SaveVersionOptions = {}): string {
    if (state !== undefined && (state === null || typeof state !== 'object' || Array.isArray(state))) {
      throw new LearningError('INVALID_STATE', `state must be a learning state object, got ${show(state)}`);
    }
    checkOptions(options, 'options');
    if (options.healthy !== undefined && typeof options.healthy !== 'boolean') throw new LearningError('INVALID_CONFIG', `healthy must be a boolean, got ${show(options.healthy)}`);
    if (options.improvementRate !== undefined) checkFinite(options.improvementRate, 'improvementRate', 'INVALID_CONFIG');
    const index = this.#versions();
    const version = `v${this.#ids.next()}`;
    const value = state ?? this.#engine.getState();
    const metadata: Record<string, unknown> = {};
    if (options.healthy !== undefined) metadata['healthy'] = options.healthy;
    if (options.improvementRate !== undefined) metadata['improvementRate'] = options.improvementRate;
    const pruned = index.slice(0, Math.max(0, index.length + 1 - this.#keep));
    this.#memory.transaction(() => {
      this.#memory.store(this.#key(version), value, { partition: 'learning', ttl: 0, metadata });
      for (const old of pruned) this.#memory.delete(this.#key(old.version), { partition: 'learning' });
    });
    index.splice(0, pruned.length);
    index.push({
      version,
      savedAt: TimeOrderedIds.parse(version.slice(1))!.ms,
      healthy: options.healthy ?? null,
      improvementRate: options.improvementRate ?? null,
    });
    return version;
  }

  /** Stored version ids, oldest first. */
  listVersions(): string[] {
    return this.#versions().map((info) => info.version);
  }

  /** Stored versions with their metadata, oldest first. */
  listVersionInfo(): VersionInfo[] {
    return this.#versions().map((info) => ({ ...info }));
  }

  /** The newest version saved while performance was fine, or null. */
  latestHealthyVersion(): string | null {
    return this.latestHealthyVersionInfo()?.version ?? null;
  }

  /** `latestHealthyVersion` with its metadata (when it was saved), or null. */
  latestHealthyVersionInfo(): VersionInfo | null {
    const info = this.#versions().findLast((v) => v.healthy === true);
    return info === undefined ? null : { ...info };
  }

  /** Rolls back to the newest healthy version that is really stored; returns it, or null if none. */
  rollbackToLatestHealthy(): string | null {
    for (;;) {
      const version = this.latestHealthyVersion();
      if (version === null) return null;
      try {
        this.rollbackToVersion(version);
        return version;
      } catch (error) {
        if (!(error instanceof LearningError && error.code === 'VERSION_NOT_FOUND')) throw error;
        // The list was re-read from storage: try the next one.
      }
    }
  }

  #versions(): VersionInfo[] {
    if (this.#index) return this.#index;
    const prefix = this.#key('');
    this.#index = this.#memory
      .query(`${prefix}%`, { partition: 'learning' })
      .filter((entry) => entry.key.startsWith(prefix))
      .map((entry) => {
        const version = entry.key.slice(prefix.length);
        const meta = entry.metadata ?? {};
        return {
          version,
          savedAt: TimeOrderedIds.parse(version.slice(1))?.ms ?? entry.createdAt,
          healthy: typeof meta['healthy'] === 'boolean' ? meta['healthy'] : null,
          improvementRate: typeof meta['improvementRate'] === 'number' ? meta['improvementRate'] : null,
        };
      })
      .sort((a, b) => (a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
    const last = this.#index.at(-1);
    if (last) this.#ids.resume(last.version.slice(1));
    return this.#index;
  }

  /**
   * Loads `version` into the engine and stores it as the current state, in one transaction.
   * Unknown version → `LearningError('VERSION_NOT_FOUND')` and nothing changes.
   */
  rollbackToVersion(version: string): LearningModelState {
    checkName(version, 'version', 'VERSION_NOT_FOUND');
    const state = this.#memory.retrieve(this.#key(version), { partition: 'learning' }) as LearningModelState | null;
    if (!state) {
      // The list may name a version whose save was rolled back with its caller's transaction.
      this.#index = null;
      throw new LearningError('VERSION_NOT_FOUND', `Version not found: ${version}`);
    }
    this.#memory.transaction(() => {
      this.#memory.store(`phase2/learning/${this.#agentId}/state`, state, { partition: 'learning', ttl: 0 });
      // Inside the transaction: if the engine rejects the state, the store above is undone.
      this.#engine.loadState(state);
    });
    return state;
  }

  #key(version: string): string {
    return `phase2/learning/${this.#agentId}/versions/${version}`;
  }
}
