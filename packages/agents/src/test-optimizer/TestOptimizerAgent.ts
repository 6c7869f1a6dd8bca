import { INDEPENDENT_RUNS_LEARNING, PilotAgent } from '../kit/agent/PilotAgent.js';
import type { PilotAgentOptions } from '../kit/agent/PilotAgent.js';
import { TestOptimizerCore } from './TestOptimizerCore.js';
import type { TestOptimizerCoreOptions } from './TestOptimizerCore.js';
import { TEST_OPTIMIZER_PRIORS } from './priors.js';

/** Options of `TestOptimizerAgent`: BaseAgent's plus the core's. */
export interface TestOptimizerAgentOptions extends PilotAgentOptions {
  optimizer?: TestOptimizerCoreOptions;
}

/** The test-optimizer agent: `TestOptimizerCore` behind the learning wrapper. */
export class TestOptimizerAgent extends PilotAgent {
  constructor({ optimizer, ...options }: TestOptimizerAgentOptions) {
    super(new TestOptimizerCore(optimizer), { ...options, strategyPriors: { ...TEST_OPTIMIZER_PRIORS, ...options.strategyPriors }, learning: { ...INDEPENDENT_RUNS_LEARNING, ...options.learning } });
  }
}
