import type { SwarmMemoryManager } from '@qe-fleet/memory';
import { AgentDBError } from './AgentDBError.js';
import type { FederatedModel, FederatedStore } from './types.js';

/** Options of `MemoryFederatedStore`. */
export interface MemoryFederatedStoreOptions {
  /** Partition of the memory database the rows live in. Default `agentdb`. */
  partition?: string;
  clock?: () => number;
}

interface Row {
  member: string;
  model: unknown;
  round: number;
  updatedAt: number;
}

const PREFIX = 'agentdb/federation/';

/**
 * A `FederatedStore` in the memory package's database (one key-value row per federation member,
 * `agentdb/federation/<federation>/<member>`), so the engines of one fleet database (its agents,
 * and its runs one after another) exchange their statistics without an AgentDB file, and a fleet on
 * another machine joins through `qe-fleet memory export` / `import` of those rows. Each write is
 * the memory package's own transaction (as durable as the engine's learning).
 */
export class MemoryFederatedStore implements FederatedStore {
  readonly #memory: SwarmMemoryManager;
  readonly #partition: string;
  readonly #clock: () => number;

  constructor(memory: SwarmMemoryManager, options: MemoryFederatedStoreOptions = {}) {
    this.#memory = memory;
    this.#partition = options.partition ?? 'agentdb';
    this.#clock = options.clock ?? Date.now;
  }

  #key(federation: string, member: string): string {
    if (typeof federation !== 'string' || federation.length === 0 || typeof member !== 'string' || member.length === 0) {
      throw new AgentDBError('INVALID_PATTERN', 'federation and member must be non-empty strings');
    }
    return `${PREFIX}${encodeURIComponent(federation)}/${encodeURIComponent(member)}`;
  }

  publishModel(federation: string, member: string, model: unknown): void {
    const key = this.#key(federation, member);
    if (model === undefined) throw new AgentDBError('INVALID_PATTERN', 'model must be a JSON value');
    const before = this.#memory.retrieve<Row>(key, { partition: this.#partition });
    const row: Row = { member, model, round: (before?.round ?? 0) + 1, updatedAt: this.#clock() };
    this.#memory.store(key, row, { partition: this.#partition });
  }

  readModels(federation: string): FederatedModel[] {
    const prefix = `${PREFIX}${encodeURIComponent(federation)}/`;
    // `%` is encoded by encodeURIComponent, so only the trailing one is a wildcard; `_` may match any character, hence the prefix check.
    return this.#memory
      .query<Row>(`${prefix}%`, { partition: this.#partition })
      .filter((e) => e.key.startsWith(prefix) && !e.key.slice(prefix.length).includes('/'))
      .map((e) => ({ member: e.value.member, model: e.value.model, round: e.value.round, updatedAt: e.value.updatedAt }))
      .sort((a, b) => (a.member < b.member ? -1 : a.member > b.member ? 1 : 0));
  }
}
