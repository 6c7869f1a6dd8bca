import { ApiTesterAgent } from './api-tester/ApiTesterAgent.js';
import { FlakyTestDetectorAgent } from './flaky-test-detector/FlakyTestDetectorAgent.js';
import { IntegrationTesterAgent } from './integration-tester/IntegrationTesterAgent.js';
import { LoadTesterAgent } from './load-tester/LoadTesterAgent.js';
import { CodeReviewerAgent } from './code-reviewer/CodeReviewerAgent.js';
import { AgentError } from './kit/agent/AgentError.js';
import { PerformanceTesterAgent } from './performance-tester/PerformanceTesterAgent.js';
import type { PilotAgent, PilotAgentOptions } from './kit/agent/PilotAgent.js';
import { SecurityScannerAgent } from './security-scanner/SecurityScannerAgent.js';
import { TestGeneratorAgent } from './test-generator/TestGeneratorAgent.js';

/** Ids of the agents this package implements (seed 11.1 ids), in registry order. */
export const AGENT_IDS = ['test-generator', 'code-reviewer', 'api-tester', 'performance-tester', 'security-scanner', 'integration-tester', 'load-tester', 'flaky-test-detector'] as const;

/** One of `AGENT_IDS`. */
export type AgentId = (typeof AGENT_IDS)[number];

/**
 * Each agent's factory. Adding an agent = its folder, its id in `AGENT_IDS` and one line here; the
 * mapped type makes a missing factory a compile error.
 */
const FACTORIES: { readonly [K in AgentId]: (options: PilotAgentOptions) => PilotAgent } = {
  'test-generator': (options) => new TestGeneratorAgent(options),
  'code-reviewer': (options) => new CodeReviewerAgent(options),
  'api-tester': (options) => new ApiTesterAgent(options),
  'performance-tester': (options) => new PerformanceTesterAgent(options),
  'security-scanner': (options) => new SecurityScannerAgent(options),
  'integration-tester': (options) => new IntegrationTesterAgent(options),
  'load-tester': (options) => new LoadTesterAgent(options),
  'flaky-test-detector': (options) => new FlakyTestDetectorAgent(options),
};

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
    const factory = (FACTORIES as Readonly<Record<string, (options: PilotAgentOptions) => PilotAgent>>)[id];
    if (factory === undefined) throw new AgentError('UNKNOWN_AGENT', `no pilot agent "${id}" (implemented: ${AGENT_IDS.join(', ')})`);
    return factory({ ...shared, id: `${idPrefix}${id}` });
  });
}
