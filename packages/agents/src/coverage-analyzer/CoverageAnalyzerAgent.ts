import { CoverageAnalyzerCore } from './CoverageAnalyzerCore.js';
import type { CoverageAnalyzerCoreOptions } from './CoverageAnalyzerCore.js';
import { INDEPENDENT_RUNS_LEARNING, PilotAgent } from '../kit/agent/PilotAgent.js';
import type { PilotAgentOptions } from '../kit/agent/PilotAgent.js';
import { COVERAGE_ANALYZER_PRIORS } from './priors.js';

/** Options of `CoverageAnalyzerAgent`: BaseAgent's plus the core's. */
export interface CoverageAnalyzerAgentOptions extends PilotAgentOptions {
  analyzer?: CoverageAnalyzerCoreOptions;
}

/** The coverage-analyzer agent: `CoverageAnalyzerCore` behind the learning wrapper. */
export class CoverageAnalyzerAgent extends PilotAgent {
  constructor({ analyzer, ...options }: CoverageAnalyzerAgentOptions) {
    super(new CoverageAnalyzerCore(analyzer), { ...options, strategyPriors: { ...COVERAGE_ANALYZER_PRIORS, ...options.strategyPriors }, learning: { ...INDEPENDENT_RUNS_LEARNING, ...options.learning } });
  }
}
