import { INDEPENDENT_RUNS_LEARNING, PilotAgent } from '../kit/agent/PilotAgent.js';
import type { PilotAgentOptions } from '../kit/agent/PilotAgent.js';
import { TestDataGeneratorCore } from './TestDataGeneratorCore.js';
import type { TestDataGeneratorCoreOptions } from './TestDataGeneratorCore.js';
import { TEST_DATA_GENERATOR_PRIORS } from './priors.js';

/** Options of `TestDataGeneratorAgent`: BaseAgent's plus the core's. */
export interface TestDataGeneratorAgentOptions extends PilotAgentOptions {
  generator?: TestDataGeneratorCoreOptions;
}

/** The test-data-generator agent: `TestDataGeneratorCore` behind the learning wrapper. */
export class TestDataGeneratorAgent extends PilotAgent {
  constructor({ generator, ...options }: TestDataGeneratorAgentOptions) {
    super(new TestDataGeneratorCore(generator), { ...options, strategyPriors: { ...TEST_DATA_GENERATOR_PRIORS, ...options.strategyPriors }, learning: { ...INDEPENDENT_RUNS_LEARNING, ...options.learning } });
  }
}
