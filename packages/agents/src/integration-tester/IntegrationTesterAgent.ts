import { IntegrationTesterCore } from './IntegrationTesterCore.js';
import type { IntegrationTesterCoreOptions } from './IntegrationTesterCore.js';
import { INDEPENDENT_RUNS_LEARNING, PilotAgent } from '../kit/agent/PilotAgent.js';
import type { PilotAgentOptions } from '../kit/agent/PilotAgent.js';
import { INTEGRATION_TESTER_PRIORS } from './priors.js';

/** Options of `IntegrationTesterAgent`: BaseAgent's plus the core's. */
export interface IntegrationTesterAgentOptions extends PilotAgentOptions {
  tester?: IntegrationTesterCoreOptions;
}

/** The integration-tester agent: `IntegrationTesterCore` behind the learning wrapper. */
export class IntegrationTesterAgent extends PilotAgent {
  constructor({ tester, ...options }: IntegrationTesterAgentOptions) {
    super(new IntegrationTesterCore(tester), { ...options, strategyPriors: { ...INTEGRATION_TESTER_PRIORS, ...options.strategyPriors }, learning: { ...INDEPENDENT_RUNS_LEARNING, ...options.learning } });
  }
}
