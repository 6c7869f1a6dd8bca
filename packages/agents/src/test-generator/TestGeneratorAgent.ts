import { INDEPENDENT_RUNS_LEARNING, PilotAgent } from '../kit/agent/PilotAgent.js';
import type { PilotAgentOptions } from '../kit/agent/PilotAgent.js';
import { TEST_GENERATOR_PRIORS } from './priors.js';
import { TestGeneratorCore } from './TestGeneratorCore.js';
import type { TestGeneratorCoreOptions } from './TestGeneratorCore.js';

/** Options of `TestGeneratorAgent`: BaseAgent's plus the core's. */
export interface TestGeneratorAgentOptions extends PilotAgentOptions {
  generator?: TestGeneratorCoreOptions;
}

/** The test-generator agent: `TestGeneratorCore` behind the learning wrapper. */
export class TestGeneratorAgent extends PilotAgent {
  constructor({ generator, ...options }: TestGeneratorAgentOptions) {
    super(new TestGeneratorCore(generator), { ...options, strategyPriors: { ...TEST_GENERATOR_PRIORS, ...options.strategyPriors }, learning: { ...INDEPENDENT_RUNS_LEARNING, ...options.learning } });
  }
}
