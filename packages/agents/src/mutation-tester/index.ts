// The mutation-tester agent: its core, strategies, weak-test rule and BaseAgent class.
export { MUTATION_TESTER_STRATEGIES, MutationTesterCore } from './MutationTesterCore.js';
export type { MutationTesterConfig, MutationTesterCoreOptions, MutationTesterReport } from './MutationTesterCore.js';
export { MutationTesterAgent } from './MutationTesterAgent.js';
export type { MutationTesterAgentOptions } from './MutationTesterAgent.js';
export { DEFAULT_WEAK_TEST_RULE, weakTests } from './weakTests.js';
export type { WeakTest, WeakTestRule } from './weakTests.js';
