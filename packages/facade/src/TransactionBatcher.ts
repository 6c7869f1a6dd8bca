import { performance } from 'node:perf_hooks';
import type { SwarmMemoryManager } from '@qe-fleet/memory';

interface Pending {
  work: () => void;
  rolledBack: () => void;
  resolve: (costMs: number) => void;
  reject: (error: unknown) => void;
}

const batchers = new WeakMap<SwarmMemoryManager, TransactionBatcher>();

/**
 * Group commit for one store: work submitted during one turn of the event loop (e.g. the tasks
 * of a `Promise.all` batch finishing together, from any agent on the store) runs in ONE
 * transaction; a commit costs far more than the rows it writes. `run` resolves after the commit
 * (durable) with the item's cost in ms: its own work plus its share of the commit.
 *
 * Items get no savepoint of their own (a savepoint makes SQLite journal every page the item
 * touches, a large part of a small item's cost). That is safe because every write an item makes
 * is atomic by itself (one statement, or the engine's and the loop's own nested transactions,
 * which roll themselves back), so an item that throws leaves whole writes, and only it is rejected.
 */
export class TransactionBatcher {
  readonly #memory: SwarmMemoryManager;
  #queue: Pending[] = [];

  private constructor(memory: SwarmMemoryManager) {
    this.#memory = memory;
  }

  /** The batcher of `memory` (one per store, shared by every agent on it). */
  static of(memory: SwarmMemoryManager): TransactionBatcher {
    let batcher = batchers.get(memory);
    if (batcher === undefined) batchers.set(memory, (batcher = new TransactionBatcher(memory)));
    return batcher;
  }

  /**
   * Queues `work` (synchronous) for the next group commit. If the whole transaction fails (the
   * store refused the commit), every item is rejected after its `rolledBack` ran: that is where
   * in-memory state that already absorbed the work is reloaded from the store.
   */
  run(work: () => void, rolledBack: () => void): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      if (this.#queue.push({ work, rolledBack, resolve, reject }) === 1) setImmediate(() => this.#flush());
    });
  }

  #flush(): void {
    const items = this.#queue;
    this.#queue = [];
    const costs = new Float64Array(items.length);
    const failures = new Map<number, unknown>();
    const started = performance.now();
    try {
      this.#memory.transaction(() => {
        items.forEach((item, i) => {
          const t = performance.now();
          try {
            item.work();
          } catch (error) {
            failures.set(i, error);
          }
          costs[i] = performance.now() - t;
        });
      });
    } catch (error) {
      for (const item of items) {
        item.rolledBack();
        item.reject(error);
      }
      return;
    }
    const own = costs.reduce((sum, c) => sum + c, 0);
    const share = (performance.now() - started - own) / items.length;
    items.forEach((item, i) => {
      if (failures.has(i)) item.reject(failures.get(i));
      else item.resolve(costs[i]! + share);
    });
  }
}
