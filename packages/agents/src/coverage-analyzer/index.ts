// The coverage-analyzer agent: its core, strategies, gap analysis and BaseAgent class.
export { COVERAGE_ANALYZER_STRATEGIES, CoverageAnalyzerCore } from './CoverageAnalyzerCore.js';
export type { CoverageAnalyzerConfig, CoverageAnalyzerCoreOptions, CoverageAnalyzerReport, RankedGap } from './CoverageAnalyzerCore.js';
export { CoverageAnalyzerAgent } from './CoverageAnalyzerAgent.js';
export type { CoverageAnalyzerAgentOptions } from './CoverageAnalyzerAgent.js';
export { coverageGaps } from './coverageGaps.js';
export type { CoverageGap, GapKind } from './coverageGaps.js';
export { RECENT_DAYS, lineRanges, rankGap } from './rankGaps.js';
export type { GapRisk } from './rankGaps.js';
