import { FlakyTestDetectorCore } from './FlakyTestDetectorCore.js';
import type { FlakyTestDetectorCoreOptions } from './FlakyTestDetectorCore.js';
import { INDEPENDENT_RUNS_LEARNING, PilotAgent } from '../kit/agent/PilotAgent.js';
import type { PilotAgentOptions } from '../kit/agent/PilotAgent.js';
import { FLAKY_TEST_DETECTOR_PRIORS } from './priors.js';

/** Options of `FlakyTestDetectorAgent`: BaseAgent's plus the core's. */
export interface FlakyTestDetectorAgentOptions extends PilotAgentOptions {
  detector?: FlakyTestDetectorCoreOptions;
}

/** The flaky-test-detector agent: `FlakyTestDetectorCore` behind the learning wrapper. */
export class FlakyTestDetectorAgent extends PilotAgent {
  constructor({ detector, ...options }: FlakyTestDetectorAgentOptions) {
    super(new FlakyTestDetectorCore(detector), { ...options, strategyPriors: { ...FLAKY_TEST_DETECTOR_PRIORS, ...options.strategyPriors }, learning: { ...INDEPENDENT_RUNS_LEARNING, ...options.learning } });
  }
}
