import { AgentError } from './kit/agent/AgentError.js';
import type { PilotAgent, PilotAgentOptions } from './kit/agent/PilotAgent.js';

/** Ids of the agents this package implements (seed 11.1 ids), in registry order. */
export const AGENT_IDS = ['test-generator', 'code-reviewer', 'api-tester', 'performance-tester', 'security-scanner', 'e2e-tester', 'visual-regression', 'accessibility-checker', 'coverage-analyzer', 'mutation-tester', 'unit-test-generator', 'mock-generator', 'test-data-generator', 'test-optimizer', 'integration-tester', 'load-tester', 'flaky-test-detector'] as const;
/** One of `AGENT_IDS`. */
export type AgentId = (typeof AGENT_IDS)[number];

type Factory = (options: PilotAgentOptions, settings: AgentSettings) => PilotAgent;

/**
 * How to load each agent. An agent's module is imported only when that agent is asked for (as
 * ESLint loads its rules), so a run of one agent does not pay for loading the other sixteen and
 * their tools. Adding an agent = its folder, its id in `AGENT_IDS` and one line here; the mapped type
 * makes a missing loader a compile error.
 */
const LOADERS: { readonly [K in AgentId]: () => Promise<Factory> } = {
  'test-generator': () => import('./test-generator/TestGeneratorAgent.js').then(({ TestGeneratorAgent }) => (options, { writeTestsDir }) => new TestGeneratorAgent({ ...options, ...(writeTestsDir === undefined ? {} : { generator: { writeTestsDir } }) })),
  'code-reviewer': () => import('./code-reviewer/CodeReviewerAgent.js').then(({ CodeReviewerAgent }) => (options) => new CodeReviewerAgent(options)),
  'api-tester': () => import('./api-tester/ApiTesterAgent.js').then(({ ApiTesterAgent }) => (options) => new ApiTesterAgent(options)),
  'performance-tester': () => import('./performance-tester/PerformanceTesterAgent.js').then(({ PerformanceTesterAgent }) => (options) => new PerformanceTesterAgent(options)),
  'security-scanner': () => import('./security-scanner/SecurityScannerAgent.js').then(({ SecurityScannerAgent }) => (options) => new SecurityScannerAgent(options)),
  'e2e-tester': () => import('./e2e-tester/E2eTesterAgent.js').then(({ E2eTesterAgent }) => (options) => new E2eTesterAgent(options)),
  'visual-regression': () => import('./visual-regression/VisualRegressionAgent.js').then(({ VisualRegressionAgent }) => (options) => new VisualRegressionAgent(options)),
  'accessibility-checker': () => import('./accessibility-checker/AccessibilityCheckerAgent.js').then(({ AccessibilityCheckerAgent }) => (options) => new AccessibilityCheckerAgent(options)),
  'unit-test-generator': () => import('./unit-test-generator/UnitTestGeneratorAgent.js').then(({ UnitTestGeneratorAgent }) => (options) => new UnitTestGeneratorAgent(options)),
  'mock-generator': () => import('./mock-generator/MockGeneratorAgent.js').then(({ MockGeneratorAgent }) => (options) => new MockGeneratorAgent(options)),
  'coverage-analyzer': () => import('./coverage-analyzer/CoverageAnalyzerAgent.js').then(({ CoverageAnalyzerAgent }) => (options) => new CoverageAnalyzerAgent(options)),
  'mutation-tester': () => import('./mutation-tester/MutationTesterAgent.js').then(({ MutationTesterAgent }) => (options) => new MutationTesterAgent(options)),
  'test-data-generator': () => import('./test-data-generator/TestDataGeneratorAgent.js').then(({ TestDataGeneratorAgent }) => (options) => new TestDataGeneratorAgent(options)),
  'test-optimizer': () => import('./test-optimizer/TestOptimizerAgent.js').then(({ TestOptimizerAgent }) => (options) => new TestOptimizerAgent(options)),
  'integration-tester': () => import('./integration-tester/IntegrationTesterAgent.js').then(({ IntegrationTesterAgent }) => (options) => new IntegrationTesterAgent(options)),
  'load-tester': () => import('./load-tester/LoadTesterAgent.js').then(({ LoadTesterAgent }) => (options) => new LoadTesterAgent(options)),
  'flaky-test-detector': () => import('./flaky-test-detector/FlakyTestDetectorAgent.js').then(({ FlakyTestDetectorAgent }) => (options) => new FlakyTestDetectorAgent(options)),
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
 * Creates (not initialises) the pilot agents on one shared store, loading only the modules of the
 * agents asked for: the CLI-free entry of the fleet app. Call `initialize()` on each before
 * `executeTask`, `shutdown()` after. An unknown id rejects with AgentError UNKNOWN_AGENT before any
 * agent is created.
 */
export async function createPilotAgents(options: CreatePilotAgentsOptions): Promise<PilotAgent[]> {
  const { ids = AGENT_IDS, idPrefix = '', writeTestsDir, ...shared } = options;
  const settings: AgentSettings = writeTestsDir === undefined ? {} : { writeTestsDir };
  const loaders = ids.map((id) => {
    if (!Object.hasOwn(LOADERS, id)) throw new AgentError('UNKNOWN_AGENT', `no pilot agent "${id}" (implemented: ${AGENT_IDS.join(', ')})`);
    return LOADERS[id as AgentId];
  });
  const factories = await Promise.all(loaders.map((load) => load()));
  return factories.map((factory, i) => factory({ ...shared, id: `${idPrefix}${ids[i]!}` }, settings));
}
