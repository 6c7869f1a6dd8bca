import type { SwarmMemoryManager } from '@qe-fleet/memory';
import type { BaseAgent } from './BaseAgent.js';
import { FacadeError } from './FacadeError.js';

/**
 * Agents sharing one store, initialised together (seed 11.1). Made by `initializeLearningFleet`;
 * `shutdown()` stops every agent (the store stays open: whoever opened it closes it).
 */
export class LearningFleet<A extends BaseAgent = BaseAgent> {
  /** The agents, in the order given. */
  readonly agents: readonly A[];
  /** The shared store. */
  readonly memory: SwarmMemoryManager;
  /** Heap growth measured around initialising the whole fleet, divided by the agent count (bytes). */
  readonly initHeapPerAgentBytes: number;

  constructor(agents: readonly A[], memory: SwarmMemoryManager, initHeapPerAgentBytes: number) {
    this.agents = agents;
    this.memory = memory;
    this.initHeapPerAgentBytes = initHeapPerAgentBytes;
  }

  /** The agent with this id, if any. */
  get(id: string): A | undefined {
    return this.agents.find((agent) => agent.id === id);
  }

  /** Shuts every agent down; all are attempted even if one fails, then the first error is thrown. */
  async shutdown(): Promise<void> {
    const results = await Promise.allSettled(this.agents.map((agent) => agent.shutdown()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) {
      throw new FacadeError('FLEET_SHUTDOWN_FAILED', 'an agent failed to shut down', { cause: failed.reason });
    }
  }
}
