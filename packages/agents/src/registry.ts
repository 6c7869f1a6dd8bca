import { AccessibilityCheckerAgent } from './accessibility-checker/AccessibilityCheckerAgent.js';
import { ApiTesterAgent } from './api-tester/ApiTesterAgent.js';
import { CodeReviewerAgent } from './code-reviewer/CodeReviewerAgent.js';
import { CoverageAnalyzerAgent } from './coverage-analyzer/CoverageAnalyzerAgent.js';
import { E2eTesterAgent } from './e2e-tester/E2eTesterAgent.js';
import { FlakyTestDetectorAgent } from './flaky-test-detector/FlakyTestDetectorAgent.js';
import { IntegrationTesterAgent } from './integration-tester/IntegrationTesterAgent.js';
import { LoadTesterAgent } from './load-tester/LoadTesterAgent.js';
import { MockGeneratorAgent } from './mock-generator/MockGeneratorAgent.js';
import { MutationTesterAgent } from './mutation-tester/MutationTesterAgent.js';
import { PerformanceTesterAgent } from './performance-tester/PerformanceTesterAgent.js';
import { SecurityScannerAgent } from './security-scanner/SecurityScannerAgent.js';
import { TestDataGeneratorAgent } from './test-data-generator/TestDataGeneratorAgent.js';
import { TestGeneratorAgent } from './test-generator/TestGeneratorAgent.js';
import { TestOptimizerAgent } from './test-optimizer/TestOptimizerAgent.js';
import { UnitTestGeneratorAgent } from './unit-test-generator/UnitTestGeneratorAgent.js';
import { VisualRegressionAgent } from './visual-regression/VisualRegressionAgent.js';
import { AgentError } from './kit/agent/AgentError.js';
import type { PilotAgent, PilotAgentOptions } from './kit/agent/PilotAgent.js';

/** Ids of the agents this package implements (seed 11.1 ids), in registry order. */
export const AGENT_IDS = ['test-generator', 'code-reviewer', 'api-tester', 'performance-tester', 'security-scanner', 'e2e-tester', 'visual-regression', 'accessibility-checker', 'coverage-analyzer', 'mutation-tester', 'unit-test-generator', 'mock-generator', 'test-data-generator', 'test-optimizer', 'integration-tester', 'load-tester', 'flaky-test-detector'] as const;
/** One of `AGENT_IDS`. */
export type AgentId = (typeof AGENT_IDS)[number];

/**
 * Each agent's factory. Adding an agent = its folder, its id in `AGENT_IDS` and one line here; the
 * mapped type makes a missing factory a compile error.
 */
const FACTORIES: { readonly [K in AgentId]: (options: PilotAgentOptions, settings: AgentSettings) => PilotAgent } = {
  'test-generator': (options, { writeTestsDir }) => new TestGeneratorAgent({ ...options, ...(writeTestsDir === undefined ? {} : { generator: { writeTestsDir } }) }),
  'code-reviewer': (options) => new CodeReviewerAgent(options),
  'api-tester': (options) => new ApiTesterAgent(options),
  'performance-tester': (options) => new PerformanceTesterAgent(options),
  'security-scanner': (options) => new SecurityScannerAgent(options),
  'e2e-tester': (options) => new E2eTesterAgent(options),
  'visual-regression': (options) => new VisualRegressionAgent(options),
  'accessibility-checker': (options) => new AccessibilityCheckerAgent(options),
  'unit-test-generator': (options) => new UnitTestGeneratorAgent(options),
  'mock-generator': (options) => new MockGeneratorAgent(options),
  'coverage-analyzer': (options) => new CoverageAnalyzerAgent(options),
  'mutation-tester': (options) => new MutationTesterAgent(options),
  'test-data-generator': (options) => new TestDataGeneratorAgent(options),
  'test-optimizer': (options) => new TestOptimizerAgent(options),
  'integration-tester': (options) => new IntegrationTesterAgent(options),
  'load-tester': (options) => new LoadTesterAgent(options),
  'flaky-test-detector': (options) => new FlakyTestDetectorAgent(options),
};

/** What a user asks of particular agents (CLI flags), passed to the agents it concerns. */
export interface AgentSettings {
  /** test-generator: keep the generated tests in this folder (`--write-tests DIR`). */
  writeTestsDir?: string;
}

/** Options of `createPilotAgents`: BaseAgent options shared by all, minus the per-agent `id`. */
export interface CreatePilotAgentsOptions extends Omit<PilotAgentOptions, 'id'>, AgentSettings {
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
  const { ids = AGENT_IDS, idPrefix = '', writeTestsDir, ...shared } = options;
  const settings: AgentSettings = writeTestsDir === undefined ? {} : { writeTestsDir };
  return ids.map((id) => {
    const factory = (FACTORIES as Readonly<Record<string, (options: PilotAgentOptions, settings: AgentSettings) => PilotAgent>>)[id];
    if (factory === undefined) throw new AgentError('UNKNOWN_AGENT', `no pilot agent "${id}" (implemented: ${AGENT_IDS.join(', ')})`);
    return factory({ ...shared, id: `${idPrefix}${id}` }, settings);
  });
}
