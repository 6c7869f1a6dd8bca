// The performance-tester agent: its core, strategies, checks and BaseAgent class.
export { PERFORMANCE_TESTER_STRATEGIES, PerformanceTesterCore, baselineKey } from './PerformanceTesterCore.js';
export { confirmGrowth, isSuperLinear } from './confirmGrowth.js';
export type { ConfirmingFit, GrowthThresholds, GrowthVerdict } from './confirmGrowth.js';
export type { BaselineStore, BenchPoint, GrowthResult, PerformanceTesterConfig, PerformanceTesterCoreOptions, PerformanceTesterReport, Regression } from './PerformanceTesterCore.js';
export { PerformanceTesterAgent } from './PerformanceTesterAgent.js';
export type { PerformanceTesterAgentOptions } from './PerformanceTesterAgent.js';
