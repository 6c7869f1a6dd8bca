import type { AgentOutput } from '@qe-fleet/agents/host';
import type { ExecutedTaskResult } from '@qe-fleet/facade';
import type { SwarmMemoryManager } from '@qe-fleet/memory';

/** Where reusable results live: `memory_entries`, partition `run-cache`, one key per agent. */
export const RESULT_CACHE_PARTITION = 'run-cache';
const KEY_PREFIX = 'qe-fleet/run-cache/';
/**
 * A reused result is at most a day old (seconds): what an agent checks against can change with no
 * file changing (advisory databases, the registry's audit), so a daily run sees it.
 */
export const RESULT_CACHE_TTL_S = 86_400;

/** The last successful result of an agent on a target (the key names both), and the hash of its inputs. */
interface CachedResult {
  inputsHash: string;
  result: ExecutedTaskResult<AgentOutput>;
}

/**
 * Results of agents' last successful runs, reused when nothing they could read has changed (the
 * same target, the same `hashTargetInputs`): an unchanged re-run prints the same findings without
 * running the tools again, like ESLint's `--cache`. One entry per agent and target, so a run on
 * another project does not evict this one's. A reused result is not a learning experience.
 */
export class ResultCache {
  readonly #memory: SwarmMemoryManager;

  constructor(memory: SwarmMemoryManager) {
    this.#memory = memory;
  }

  static #key(agentId: string, target: string): string {
    return `${KEY_PREFIX}${agentId}:${target}`;
  }

  /**
   * The stored result when it was produced on the same inputs (and, when `strategy` is forced,
   * by that strategy); otherwise undefined.
   */
  get(agentId: string, target: string, inputsHash: string, strategy?: string): ExecutedTaskResult<AgentOutput> | undefined {
    const cached = this.#memory.retrieve<CachedResult>(ResultCache.#key(agentId, target), { partition: RESULT_CACHE_PARTITION });
    if (cached === null || cached.inputsHash !== inputsHash) return undefined;
    if (strategy !== undefined && cached.result.strategy !== strategy) return undefined;
    return cached.result;
  }

  /** Keeps a successful result (a failed run is never reused: the next run retries it). */
  set(agentId: string, target: string, inputsHash: string, result: ExecutedTaskResult<AgentOutput>): void {
    if (!result.success) return;
    const value: CachedResult = { inputsHash, result };
    this.#memory.store(ResultCache.#key(agentId, target), value, { partition: RESULT_CACHE_PARTITION, ttl: RESULT_CACHE_TTL_S });
  }
}
