// The performance-tester agent: its core, strategies, checks and BaseAgent class.
export { PERFORMANCE_TESTER_STRATEGIES, PerformanceTesterCore, baselineKey } from './PerformanceTesterCore.js';
export { confirmGrowth, isSuperLinear } from './confirmGrowth.js';
export type { ConfirmingFit, GrowthThresholds, GrowthVerdict } from './confirmGrowth.js';
export type { BaselineStore, BenchPoint, GrowthResult, PerformanceTesterConfig, PerformanceTesterCoreOptions, PerformanceTesterReport, Regression } from './PerformanceTesterCore.js';
export { decideGrowth, growthInterval } from './growthInterval.js';
export type { GrowthDecision, GrowthInterval } from './growthInterval.js';
export { RouteTimer } from './RouteTimer.js';
export type { RouteTimerOptions, RouteTiming } from './RouteTimer.js';
export { ServiceCpuClock } from './ServiceCpuClock.js';
export type { ProcFs } from './ServiceCpuClock.js';
export { PerformanceTesterAgent } from './PerformanceTesterAgent.js';
export type { PerformanceTesterAgentOptions } from './PerformanceTesterAgent.js';
