import { MutationTesterCore } from './MutationTesterCore.js';
import type { MutationTesterCoreOptions } from './MutationTesterCore.js';
import { INDEPENDENT_RUNS_LEARNING, PilotAgent } from '../kit/agent/PilotAgent.js';
import type { PilotAgentOptions } from '../kit/agent/PilotAgent.js';
import { MUTATION_TESTER_PRIORS } from './priors.js';

/** Options of `MutationTesterAgent`: BaseAgent's plus the core's. */
export interface MutationTesterAgentOptions extends PilotAgentOptions {
  tester?: MutationTesterCoreOptions;
}

/** The mutation-tester agent: `MutationTesterCore` behind the learning wrapper. */
export class MutationTesterAgent extends PilotAgent {
  constructor({ tester, ...options }: MutationTesterAgentOptions) {
    super(new MutationTesterCore(tester), { ...options, strategyPriors: { ...MUTATION_TESTER_PRIORS, ...options.strategyPriors }, learning: { ...INDEPENDENT_RUNS_LEARNING, ...options.learning } });
  }
}
