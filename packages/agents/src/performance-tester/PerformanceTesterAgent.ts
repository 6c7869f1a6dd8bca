import { PerformanceTesterCore } from './PerformanceTesterCore.js';
import type { PerformanceTesterCoreOptions } from './PerformanceTesterCore.js';
import { INDEPENDENT_RUNS_LEARNING, PilotAgent } from '../kit/agent/PilotAgent.js';
import type { PilotAgentOptions } from '../kit/agent/PilotAgent.js';
import { PERFORMANCE_TESTER_PRIORS } from './priors.js';

/** Options of `PerformanceTesterAgent`: BaseAgent's plus the core's (baselines come from the agent's store unless given). */
export interface PerformanceTesterAgentOptions extends PilotAgentOptions {
  tester?: PerformanceTesterCoreOptions;
}

/**
 * The performance-tester agent: `PerformanceTesterCore` behind the learning wrapper, keeping its
 * baselines in the agent's SwarmMemoryManager (`agents/performance-tester/baseline/{target}/{fn}`).
 */
export class PerformanceTesterAgent extends PilotAgent {
  constructor({ tester, ...options }: PerformanceTesterAgentOptions) {
    // The store only exists once the agent is initialised, so the core reaches it through the agent.
    let self: PerformanceTesterAgent | undefined;
    const baselines = tester?.baselines ?? {
      store: (key: string, value: unknown) => self?.memory.store(key, value),
      retrieve: (key: string) => self?.memory.retrieve(key),
    };
    super(new PerformanceTesterCore({ ...tester, baselines }), { ...options, strategyPriors: { ...PERFORMANCE_TESTER_PRIORS, ...options.strategyPriors }, learning: { ...INDEPENDENT_RUNS_LEARNING, ...options.learning } });
    self = this;
  }
}
