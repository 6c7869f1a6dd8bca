import { INDEPENDENT_RUNS_LEARNING, PilotAgent } from '../kit/agent/PilotAgent.js';
import type { PilotAgentOptions } from '../kit/agent/PilotAgent.js';
import { UnitTestGeneratorCore } from './UnitTestGeneratorCore.js';
import type { UnitTestGeneratorCoreOptions } from './UnitTestGeneratorCore.js';
import { UNIT_TEST_GENERATOR_PRIORS } from './priors.js';

/** Options of `UnitTestGeneratorAgent`: BaseAgent's plus the core's. */
export interface UnitTestGeneratorAgentOptions extends PilotAgentOptions {
  generator?: UnitTestGeneratorCoreOptions;
}

/** The unit-test-generator agent: `UnitTestGeneratorCore` behind the learning wrapper. */
export class UnitTestGeneratorAgent extends PilotAgent {
  constructor({ generator, ...options }: UnitTestGeneratorAgentOptions) {
    super(new UnitTestGeneratorCore(generator), { ...options, strategyPriors: { ...UNIT_TEST_GENERATOR_PRIORS, ...options.strategyPriors }, learning: { ...INDEPENDENT_RUNS_LEARNING, ...options.learning } });
  }
}
