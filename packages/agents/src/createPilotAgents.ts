import { ApiTesterAgent } from './ApiTesterAgent.js';
import { CodeReviewerAgent } from './CodeReviewerAgent.js';
import { AgentError } from './AgentError.js';
import { PerformanceTesterAgent } from './PerformanceTesterAgent.js';
import type { PilotAgent, PilotAgentOptions } from './PilotAgent.js';
import { SecurityScannerAgent } from './SecurityScannerAgent.js';
import { TestGeneratorAgent } from './TestGeneratorAgent.js';

/**
 * Implemented pilot agents by agent id (seed 11.1 ids). Adding an agent = one line here; the
 * fleet app reads `AGENT_IDS` and calls `createPilotAgents`.
 */
const FACTORIES: Readonly<Record<string, (options: PilotAgentOptions) => PilotAgent>> = {
  'test-generator': (options) => new TestGeneratorAgent(options),
  'code-reviewer': (options) => new CodeReviewerAgent(options),
  'api-tester': (options) => new ApiTesterAgent(options),
  'performance-tester': (options) => new PerformanceTesterAgent(options),
  'security-scanner': (options) => new SecurityScannerAgent(options),
};

/** Ids of the agents this package implements, in registry order. */
export const AGENT_IDS: readonly string[] = Object.freeze(Object.keys(FACTORIES));

/** Options of `createPilotAgents`: BaseAgent options shared by all, minus the per-agent `id`. */
export interface CreatePilotAgentsOptions extends Omit<PilotAgentOptions, 'id'> {
  /** Which agents (default all of `AGENT_IDS`); an unknown id is AgentError UNKNOWN_AGENT. */
  ids?: readonly string[];
  /** Prefix of each agent's instance id (default `''`: the instance id is the agent id). */
  idPrefix?: string;
}

/**
 * Creates (not initialises) the pilot agents on one shared store: the CLI-free entry of the fleet
 * app. Call `initialize()` on each before `executeTask`, `shutdown()` after.
 */
export function createPilotAgents(options: CreatePilotAgentsOptions): PilotAgent[] {
  const { ids = AGENT_IDS, idPrefix = '', ...shared } = options;
  return ids.map((id) => {
    const factory = FACTORIES[id];
    if (factory === undefined) throw new AgentError('UNKNOWN_AGENT', `no pilot agent "${id}" (implemented: ${AGENT_IDS.join(', ')})`);
    return factory({ ...shared, id: `${idPrefix}${id}` });
  });
}
