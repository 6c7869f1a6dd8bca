import type { SwarmMemoryManager } from '@qe-fleet/memory';
import { BaseAgent } from './BaseAgent.js';
import { FacadeError } from './FacadeError.js';
import { LearningFleet } from './LearningFleet.js';

/**
 * Seed 11.1: initialises agents that share `memory` (each constructed with it) one after the
 * other, measuring the heap they add. If one fails, the ones already started are shut down and
 * FLEET_INIT_FAILED is thrown with the cause.
 */
export async function initializeLearningFleet<A extends BaseAgent>(agents: readonly A[], memory: SwarmMemoryManager): Promise<LearningFleet<A>> {
  if (!Array.isArray(agents) || !(agents as unknown[]).every((a) => a instanceof BaseAgent)) {
    throw new FacadeError('INVALID_OPTIONS', 'initializeLearningFleet needs an array of BaseAgents');
  }
  const ids = new Set(agents.map((agent) => agent.id));
  if (agents.length === 0 || ids.size !== agents.length) {
    throw new FacadeError('INVALID_OPTIONS', 'a fleet needs at least one agent and unique agent ids');
  }
  const started: A[] = [];
  const heapBefore = process.memoryUsage().heapUsed;
  try {
    for (const agent of agents) {
      await agent.initialize();
      started.push(agent);
      if (agent.memory !== memory) {
        throw new FacadeError('INVALID_OPTIONS', `agent ${agent.id} does not use the fleet's store`, { agentId: agent.id });
      }
    }
  } catch (error) {
    await Promise.allSettled(started.map((agent) => agent.shutdown()));
    throw new FacadeError('FLEET_INIT_FAILED', `fleet initialisation failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const heapPerAgent = (process.memoryUsage().heapUsed - heapBefore) / agents.length;
  return new LearningFleet(agents, memory, heapPerAgent);
}
