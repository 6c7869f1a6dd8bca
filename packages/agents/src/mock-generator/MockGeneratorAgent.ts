import { INDEPENDENT_RUNS_LEARNING, PilotAgent } from '../kit/agent/PilotAgent.js';
import type { PilotAgentOptions } from '../kit/agent/PilotAgent.js';
import { MockGeneratorCore } from './MockGeneratorCore.js';
import type { MockGeneratorCoreOptions } from './MockGeneratorCore.js';
import { MOCK_GENERATOR_PRIORS } from './priors.js';

/** Options of `MockGeneratorAgent`: BaseAgent's plus the core's. */
export interface MockGeneratorAgentOptions extends PilotAgentOptions {
  generator?: MockGeneratorCoreOptions;
}

/** The mock-generator agent: `MockGeneratorCore` behind the learning wrapper. */
export class MockGeneratorAgent extends PilotAgent {
  constructor({ generator, ...options }: MockGeneratorAgentOptions) {
    super(new MockGeneratorCore(generator), { ...options, strategyPriors: { ...MOCK_GENERATOR_PRIORS, ...options.strategyPriors }, learning: { ...INDEPENDENT_RUNS_LEARNING, ...options.learning } });
  }
}
