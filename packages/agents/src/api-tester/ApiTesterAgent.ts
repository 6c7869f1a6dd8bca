import { ApiTesterCore } from './ApiTesterCore.js';
import type { ApiTesterCoreOptions } from './ApiTesterCore.js';
import { INDEPENDENT_RUNS_LEARNING, PilotAgent } from '../kit/agent/PilotAgent.js';
import type { PilotAgentOptions } from '../kit/agent/PilotAgent.js';
import { API_TESTER_PRIORS } from './priors.js';

/** Options of `ApiTesterAgent`: BaseAgent's plus the core's. */
export interface ApiTesterAgentOptions extends PilotAgentOptions {
  tester?: ApiTesterCoreOptions;
}

/** The api-tester agent: `ApiTesterCore` behind the learning wrapper. */
export class ApiTesterAgent extends PilotAgent {
  constructor({ tester, ...options }: ApiTesterAgentOptions) {
    super(new ApiTesterCore(tester), { ...options, strategyPriors: { ...API_TESTER_PRIORS, ...options.strategyPriors }, learning: { ...INDEPENDENT_RUNS_LEARNING, ...options.learning } });
  }
}
