// The load-tester agent: its core, strategies, load generator, verdicts and BaseAgent class.
export { LOAD_TESTER_STRATEGIES, LoadTesterCore } from './LoadTesterCore.js';
export type { LoadTesterConfig, LoadTesterCoreOptions, LoadTesterReport, RouteLoad } from './LoadTesterCore.js';
export { AutocannonLoadGenerator } from './AutocannonLoadGenerator.js';
export type { LoadGenerator, LoadRequest, LoadSample } from './AutocannonLoadGenerator.js';
export { failsUnderLoad, findKnee, p99Growth, payloadGrowth, spread, summariseLevels } from './loadVerdicts.js';
export type { LevelSummary, LoadGrowth, LoadGrowthThresholds, PayloadGrowth, PayloadGrowthThresholds, PayloadPoint, Spread } from './loadVerdicts.js';
export { LoadTesterAgent } from './LoadTesterAgent.js';
export type { LoadTesterAgentOptions } from './LoadTesterAgent.js';
