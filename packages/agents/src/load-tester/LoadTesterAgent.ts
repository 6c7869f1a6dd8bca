import { LoadTesterCore } from './LoadTesterCore.js';
import type { LoadTesterCoreOptions } from './LoadTesterCore.js';
import { INDEPENDENT_RUNS_LEARNING, PilotAgent } from '../kit/agent/PilotAgent.js';
import type { PilotAgentOptions } from '../kit/agent/PilotAgent.js';
import { LOAD_TESTER_PRIORS } from './priors.js';

/** Options of `LoadTesterAgent`: BaseAgent's plus the core's. */
export interface LoadTesterAgentOptions extends PilotAgentOptions {
  tester?: LoadTesterCoreOptions;
}

/** The load-tester agent: `LoadTesterCore` behind the learning wrapper. */
export class LoadTesterAgent extends PilotAgent {
  constructor({ tester, ...options }: LoadTesterAgentOptions) {
    super(new LoadTesterCore(tester), { ...options, strategyPriors: { ...LOAD_TESTER_PRIORS, ...options.strategyPriors }, learning: { ...INDEPENDENT_RUNS_LEARNING, ...options.learning } });
  }
}
