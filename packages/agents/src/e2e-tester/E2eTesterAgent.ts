import { E2eTesterCore } from './E2eTesterCore.js';
import type { E2eTesterOptions } from './E2eTesterCore.js';
import { INDEPENDENT_RUNS_LEARNING, PilotAgent } from '../kit/agent/PilotAgent.js';
import type { PilotAgentOptions } from '../kit/agent/PilotAgent.js';
import { E2E_TESTER_PRIORS } from './priors.js';

/** Options of `E2eTesterAgent`: BaseAgent's plus the core's. */
export interface E2eTesterAgentOptions extends PilotAgentOptions {
  tester?: E2eTesterOptions;
}

/** The e2e-tester agent: `E2eTesterCore` behind the learning wrapper. */
export class E2eTesterAgent extends PilotAgent {
  constructor({ tester, ...options }: E2eTesterAgentOptions) {
    super(new E2eTesterCore(tester), { ...options, strategyPriors: { ...E2E_TESTER_PRIORS, ...options.strategyPriors }, learning: { ...INDEPENDENT_RUNS_LEARNING, ...options.learning } });
  }
}
