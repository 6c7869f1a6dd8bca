// The test-optimizer agent: its core, strategies, analyses and BaseAgent class.
export { TEST_OPTIMIZER_STRATEGIES, TestOptimizerCore } from './TestOptimizerCore.js';
export type { ApfdFigures, SelectionFigures, TestOptimizerConfig, TestOptimizerCoreOptions, TestOptimizerReport } from './TestOptimizerCore.js';
export { TestOptimizerAgent } from './TestOptimizerAgent.js';
export type { TestOptimizerAgentOptions } from './TestOptimizerAgent.js';
export { apfd, minimalDetectingSet, prioritise, randomApfd } from './prioritise.js';
export type { Fault, TestFacts } from './prioritise.js';
export { readTests } from './readTests.js';
export type { TestSource } from './readTests.js';
export { assertionSubsumers, findRedundant, testKey } from './findRedundant.js';
export type { Redundancy } from './findRedundant.js';
export { changedLines, coveredLines, parseDiff } from './changedLines.js';
export type { ChangedLines } from './changedLines.js';
export { FileTestHistory, MemoryTestHistory, TEST_HISTORY_PATH, recordRun } from './TestHistory.js';
export type { TestHistoryData, TestHistoryStore, TestRecord } from './TestHistory.js';
export { TEST_OPTIMIZER_RULES, optimiserFindings } from './optimiserFindings.js';
export type { OptimiserResults } from './optimiserFindings.js';
export { changedRanges, mutantFaults, testIdResolver, weakByMutants } from './mutantFaults.js';
export type { LocatedFault, WeakByMutants } from './mutantFaults.js';
